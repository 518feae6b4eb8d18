"""Vietnamese typography preflight: shrunk, wrapped, overflowing, missing characters, names not in NFC."""
from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import replace

from contest.certificates.designs import design_of, stock_dict
from contest.certificates.preflight import MISSING, NOT_NFC, OVERFLOW, SHRUNK, WRAPPED, preflight
from contest.certificates.printed import DesignView
from contest.certificates.rendering import render_certificates
from contest.certificates.services import certificates_of, document_kind
from contest.domain.designs import StockField
from contest.extensions import db
from contest.models import Role
from tests.test_certificates import LONG_TITLE, sample_view

NAME = "Nguyễn Thị Thuỳ Dương"


def kinds(check) -> list[tuple[str, str]]:
    return [(f.kind, f.line) for f in check.findings]


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def test_a_short_certificate_fits_as_designed():
    check, = preflight([sample_view()])
    assert check.findings == [] and not check.blocked


def test_a_long_title_is_wrapped_and_a_longer_one_shrinks_the_body():
    wrapped, shrunk = preflight([sample_view(entry_title=LONG_TITLE),
                                 sample_view(entry_title=" ".join([LONG_TITLE] * 3))])
    assert kinds(wrapped) == [(WRAPPED, "work")] and int(wrapped.findings[0].detail) > 1
    assert (SHRUNK, "body") in kinds(shrunk) and float(shrunk.findings[0].detail) < 27
    assert not wrapped.blocked and not shrunk.blocked


def test_text_that_would_still_overflow_blocks_the_certificate():
    check, = preflight([sample_view(entry_title=" ".join([LONG_TITLE] * 6))])
    assert (OVERFLOW, "body") in kinds(check) and check.blocked


def test_characters_the_font_lacks_block_the_certificate_and_are_named():
    check, = preflight([sample_view(recipient="Nguyễn Văn An ❖")])
    assert check.blocked
    finding = next(f for f in check.findings if f.kind == MISSING)
    assert finding.detail == "❖" and finding.line == "recipient"


def test_a_name_not_in_nfc_is_shown_and_printed_normalized():
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    view = sample_view(recipient=decomposed)
    check, = preflight([view])
    assert kinds(check) == [(NOT_NFC, "recipient")] and not check.blocked
    assert check.recipient == NAME and check.findings[0].text == NAME
    text = pdf_text(render_certificates([view]))
    assert NAME in text and unicodedata.is_normalized("NFC", text)


def test_upper_case_keeps_the_diacritics(tmp_path):
    view = sample_view(prize="giải A", title="Giấy chứng nhận", issuer_lines=("Ủy ban nhân dân", "xã Kiền Bái"))
    text = pdf_text(render_certificates([view]))
    assert "ĐẠT GIẢI A" in text and "GIẤY CHỨNG NHẬN" in text and "ỦY BAN NHÂN DÂN XÃ KIỀN BÁI" in text


def test_a_stock_text_too_long_for_its_span_blocks_the_certificate():
    field = StockField("{recipient}", x=100, y=100, width=40, size=20, bold=True)
    check, = preflight([sample_view(design=DesignView(mode="stock", stock_fields=(field,)))])
    assert kinds(check) == [(OVERFLOW, "{recipient}")] and check.blocked


def test_the_batch_is_refused_while_one_certificate_cannot_print(client, make_user, login, finalized_demo):
    login(make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức"))
    kind = document_kind(finalized_demo, "GCN")
    issued = certificates_of(kind)
    original = issued[2].recipient
    issued[2].recipient = " ".join([LONG_TITLE] * 5)  # a name pasted with a whole page behind it
    db.session.commit()
    base = f"/c/{finalized_demo.slug}/organize/certificates/GCN"
    response = client.get(f"{base}.pdf")
    assert response.status_code == 302 and response.location.endswith(f"{base}/preflight")
    page = client.get(f"{base}/preflight").get_data(as_text=True)
    assert "1 cannot print as it is" in page and issued[2].number in page
    assert "Does not fit: not printed" in page
    assert client.get(f"{base}/{issued[2].seq}.pdf").status_code == 302
    assert client.get(f"{base}/{issued[0].seq}.pdf").status_code == 200  # the others print

    issued[2].recipient = original
    db.session.commit()
    response = client.get(f"{base}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "All can print." in client.get(f"{base}/preflight").get_data(as_text=True)


def test_a_stock_design_too_narrow_for_a_name_is_refused(client, make_user, login, finalized_demo):
    login(make_user(Role.ORGANIZER, email="bantochuc@example.vn", name="Ban Tổ chức"))
    kind = document_kind(finalized_demo, "BK")
    design = design_of(kind)
    design.mode = "stock"
    design.stock_fields = [stock_dict(replace(StockField("{recipient}", x=100, y=100, width=30, size=22)))]
    db.session.commit()
    response = client.get(f"/c/{finalized_demo.slug}/organize/certificates/BK.pdf")
    assert response.status_code == 302
