"""Certificate designs the organizer controls: texts with placeholders, layout, paper, pictures, fonts, preview."""
from __future__ import annotations

import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from contest.certificates.designs import check_upload, store_design_file
from contest.certificates.uploads import UploadRefused
from contest.certificates.rendering import STATIC_DIR, render_certificates
from contest.certificates.services import certificate_views, certificates_of, document_kind
from contest.certificates.wording import inside_quotes
from contest.extensions import db
from contest.models import AuditEvent, Role
from tests.conftest import post_form

A4_LANDSCAPE = (841.89, 595.28)
A3_PORTRAIT = (841.89, 1190.55)


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức")
    login(user)
    return user


def design_url(contest, code="GCN", rest=""):
    return f"/c/{contest.slug}/organize/certificates/{code}/design{rest}"


def form_values(client, contest, code="GCN") -> dict:
    """The design form as the page fills it in (what a browser would send back unchanged)."""
    from contest.certificates.design_forms import DesignForm

    with client.application.test_request_context():
        form = DesignForm(data=DesignForm.initial_data(document_kind(contest, code)), meta={"csrf": False})
        return form.preview_args()


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "design.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def png(colour=(200, 20, 30), size=(60, 60)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_the_organizer_rewords_the_texts_and_the_batch_prints_them(client, organizer, finalized_demo, tmp_path):
    values = form_values(client, finalized_demo)
    values.update({"text_work": "Với tác phẩm “{entry_title}” ({number})",
                   "text_prize": "Xếp {prize}", "signer_name": "Trần Văn Khánh",
                   "signer_title": "TM. Ban Tổ chức\nTrưởng ban, {date}"})
    response = post_form(client, design_url(finalized_demo), values)
    assert response.status_code == 302
    kind = document_kind(finalized_demo, "GCN")
    assert kind.signer_name == "Trần Văn Khánh"
    assert kind.design.texts["work"] == "Với tác phẩm “{entry_title}” ({number})"
    issued = certificates_of(kind)
    texts = pdf_text(render_certificates(certificate_views(issued)), tmp_path)
    for cert, text in zip(issued, texts):
        title = inside_quotes(cert.entry_title)  # its own quotation marks made single
        # pdftotext joins a line broken after a hyphen without it (01/GCN-|BTC).
        assert f"Với tác phẩm “{title}” ({cert.number})".replace("-", "") in text.replace("-", "")
        assert f"XẾP {cert.tier_name.upper()}" in text
        assert "TRƯỞNG BAN, NGÀY 20 THÁNG 12 NĂM 2022" in text and text.endswith("Trần Văn Khánh")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.design_changed"))


@pytest.mark.parametrize("field, text, message", [
    ("text_work", "Tác phẩm {title}", "Unknown placeholder {title}"),
    ("text_unit", "Đơn vị {unit", "A brace is not closed"),
    ("signer_name", "{recipient}", "{recipient} differs from one certificate to the next"),
])
def test_unknown_or_misplaced_placeholders_are_refused_and_nothing_changes(
        client, organizer, finalized_demo, field, text, message):
    values = form_values(client, finalized_demo)
    values[field] = text
    values["signer_name" if field != "signer_name" else "text_prize"] = "Đổi tên"
    response = post_form(client, design_url(finalized_demo), values)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "The design is not saved" in page
    assert text in page  # what was typed stays in the form
    kind = document_kind(finalized_demo, "GCN")
    db.session.refresh(kind)
    assert kind.signer_name == "Lê Trí Vũ"
    db.session.expire_all()
    assert document_kind(finalized_demo, "GCN").design is None


def test_a3_portrait_centred_prints_on_a3_portrait(client, organizer, finalized_demo, tmp_path):
    values = form_values(client, finalized_demo, "BK")
    values.update(layout="centred", paper="A3", orientation="portrait", font="Noto Sans")
    assert post_form(client, design_url(finalized_demo, "BK"), values).status_code == 302
    issued = certificates_of(document_kind(finalized_demo, "BK"))
    pdf = render_certificates(certificate_views(issued))
    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) == 6
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A3_PORTRAIT, abs=1)
    text = pdf_text(pdf, tmp_path)
    assert all(c.recipient in t for c, t in zip(issued, text))
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "Noto-Sans" in fonts and "Noto-Serif" not in fonts


def test_the_preview_draws_the_unsaved_design_as_png_and_pdf(client, organizer, finalized_demo, tmp_path):
    values = form_values(client, finalized_demo)
    values["text_prize"] = "Được trao {prize}"
    response = client.get(design_url(finalized_demo, rest="/preview.png"), query_string=values)
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(BytesIO(response.data))
    assert image.width > image.height  # A4 landscape
    assert "render;dur=" in response.headers["Server-Timing"]
    pdf = client.get(design_url(finalized_demo, rest="/preview.pdf"), query_string=values)
    assert "ĐƯỢC TRAO GIẢI A" in pdf_text(pdf.data, tmp_path)[0]
    db.session.expire_all()
    assert document_kind(finalized_demo, "GCN").design is None  # nothing saved

    values["text_prize"] = "Được trao {giai}"
    refused = client.get(design_url(finalized_demo, rest="/preview.png"), query_string=values)
    assert refused.status_code == 422
    assert "Unknown placeholder {giai}" in refused.json["errors"][0]


def test_the_design_page_shows_the_form_and_the_preview(client, organizer, finalized_demo, count_queries):
    db.session.expire_all()
    with count_queries() as before:
        page = client.get(design_url(finalized_demo)).get_data(as_text=True)
    assert 'id="design-image"' in page and "/design/preview.png" in page
    assert "js/design-preview.js" in page
    assert "Đạt {prize}" in page
    # Pictures and more stock texts add no query: the page's count is fixed.
    kind = document_kind(finalized_demo, "GCN")
    for role in ("emblem", "signature", "seal", "scan"):
        store_design_file(kind, role, check_upload(role, png()), f"{role}.png")
    kind.design.stock_fields = kind.design.stock_fields * 3
    db.session.commit()
    db.session.expire_all()
    with count_queries() as after:
        page = client.get(design_url(finalized_demo)).get_data(as_text=True)
    assert page.count('class="design-thumb"') == 4
    assert len(after) == len(before) + 1 <= 10  # its files, loaded once for all of them


SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <script>alert(1)</script>
  <circle cx="5" cy="5" r="4" fill="red" onload="alert(2)"/>
  <image xlink:href="http://127.0.0.1:9/tracker.png" width="10" height="10"/>
  <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>
</svg>"""


def vietnamese_font(tmp_path) -> bytes:
    """Noto Sans cut down to Latin with the Vietnamese letters: small enough to upload quickly."""
    from fontTools import subset

    out = tmp_path / "vietnamese.ttf"
    subset.main([str(STATIC_DIR / "fonts" / "NotoSans-Regular.ttf"),
                 "--unicodes=20-7E,A0-24F,300-323,1EA0-1EF9,2013,2018-201D", f"--output-file={out}"])
    return out.read_bytes()


def latin_only_font(tmp_path) -> bytes:
    """Noto Sans cut down to ASCII: a real font that lacks the Vietnamese letters."""
    from fontTools import subset

    out = tmp_path / "latin.ttf"
    subset.main([str(STATIC_DIR / "fonts" / "NotoSans-Regular.ttf"), "--unicodes=20-7E",
                 f"--output-file={out}"])
    return out.read_bytes()


def test_pictures_and_a_font_are_checked_by_content_and_printed(client, organizer, finalized_demo, tmp_path):
    values = form_values(client, finalized_demo)
    values.update(font="uploaded")
    values["emblem"] = (BytesIO(png()), "quoc-huy.png")
    values["seal"] = (BytesIO(SVG_WITH_SCRIPT), "con-dau.svg")
    values["font_file"] = (BytesIO(vietnamese_font(tmp_path)), "Sans.ttf")
    response = post_form(client, design_url(finalized_demo), values, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    design = document_kind(finalized_demo, "GCN").design
    assert {f.role for f in design.files} == {"emblem", "seal", "font"}
    seal = design.file("seal")
    cleaned = client.get(design_url(finalized_demo, rest="/files/seal"))
    assert cleaned.status_code == 200 and cleaned.mimetype == "image/svg+xml"
    assert b"<circle" in cleaned.data
    for bad in (b"script", b"onload", b"tracker", b"foreignObject"):
        assert bad not in cleaned.data
    cleaned.close()  # a file response holds its file open until closed
    assert seal.original_name == "con-dau.svg"

    issued = certificates_of(document_kind(finalized_demo, "GCN"))[:2]
    pdf = render_certificates(certificate_views(issued))
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "Uploaded-Font" in fonts and "Noto-Serif" not in fonts
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True).stdout.decode()
    assert " 60    60 " in images or "60 60" in " ".join(images.split())  # the uploaded emblem


@pytest.mark.parametrize("slot, content, message", [
    ("emblem", b"GIF89a not really a picture", "not a PNG, JPEG or SVG picture"),
    ("emblem", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged or incomplete"),
    ("seal", b"<!DOCTYPE svg [<!ENTITY a 'x'>]><svg xmlns='http://www.w3.org/2000/svg'/>", "DOCTYPE"),
    ("font_file", b"OTTO" + b"\x00" * 64, "font file is damaged"),
    ("font_file", b"%PDF-1.7 no font", "not a TrueType (.ttf) or OpenType (.otf) font"),
])
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(
        client, organizer, finalized_demo, slot, content, message):
    values = form_values(client, finalized_demo)
    values["signer_name"] = "Đổi tên"
    values[slot] = (BytesIO(content), "file.png")
    response = post_form(client, design_url(finalized_demo), values, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert document_kind(finalized_demo, "GCN").signer_name == "Lê Trí Vũ"
    db.session.expire_all()
    assert document_kind(finalized_demo, "GCN").design is None


def test_a_font_without_the_vietnamese_letters_is_refused_naming_them(client, organizer, finalized_demo, tmp_path):
    values = form_values(client, finalized_demo)
    values["font_file"] = (BytesIO(latin_only_font(tmp_path)), "latin.ttf")
    response = post_form(client, design_url(finalized_demo), values, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This font lacks Vietnamese letters" in page
    assert "ă" in page and "Đ" in page and "ữ" in page


def test_a_picture_over_the_size_limit_is_refused(app):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024 + 1)
    with pytest.raises(UploadRefused) as refused:
        check_upload("emblem", big)
    assert str(refused.value.message) == "The picture is larger than 2 MB."
    assert check_upload("scan", png())[1] == "image/png"  # a scan may be up to 8 MB


def test_the_settings_file_sets_a_design_and_printers(app):
    from contest.admin.setup import SetupError, apply_contest_settings
    from tests.conftest import contest_settings

    settings = contest_settings("thiet-ke")
    settings["documents"][1].update(
        layout="centred", paper="A3", orientation="portrait", font="Noto Sans", mode="stock",
        texts={"work": "Có tác phẩm “{entry_title}”"},
        stock=[{"text": "{recipient}", "x": 40, "y": 120, "width": 130, "size": 20, "bold": True}])
    settings["printers"] = [{"name": "Canon", "offset_x": -1.25, "offset_y": 0.5}]
    contest = apply_contest_settings(settings)
    db.session.commit()
    design = document_kind(contest, "BK").design
    assert (design.layout, design.paper, design.orientation, design.font, design.mode) == (
        "centred", "A3", "portrait", "Noto Sans", "stock")
    assert design.texts == {"work": "Có tác phẩm “{entry_title}”"}
    assert design.stock_fields[0]["x"] == 40 and design.stock_fields[0]["bold"] is True
    assert [(p.name, p.offset_x, p.offset_y) for p in contest.printers] == [("Canon", Decimal("-1.25"), Decimal("0.5"))]
    assert document_kind(contest, "GCN").design is None

    settings["documents"][0]["texts"] = {"prize": "Đạt {giai_thuong}"}
    settings["documents"][0]["paper"] = "Letter"
    settings["printers"][0]["offset_x"] = 99
    with pytest.raises(SetupError) as refused:
        apply_contest_settings(settings)
    message = str(refused.value)
    assert "Unknown placeholder {giai_thuong}" in message and "'paper'" in message and "'offset_x'" in message
