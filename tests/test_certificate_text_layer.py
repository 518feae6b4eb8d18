"""The batch's own text engine: its pages look like WeasyPrint's full page, and read back exactly."""
from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import replace
from io import BytesIO

import pdfplumber
import pytest
from PIL import Image, ImageChops

from contest.certificates.printed import DesignView
from contest.certificates.rendering import STATIC_DIR, render_certificates, render_document, render_preview
from contest.certificates.text_layer import supports
from tests.test_certificates import LONG_TITLE, pdf_pages_text, sample_view

DPI = 150  # one pixel: 0.17 mm
# Rasterizers put each glyph on whole pixels, so a text a hundredth of a millimetre away can
# land a pixel over: a pixel counts as different only when it is darker or lighter than
# every pixel around the same place in the other page, by more than a quarter of the scale.
NEIGHBOURHOOD, THRESHOLD = 3, 64
# Where WeasyPrint and the text engine put a letter may differ by this much (points, 0.035 mm):
# Pango rounds every advance to 1/1024 px, so a long line drifts by a few hundredths.
POSITION_PT = 0.1

VIEWS = [
    sample_view(),
    sample_view(recipient="Nguyễn Thị Thuỳ Dương, Trần Văn Khánh, Phạm Thị Hồng Nhung", entry_title=LONG_TITLE),
    sample_view(recipient="Tập thể Ban Dân vận Huyện ủy Thủy Nguyên và Ủy ban Mặt trận Tổ quốc Việt Nam "
                          "huyện Thủy Nguyên, thành phố Hải Phòng",
                unit="Ban Dân vận Huyện ủy Thủy Nguyên, Ủy ban Mặt trận Tổ quốc Việt Nam huyện Thủy Nguyên "
                     "và Hội Nông dân huyện Thủy Nguyên, thành phố Hải Phòng",
                entry_title=LONG_TITLE, number="380/GCN-BTC"),
    sample_view(title="Bằng khen", preamble="Chủ tịch Ủy ban nhân dân thành phố Hải Phòng tặng Bằng khen cho",
                entry_title="", reason="Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo”"),
]


def page_image(pdf: bytes, index: int) -> Image.Image:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[index]
        image = page.render(scale=DPI / 72).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    return image


def differing_pixels(a: Image.Image, b: Image.Image) -> int:
    """Pixels of either page unlike every pixel near the same place in the other."""
    from PIL import ImageFilter

    assert a.size == b.size
    count = 0
    for one, other in ((a, b), (b, a)):
        darkest, lightest = (other.filter(f(NEIGHBOURHOOD)) for f in (ImageFilter.MinFilter, ImageFilter.MaxFilter))
        for difference in (ImageChops.subtract(darkest, one), ImageChops.subtract(one, lightest)):
            count += difference.point(lambda v: 255 if v > THRESHOLD else 0).histogram()[255]
    return count


def letters(pdf: bytes, index: int) -> list[tuple[str, str, float, float, float]]:
    """Every letter drawn on a page: its text, font (without the subset tag), size and position.
    Spaces leave no ink (WeasyPrint keeps some at the end of a wrapped line): they are left out."""
    with pdfplumber.open(BytesIO(pdf)) as document:
        return [(c["text"], c["fontname"].split("+")[-1], round(c["size"], 2), c["x0"], c["top"])
                for c in document.pages[index].chars if not c["text"].isspace()]


def set_by_the_engine(pdf: bytes, index: int) -> bool:
    """Whether the page's texts were set by the text engine (its fonts are /T0, /T1 …),
    not cut from WeasyPrint's strips."""
    import pikepdf

    with pikepdf.open(BytesIO(pdf)) as document:
        page = document.pages[index]
        return len(page.Contents) == 3 and b"/T0 " in page.Contents[1].read_bytes()


def assert_same_letters(expected: list, actual: list) -> None:
    assert len(actual) == len(expected)
    remaining = list(actual)
    for text, font, size, x, y in expected:
        # WeasyPrint's ToUnicode map reads some glyphs as nothing ("mnh" for "minh"): any letter matches.
        near = min((r for r in remaining if r[1:3] == (font, size) and text in ("", r[0])),
                   key=lambda r: abs(r[3] - x) + abs(r[4] - y), default=None)
        assert near is not None, (text, font, size, x, y)
        assert abs(near[3] - x) <= POSITION_PT and abs(near[4] - y) <= POSITION_PT, (near, x, y)
        remaining.remove(near)


@pytest.mark.parametrize("design", [
    DesignView(),
    DesignView(orientation="portrait"),
    DesignView(layout="centred", paper="A3"),
    DesignView(layout="centred", orientation="portrait", font="Noto Sans"),
], ids=["administrative A4 landscape", "administrative A4 portrait", "centred A3 landscape",
        "centred A4 portrait, Noto Sans"])
def test_a_batch_page_looks_like_weasyprints_full_page(design):
    views = [replace(view, design=design) for view in VIEWS]
    batch = render_certificates(views)
    for index, view in enumerate(views):
        assert set_by_the_engine(batch, index)
        full = render_document([view])  # WeasyPrint lays out the whole page, texts too
        assert differing_pixels(page_image(full, 0), page_image(batch, index)) == 0, index
        if design.font == "Noto Serif":
            # Noto Sans's "ị" (in "vị", "Thị"): WeasyPrint draws an "i" and a dot below placed
            # apart, the engine the font's composed glyph (the same pixels), so their letters differ.
            assert_same_letters(letters(full, 0), letters(batch, index))


@pytest.mark.parametrize("setting, change", [("QR_GAP_MM", 0.5), ("NUMBER_PT", 0.5)])
def test_the_checks_see_a_text_moved_or_resized(monkeypatch, setting, change):
    from contest.certificates import text_layer

    view = VIEWS[0]
    full = render_document([view])
    monkeypatch.setattr(text_layer, setting, getattr(text_layer, setting) + change)
    moved = render_certificates([view])
    assert differing_pixels(page_image(full, 0), page_image(moved, 0)) > 0
    with pytest.raises(AssertionError):
        assert_same_letters(letters(full, 0), letters(moved, 0))


def uploaded_font(tmp_path) -> str:
    from fontTools import subset

    out = tmp_path / "uploaded.ttf"
    subset.main([str(STATIC_DIR / "fonts" / "NotoSans-Regular.ttf"),
                 "--unicodes=20-7E,A0-24F,300-323,1EA0-1EF9,2013,2018-201D", f"--output-file={out}"])
    return str(out)


def test_an_uploaded_truetype_font_is_set_by_the_engine_and_looks_the_same(tmp_path):
    design = DesignView(font="uploaded", font_files=(uploaded_font(tmp_path),), files_dir=str(tmp_path))
    assert supports(design.font_paths(STATIC_DIR))
    views = [replace(view, design=design) for view in VIEWS[:2]]
    batch = render_certificates(views)
    for index, view in enumerate(views):
        assert set_by_the_engine(batch, index)
        full = render_document([view])
        assert differing_pixels(page_image(full, 0), page_image(batch, index)) == 0
    fonts = subprocess.run(["pdffonts", "-"], input=batch, capture_output=True, check=True).stdout.decode()
    assert "Uploaded-Font" in fonts and "Noto" not in fonts


def cff_font(tmp_path) -> str:
    """A small OpenType font with CFF outlines (a box for each printable ASCII letter)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    names = [".notdef"] + [f"c{code}" for code in range(0x20, 0x7F)]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({code: f"c{code}" for code in range(0x20, 0x7F)})
    strings = {}
    for name in names:
        pen = T2CharStringPen(500, None)
        if name != "c32":
            pen.moveTo((50, 0)), pen.lineTo((450, 0)), pen.lineTo((450, 700)), pen.lineTo((50, 700))
            pen.closePath()
        strings[name] = pen.getCharString()
    builder.setupCFF("BoxSans", {"FullName": "Box Sans"}, strings, {})
    builder.setupHorizontalMetrics({name: (500, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Box Sans", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    out = tmp_path / "box.otf"
    builder.save(str(out))
    return str(out)


def test_a_font_the_engine_cannot_set_falls_back_to_weasyprints_layout(tmp_path):
    design = DesignView(font="uploaded", font_files=(cff_font(tmp_path),), files_dir=str(tmp_path))
    assert not supports(design.font_paths(STATIC_DIR))
    views = [replace(sample_view(recipient=f"Tac gia so {n}", number=f"{n:02d}/GCN-BTC"), design=design)
             for n in (1, 2)]
    pdf = render_certificates(views)
    assert not set_by_the_engine(pdf, 0)
    texts = pdf_pages_text(pdf, tmp_path)
    assert ["Tac gia so 1" in texts[0], "Tac gia so 2" in texts[1]] == [True, True]


def test_both_text_engines_print_the_same_pages_in_order(tmp_path):
    views = [sample_view(number=f"{n:02d}/GCN-BTC", recipient=f"Tác giả số {n}") for n in range(1, 7)]
    typeset, weasyprint = (render_certificates(views, text_engine=engine) for engine in ("auto", "weasyprint"))
    assert set_by_the_engine(typeset, 5) and not set_by_the_engine(weasyprint, 5)
    texts = pdf_pages_text(typeset, tmp_path)
    assert texts == pdf_pages_text(weasyprint, tmp_path) and len(texts) == 6
    for n, text in enumerate(texts, 1):
        assert f"Tác giả số {n} " in text and f"Số: {n:02d}/GCN-BTC" in text
    for index in (0, 5):
        assert differing_pixels(page_image(typeset, index), page_image(weasyprint, index)) == 0


def test_names_read_back_exactly_in_nfc_with_their_diacritics(tmp_path):
    names = ["Nguyễn Thị Thuỳ Dương", "Đặng Quốc Việt", "Lưu Ngọc Ánh, Hồ Thị Kiều Oanh"]
    views = [sample_view(recipient=name, number=f"{n:02d}/GCN-BTC") for n, name in enumerate(names, 1)]
    pdf = render_certificates(views)
    path = tmp_path / "names.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as document:
        for page, name in zip(document.pages, names):
            text = page.extract_text()
            assert unicodedata.is_normalized("NFC", text) and name in text
            words = {w["text"] for w in page.extract_words()}
            assert set(name.replace(",", "").split()) <= {w.rstrip(",") for w in words}


def test_a_letter_shaped_as_a_letter_and_a_mark_reads_back_as_one(tmp_path):
    """Noto Sans shapes "ị" as an "i" and a dot below placed apart; the engine draws the font's
    composed "ị", and the "i" of "Hội" stays an "i"."""
    view = replace(sample_view(recipient="Lê Thị Bích", unit="Hội Nông dân xã Tân Trào"),
                   design=DesignView(font="Noto Sans"))
    pdf = render_certificates([view])
    assert set_by_the_engine(pdf, 0)
    text = pdf_pages_text(pdf, tmp_path)[0]
    assert "Lê Thị Bích" in text and "Đơn vị: Hội Nông dân xã Tân Trào" in text
    path = tmp_path / "marks.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as document:
        words = " ".join(w["text"] for w in document.pages[0].extract_words())
    assert "Lê Thị Bích" in words and "Đơn vị: Hội Nông dân xã Tân Trào" in words


def test_the_preview_is_drawn_as_the_batch_prints():
    view = VIEWS[1]
    preview = Image.open(BytesIO(render_preview(view, dpi=DPI))).convert("L")
    assert differing_pixels(preview, page_image(render_certificates([view]), 0)) == 0
