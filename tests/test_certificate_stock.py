"""Pre-printed stock: only the variable texts, each where the organizer put it (plus the printer's
offset), to 0.2 mm; and the calibration page that measures the offset."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import pdfplumber
import pytest
from pypdf import PdfReader

from contest.certificates.designs import design_of, save_printers, stock_dict
from contest.certificates.printed import DesignView
from contest.certificates.rendering import render_calibration, render_certificates
from contest.certificates.services import certificate_views, certificates_of, document_kind
from contest.certificates.rendering import STATIC_DIR
from contest.certificates.stock import crosshairs, placed_fields
from contest.domain.designs import StockField
from contest.extensions import db

MM = 72 / 25.4  # points per millimetre
TOLERANCE_MM = 0.2

FIELDS = (
    StockField("Số: {number}", x=25, y=45, width=100, size=12, align="left"),
    StockField("{recipient}", x=48.5, y=108, width=200, size=22, bold=True),
    StockField("Đạt {prize}", x=48.5, y=142, width=200, size=16, bold=True),
    StockField("Hải Phòng, {date}", x=160, y=160, width=115, size=12, italic=True, align="right"),
)


def lines_of(page) -> list[tuple[str, float, float, float]]:
    """(text, left, right, baseline) of each printed line, in mm from the sheet's top left corner."""
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        baseline = round(page.height - char["matrix"][5], 1)
        rows.setdefault(baseline, []).append(char)
    lines = []
    for baseline, chars in sorted(rows.items()):
        chars.sort(key=lambda c: c["x0"])
        groups = [[chars[0]]]
        for char in chars[1:]:  # texts on one baseline but far apart are separate lines
            if char["x0"] - groups[-1][-1]["x1"] > 5 * MM:
                groups.append([])
            groups[-1].append(char)
        for group in groups:
            text = "".join(c["text"] for c in group)
            lines.append((text, group[0]["x0"] / MM, group[-1]["x1"] / MM, baseline / MM))
    return lines


def where(field: StockField, lines, text: str, offset: tuple[float, float]):
    line = next(line for line in lines if line[0].replace("\u00a0", " ") == text)
    _, left, right, baseline = line
    dx, dy = offset
    expected_x = {"left": field.x, "center": field.x + field.width / 2, "right": field.x + field.width}
    actual_x = {"left": left, "center": (left + right) / 2, "right": right}
    return actual_x[field.align] - (expected_x[field.align] + dx), baseline - (field.y + dy)


@pytest.fixture
def stock_kind(finalized_demo):
    kind = document_kind(finalized_demo, "BK")
    design = design_of(kind)
    design.mode = "stock"
    design.stock_fields = [stock_dict(f) for f in FIELDS]
    save_printers(finalized_demo, [("Canon LBP 2900", Decimal("1.5"), Decimal("-0.8"))])
    db.session.commit()
    return kind


def test_a_stock_print_puts_each_text_at_its_place_plus_the_printer_offset(stock_kind, tmp_path):
    printer = stock_kind.contest.printers[0]
    issued = certificates_of(stock_kind)
    pdf = render_certificates(certificate_views(issued, printer))
    (tmp_path / "stock.pdf").write_bytes(pdf)
    offset = (1.5, -0.8)
    with pdfplumber.open(BytesIO(pdf)) as document:
        assert len(document.pages) == 6
        for cert, page in zip(issued, document.pages):
            assert (page.width, page.height) == pytest.approx((297 * MM, 210 * MM), abs=0.5)
            lines = lines_of(page)
            expected = [f"Số: {cert.number}", cert.recipient, f"ĐẠT {cert.tier_name.upper()}",
                        "Hải Phòng, ngày 20 tháng 12 năm 2022"]
            # Only the variable texts: nothing of the form (title, motto, frame text) is printed.
            assert sorted(t for t, *_ in lines) == sorted(expected)
            for field, text in zip(FIELDS, expected):
                dx, dy = where(field, lines, text, offset)
                assert abs(dx) <= TOLERANCE_MM and abs(dy) <= TOLERANCE_MM, (text, dx, dy)
            assert page.images == [] and page.rects == [] and page.curves == []  # no frame, no picture
    # No design layer stamped under the texts.
    for page in PdfReader(BytesIO(pdf)).pages:
        assert not any(str(name).startswith("/Design")
                       for name in page["/Resources"].get("/XObject", {}).keys())


def test_a_stock_text_too_long_for_its_span_is_set_smaller_and_stays_inside(stock_kind):
    issued = certificates_of(stock_kind)[:1]
    long_name = "Tập thể Hội Liên hiệp Phụ nữ huyện Thủy Nguyên"
    issued[0].recipient = long_name
    view = certificate_views(issued)[0]
    narrow = (replace(FIELDS[1], width=160),)
    pdf = render_certificates([replace(view, design=replace(view.design, stock_fields=narrow))])
    with pdfplumber.open(BytesIO(pdf)) as document:
        (text, left, right, baseline), = lines_of(document.pages[0])
    assert text.replace("\u00a0", " ") == long_name
    assert left >= 48.5 - TOLERANCE_MM and right <= 48.5 + 160 + TOLERANCE_MM
    assert abs(baseline - 108) <= TOLERANCE_MM
    placed, = placed_fields(replace(view, design=replace(view.design, stock_fields=narrow)), STATIC_DIR)
    assert placed["shrunk"] and placed["fits"] and placed["size"] < 22
    db.session.rollback()


@pytest.mark.parametrize("paper, orientation, offset", [
    ("A4", "landscape", (0.0, 0.0)),
    ("A4", "portrait", (-1.25, 2.0)),
    ("A3", "landscape", (0.6, -0.4)),
])
def test_the_calibration_page_has_its_crosshairs_and_labels_where_they_say(paper, orientation, offset):
    design = DesignView(paper=paper, orientation=orientation, offset=offset)
    width, height = design.page_mm
    pdf = render_calibration(design, "Canon LBP 2900")
    dx, dy = offset
    with pdfplumber.open(BytesIO(pdf)) as document:
        page = document.pages[0]
        assert (page.width / MM, page.height / MM) == pytest.approx((width, height), abs=0.2)
        lines = lines_of(page)
        red = [line for line in page.lines if tuple(line["stroking_color"])[1:] == (0, 0)]  # the crosshairs
        for x, y in crosshairs(width, height):
            label = f"{x:g},{y:g}"
            _, left, _, baseline = next(line for line in lines if line[0] == label)
            assert abs(left - (x + 4 + dx)) <= TOLERANCE_MM and abs(baseline - (y + 4 + dy)) <= TOLERANCE_MM
            # A horizontal and a vertical red stroke cross at the mark.
            horizontal = [ln for ln in red if abs(ln["top"] - ln["bottom"]) < 0.01
                          and abs(ln["top"] / MM - (y + dy)) <= TOLERANCE_MM
                          and ln["x0"] / MM < x + dx < ln["x1"] / MM]
            vertical = [ln for ln in red if abs(ln["x0"] - ln["x1"]) < 0.01
                        and abs(ln["x0"] / MM - (x + dx)) <= TOLERANCE_MM
                        and ln["top"] / MM < y + dy < ln["bottom"] / MM]
            assert horizontal and vertical, label
        assert "Canon LBP 2900" in page.extract_text()
