"""Certificates: the printed PDFs (pages, text, fonts, QR codes), their layout and verification."""
from __future__ import annotations

import base64
import re
import subprocess
import unicodedata
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
import segno
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from contest.certificates.rendering import (
    STATIC_DIR,
    CertificateView,
    StaticOnlyFetcher,
    certificates_html,
    render_certificates,
)
from contest.certificates.services import (
    certificate_view,
    certificates_of,
    document_kind,
)
from contest.certificates.wording import dateline, no_orphan, quoted
from contest.extensions import db
from contest.models import Certificate, Entry

A4_LANDSCAPE = (841.89, 595.28)  # points
LONG_TITLE = (
    "Dân vận khéo trong xây dựng nông thôn mới kiểu mẫu: câu chuyện về những con đường hoa, những "
    "tuyến đường sáng – xanh – sạch – đẹp và những người dân tự nguyện hiến hàng nghìn mét vuông đất "
    "để mở rộng đường liên thôn ở xã Kiền Bái, huyện Thủy Nguyên, thành phố Hải Phòng, năm 2022 và "
    "những năm sau này"
)


def pdf_pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdftotext's text of each page, whitespace runs (line breaks) made single spaces."""
    path = tmp_path / "certificates.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def batch(contest, code: str) -> tuple[list[Certificate], bytes]:
    issued = certificates_of(document_kind(contest, code))
    return issued, render_certificates([certificate_view(c) for c in issued])


def sample_view(**changes) -> CertificateView:
    view = CertificateView(
        title="Giấy chứng nhận",
        issuer_lines=("Ban Tổ chức cuộc thi", "“Dân vận khéo” xây dựng nông thôn mới"),
        preamble="Ban Tổ chức cuộc thi chứng nhận",
        recipient="Nguyễn Thị Thuỳ Dương",
        unit="Hội Nông dân xã Tân Trào",
        entry_title="Con đường hoa ở xã Tân Trào",
        prize="Giải A",
        contest_name="Tuyên truyền các mô hình “Dân vận khéo” xây dựng nông thôn mới năm 2022",
        place="Hải Phòng", day=20, month=12, year=2022,
        signer_title_lines=("TM. Ban Tổ chức", "Trưởng ban"),
        signer_name="Lê Trí Vũ",
        number="01/GCN-BTC",
        verify_url="https://contest.example.vn/verify/abc123",
    )
    return replace(view, **changes)


def test_gcn_batch_has_one_a4_landscape_page_per_winner_in_prize_order(finalized_demo, tmp_path):
    issued, pdf = batch(finalized_demo, "GCN")
    pages = PdfReader(BytesIO(pdf)).pages
    assert len(issued) == 16 and len(pages) == 16
    for page in pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_LANDSCAPE, abs=0.5)

    texts = pdf_pages_text(pdf, tmp_path)
    prize_order = sorted(issued, key=lambda c: (c.award.tier.position, c.award.rank, c.entry.code))
    assert [c.seq for c in prize_order] == list(range(1, 17))
    for seq, (cert, text) in enumerate(zip(issued, texts), 1):
        assert unicodedata.is_normalized("NFC", text)
        assert cert.recipient in text
        assert f"Số: {seq:02d}/GCN-BTC" in text
        assert f"ĐẠT {cert.tier_name.upper()}" in text
    assert [c.award.tier.code for c in issued] == ["A"] * 2 + ["B"] * 4 + ["C"] * 10


def test_the_demo_author_receives_both_documents_with_her_name_exact(finalized_demo, tmp_path):
    entry = db.session.scalar(select(Entry).where(Entry.code == "DVK-0001"))
    assert entry.author_names == ["Nguyễn Thị Thuỳ Dương"]
    for code, title in (("GCN", "GIẤY CHỨNG NHẬN"), ("BK", "BẰNG KHEN")):
        issued, pdf = batch(finalized_demo, code)
        page = next(i for i, c in enumerate(issued) if c.entry_id == entry.id)
        text = pdf_pages_text(pdf, tmp_path)[page]
        assert "Nguyễn Thị Thuỳ Dương" in text and title in text


def test_bk_batch_covers_a_and_b_winners_and_reads_as_a_certificate_of_merit(finalized_demo, tmp_path):
    issued, pdf = batch(finalized_demo, "BK")
    assert len(PdfReader(BytesIO(pdf)).pages) == 6
    assert [c.award.tier.code for c in issued] == ["A", "A", "B", "B", "B", "B"]
    texts = pdf_pages_text(pdf, tmp_path)
    for seq, (cert, text) in enumerate(zip(issued, texts), 1):
        assert f"Số: {seq:02d}/QĐ-UBND" in text
        assert ("BẰNG KHEN Chủ tịch Ủy ban nhân dân thành phố Hải Phòng tặng Bằng khen cho "
                f"{cert.recipient}") in text
        assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in text
        assert "Hải Phòng, ngày 20 tháng 12 năm 2022 KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
        assert text.endswith("Lê Khắc Nam")


def test_only_the_embedded_noto_serif_is_used(finalized_demo, tmp_path):
    _, pdf = batch(finalized_demo, "GCN")
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts
    for name, *_rest, emb, sub, uni, _obj, _gen in fonts:
        assert "Noto-Serif" in name, name
        assert (emb, sub, uni) == ("yes", "yes", "yes")


def qr_matrix_from_png(data_uri: str) -> list[list[bool]]:
    png = base64.b64decode(data_uri.split(",", 1)[1])
    image = Image.open(BytesIO(png)).convert("L")
    return [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]


def test_the_qr_code_encodes_the_verification_url(finalized_demo):
    cert = certificates_of(document_kind(finalized_demo, "GCN"))[0]
    view = certificate_view(cert)
    assert view.verify_url == f"https://contest.example.vn/verify/{cert.token}"

    html = certificates_html([view])
    uri = re.search(r'<img class="qr" src="(data:image/png;base64,[^"]+)"', html).group(1)
    expected = segno.make(view.verify_url, error="m", mask=0)  # a fixed mask: no search for the best
    assert qr_matrix_from_png(uri) == [[bool(bit) for bit in row] for row in expected.matrix]


def test_every_page_of_a_batch_scans_to_its_own_verification_address(finalized_demo):
    """The batch stamps its QR codes itself: read them back from the printed pages."""
    import pypdfium2
    import zxingcpp

    views = [certificate_view(c) for c in certificates_of(document_kind(finalized_demo, "GCN"))]
    document = pypdfium2.PdfDocument(render_certificates(views))
    assert len(document) == len(views)
    for page, view in zip(document, views):
        image = page.render(scale=150 / 72).to_pil()
        left, top = round(22 / 25.4 * 150), round(150 / 25.4 * 150)  # the layout's qr box, A4 landscape
        codes = zxingcpp.read_barcodes(image.crop((left, top, left + round(50 / 25.4 * 150),
                                                   top + round(35 / 25.4 * 150))))
        assert [c.text for c in codes] == [view.verify_url]
        page.close()
    document.close()


def test_the_fetcher_serves_static_files_only():
    fetcher = StaticOnlyFetcher(STATIC_DIR)
    response = fetcher.fetch((STATIC_DIR / "certificates" / "certificate.css").as_uri())
    assert b".certificate" in response.read()
    response.close()
    for url in (
        "https://example.com/logo.png",
        "http://127.0.0.1:5000/verify",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / "config.py").as_uri(),
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError, match="refused|disallowed"):
            fetcher.fetch(url)


def test_a_document_asking_for_a_remote_image_is_not_rendered():
    html = HTML(string='<img src="http://127.0.0.1:9/tracker.png">', base_url=STATIC_DIR.as_uri() + "/",
                url_fetcher=StaticOnlyFetcher(STATIC_DIR))
    with pytest.raises(FatalURLFetchingError, match="tracker.png"):
        html.write_pdf()


def body_overflow(views: list[CertificateView]) -> list[dict[str, float]]:
    """For each page, how far the body's text goes past its box (px; ≤ 0 when inside)."""
    document = HTML(string=certificates_html(views), base_url=STATIC_DIR.as_uri() + "/",
                    url_fetcher=StaticOnlyFetcher(STATIC_DIR)).render()
    result = []
    for page in document.pages:
        boxes = list(walk(page._page_box))
        body = next(b for b in boxes if has_class(b, "body"))
        signature = next(b for b in boxes if has_class(b, "signature"))
        # Line boxes are as wide as the body; their text children are as wide as the text.
        texts = [b for b in walk(body) if type(b).__name__ == "TextBox"]
        left, right = body.content_box_x(), body.content_box_x() + body.width
        result.append({
            "below signature top": max(b.position_y + b.height for b in texts) - signature.position_y,
            "left of body": left - min(b.position_x for b in texts),
            "right of body": max(b.position_x + b.width for b in texts) - right,
        })
    return result


def walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def has_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split() and box.element_tag == "div"


def test_long_texts_wrap_inside_the_body_and_stay_clear_of_the_signature(tmp_path):
    views = [
        sample_view(recipient="Nguyễn Thị Thuỳ Dương, Trần Văn Khánh, Phạm Thị Hồng Nhung",
                    entry_title=LONG_TITLE),
        sample_view(recipient="Tập thể Ban Dân vận Huyện ủy Thủy Nguyên và Ủy ban Mặt trận Tổ quốc "
                              "Việt Nam huyện Thủy Nguyên, thành phố Hải Phòng",
                    unit="Ban Dân vận Huyện ủy Thủy Nguyên, Ủy ban Mặt trận Tổ quốc Việt Nam huyện "
                         "Thủy Nguyên và Hội Nông dân huyện Thủy Nguyên, thành phố Hải Phòng",
                    entry_title=LONG_TITLE),
        sample_view(title="Bằng khen", recipient="Nguyễn Thị Thuỳ Dương",
                    preamble="Chủ tịch Ủy ban nhân dân thành phố Hải Phòng tặng Bằng khen cho"),
    ]
    assert len(LONG_TITLE) == 300
    for overflow in body_overflow(views):
        assert all(amount <= 0.5 for amount in overflow.values()), overflow
    pdf = render_certificates(views)
    texts = pdf_pages_text(pdf, tmp_path)
    assert len(texts) == 3
    assert f"“{LONG_TITLE}”" in texts[0] and f"“{LONG_TITLE}”" in texts[1]
    assert "Nguyễn Thị Thuỳ Dương, Trần Văn Khánh, Phạm Thị Hồng Nhung" in texts[0]
    assert "Tập thể Ban Dân vận Huyện ủy Thủy Nguyên và Ủy ban Mặt trận" in texts[1]


@pytest.mark.parametrize("text, expected", [
    ("Con đường hoa", "“Con đường hoa”"),
    ("“Hiến đất mở đường” – cách làm hay", "“‘Hiến đất mở đường’ – cách làm hay”"),
    ('Mô hình "Ngày Chủ nhật xanh" ở Đoàn Xá', "“Mô hình ‘Ngày Chủ nhật xanh’ ở Đoàn Xá”"),
])
def test_titles_are_quoted_with_inner_quotes_made_single(text, expected):
    assert quoted(text) == expected


@pytest.mark.parametrize("day, month, expected", [
    (20, 12, "Hải Phòng, ngày 20 tháng 12 năm 2022"),
    (5, 2, "Hải Phòng, ngày 05 tháng 02 năm 2022"),
    (1, 3, "Hải Phòng, ngày 01 tháng 3 năm 2022"),
])
def test_the_date_line_follows_the_administrative_style(day, month, expected):
    assert dateline("Hải Phòng", day, month, 2022) == expected


def test_verify_page_shows_recipient_prize_and_contest(client, published_demo):
    cert = db.session.scalar(select(Certificate).where(Certificate.number == "01/GCN-BTC"))
    page = client.get(f"/verify/{cert.token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert cert.recipient in text and cert.tier_name in text
    assert "Tuyên truyền các mô hình" in text and "01/GCN-BTC" in text


def test_unknown_verification_token_is_not_found(client, finalized_demo):
    assert client.get("/verify/khong-co-ma-nay").status_code == 404


def test_verify_by_number_finds_the_certificate(client, published_demo):
    cert = db.session.scalar(select(Certificate).where(Certificate.number == "01/GCN-BTC"))
    page = client.get("/verify", query_string={"number": "01/GCN-BTC"}).get_data(as_text=True)
    assert cert.recipient in page
    assert f'href="/verify/{cert.token}"' in page


def test_each_design_is_stored_once_and_drawn_under_its_own_pages(tmp_path):
    gcn = [sample_view(number=f"{n:02d}/GCN-BTC", recipient=f"Tác giả số {n}") for n in (1, 2)]
    bk = sample_view(title="Bằng khen", issuer_lines=("Ủy ban nhân dân", "thành phố Hải Phòng"),
                     number="01/QĐ-UBND", recipient="Tác giả số 3")
    pdf = render_certificates([gcn[0], bk, gcn[1]])

    texts = pdf_pages_text(pdf, tmp_path)
    assert ["GIẤY CHỨNG NHẬN" in t for t in texts] == [True, False, True]
    assert ["BẰNG KHEN" in t for t in texts] == [False, True, False]
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in texts[1] and "Số: 01/QĐ-UBND" in texts[1]
    pages = PdfReader(BytesIO(pdf)).pages
    # Each page first draws its design: a form XObject named in a tiny content stream.
    drawn = [re.fullmatch(rb"q (/Design\d+) Do Q\n", page["/Contents"][0].get_object().get_data())
             .group(1).decode() for page in pages]
    assert drawn[0] == drawn[2] != drawn[1]
    forms = [page["/Resources"]["/XObject"].raw_get(name).idnum for page, name in zip(pages, drawn)]
    assert forms[0] == forms[2] != forms[1]  # one form object per design, shared by its pages


def test_a_wrapped_title_never_ends_with_one_word_alone():
    assert no_orphan("“Xã Đoàn Lập: thành việc của mỗi nhà”") == "“Xã Đoàn Lập: thành việc của mỗi\u00a0nhà”"
    assert no_orphan("Hai từ") == "Hai từ"
