"""Who gets a certificate (tiers, participation, recognition lists, per author) and the
register: numbers never reused, revoke, reissue, void, /verify, the XLSX copy, the CLI."""
from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from contest.certificates.recipients import replace_pending_recipients
from contest.certificates.register import RegisterError, reissue, revoke, void_certificates
from contest.certificates.rendering import render_certificates
from contest.certificates.services import certificate_view, certificates_of, document_kind
from contest.domain.recipients import RecipientLine
from contest.extensions import db
from contest.models import (
    AuditEvent,
    AwardedTo,
    Certificate,
    CertificateStatus,
    DocumentKind,
    Entry,
    EntryStatus,
    Recipient,
    Role,
)
from tests.conftest import post_form

REASON = "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” xây dựng nông thôn mới năm 2022"


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def invoke(runner, *args: str):
    return runner.invoke(args=list(args))


@pytest.fixture
def organizer(client, make_user, login):
    client.get("/lang/en")
    user = make_user(Role.ORGANIZER, name="Trần Thu Hà")
    login(user)
    return user


def kind_of(contest, code: str) -> DocumentKind:
    return document_kind(contest, code)


# --- who gets one -------------------------------------------------------------------------

def test_the_demo_has_the_39_recognition_recipients_and_loading_it_again_adds_none(demo_contest):
    from contest.demo import load_demo

    bkpt = kind_of(demo_contest, "BKPT")
    assert bkpt.awarded_to is AwardedTo.LIST and len(bkpt.recipients) == 39
    assert sum(r.collective for r in bkpt.recipients) == 13
    assert all(r.reason == REASON for r in bkpt.recipients)
    names = [r.name for r in bkpt.recipients]
    load_demo(entries=40, judges=4, seed=2022)
    db.session.commit()
    db.session.expire_all()
    assert [r.name for r in kind_of(demo_contest, "BKPT").recipients] == names


def test_finalizing_the_demo_issues_16_gcn_6_bk_and_39_recognition_certificates(finalized_demo, tmp_path):
    counts = {code: len(certificates_of(kind_of(finalized_demo, code))) for code in ("GCN", "BK", "BKPT")}
    assert counts == {"GCN": 16, "BK": 6, "BKPT": 39}
    bkpt = kind_of(finalized_demo, "BKPT")
    issued = certificates_of(bkpt)
    # In list order, numbered from the kind's own series.
    assert [c.recipient for c in issued] == [r.name for r in bkpt.recipients]
    assert [c.number for c in issued[:2]] == ["01/BK-DVK", "02/BK-DVK"]
    assert all(c.entry_id is None and c.award_id is None for c in issued)

    pdf = render_certificates([certificate_view(c) for c in issued])
    texts = pages_text(pdf, tmp_path)
    assert len(texts) == 39
    for cert, text in zip(issued, texts):
        assert cert.recipient in text and "BẰNG KHEN" in text
        assert "thành tích xuất sắc trong phong trào thi đua" in text
        assert "ĐẠT" not in text and "Tác phẩm" not in text
        assert f"Số: {cert.number}" in text


def test_per_author_certificates_name_each_author_and_participation_covers_every_eligible_entry(
    demo_contest, tmp_path
):
    from contest.results.services import compute_ranking, finalize, resolve_tie

    gcn = kind_of(demo_contest, "GCN")
    gcn.per_author = True
    demo_contest.documents.append(DocumentKind(
        code="TG", title="Giấy chứng nhận", awarded_to=AwardedTo.PARTICIPATION, issuer="Ban Tổ chức",
        preamble="Ban Tổ chức chứng nhận", signer_title="Trưởng ban", signer_name="Lê Trí Vũ",
        number_format="{seq:03d}/TG-{year}"))
    entries = db.session.scalars(select(Entry).where(Entry.contest_id == demo_contest.id)
                                 .order_by(Entry.code)).all()
    entries[-1].status = EntryStatus.INELIGIBLE
    db.session.commit()
    for tie in compute_ranking(demo_contest).ties:
        resolve_tie(demo_contest, tie.codes, "Bốc thăm", actor=None)
    finalize(demo_contest, actor=None)
    db.session.commit()

    per_author = certificates_of(gcn)
    winners = {c.entry for c in per_author}
    assert len(winners) == 16
    assert sorted(c.recipient for c in per_author) == sorted(n for e in winners for n in e.author_names)
    assert len(per_author) > 16  # the demo has entries by two and three authors
    assert all("," not in c.recipient for c in per_author)

    participation = certificates_of(kind_of(demo_contest, "TG"))
    assert [c.entry.code for c in participation] == [e.code for e in entries[:-1]]
    assert participation[0].number.endswith("/TG-2026") or re.fullmatch(r"001/TG-\d{4}", participation[0].number)
    assert all(c.tier_name == "" for c in participation)
    text = pages_text(render_certificates([certificate_view(participation[0])]), tmp_path)[0]
    assert entries[0].title.split("“")[0].strip()[:20] in text and "ĐẠT" not in text


# --- recognition lists --------------------------------------------------------------------

CSV = ("name,kind,unit,reason\n"
       "Nguyễn Văn Hùng,cá nhân,Trưởng thôn Đông 1 xã Tân Trào,Có thành tích xuất sắc\n"
       "Tập thể Hội Nông dân xã Kiền Bái,tập thể,,Có thành tích xuất sắc\n")


def test_a_recognition_list_imports_from_csv_on_the_command_line(runner, demo_contest, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    result = invoke(runner, "recipients", "dvk-2022", "--document", "BKPT", str(path))
    assert result.exit_code == 0, result.output
    assert "BKPT: 2 recipients (2 new, 0 already issued)" in result.output
    db.session.expire_all()
    rows = kind_of(demo_contest, "BKPT").recipients
    assert [(r.name, r.collective, r.unit) for r in rows] == [
        ("Nguyễn Văn Hùng", False, "Trưởng thôn Đông 1 xã Tân Trào"),
        ("Tập thể Hội Nông dân xã Kiền Bái", True, ""),
    ]


def test_a_recognition_list_imports_from_xlsx(runner, demo_contest, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["name", "kind", "unit", "reason"])
    sheet.append(["Phạm Thị Thu", "individual", "Hội Phụ nữ xã Đại Hợp", REASON])
    path = tmp_path / "list.xlsx"
    book.save(path)
    result = invoke(runner, "recipients", "dvk-2022", "--document", "BKPT", str(path))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [r.name for r in kind_of(demo_contest, "BKPT").recipients] == ["Phạm Thị Thu"]


def test_a_bad_line_imports_nothing_and_names_line_and_column(runner, demo_contest, tmp_path):
    before = [r.name for r in kind_of(demo_contest, "BKPT").recipients]
    path = tmp_path / "list.csv"
    path.write_text(CSV + ",cá nhân,Xã Ngũ Đoan,\nTrần Văn B,nhóm,,\n", encoding="utf-8")
    result = invoke(runner, "recipients", "dvk-2022", "--document", "BKPT", str(path))
    assert result.exit_code != 0
    assert "nothing was changed" in result.output
    assert "line 4: name is empty" in result.output
    assert "line 5: kind must be individual or collective" in result.output
    db.session.expire_all()
    assert [r.name for r in kind_of(demo_contest, "BKPT").recipients] == before


def test_recipients_only_for_a_list_document(runner, demo_contest, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    result = invoke(runner, "recipients", "dvk-2022", "--document", "GCN", str(path))
    assert result.exit_code != 0 and "GCN is not awarded to a recognition list" in result.output


def test_lines_added_after_finalizing_are_issued_at_once_and_reimporting_adds_nothing(
    runner, finalized_demo, tmp_path
):
    kind = kind_of(finalized_demo, "BKPT")
    lines = [RecipientLine(r.name, r.collective, r.unit, r.reason) for r in kind.recipients]
    lines.append(RecipientLine("Đỗ Thị Lan", False, "Xã Thụy Hương", REASON))
    summary = replace_pending_recipients(kind, lines, actor=None, source="test")
    db.session.commit()
    assert (summary.kept, summary.added, [c.number for c in summary.issued]) == (39, 1, ["40/BK-DVK"])
    again = replace_pending_recipients(kind, lines, actor=None, source="test")
    db.session.commit()
    assert (again.added, again.issued) == (0, [])
    assert len(certificates_of(kind)) == 40


def test_the_browser_editor_saves_all_rows_or_shows_them_again(client, demo_contest, organizer):
    url = "/c/dvk-2022/organize/certificates/BKPT/recipients"
    page = client.get(url)
    assert page.status_code == 200 and 'name="rows-38-name"' in page.get_data(as_text=True)
    bad = {"rows-0-name": "Lê Văn Tám", "rows-0-kind": "individual", "rows-0-unit": "Xã Đoàn Xá",
           "rows-0-reason": "Gương sáng", "rows-1-name": "", "rows-1-kind": "collective",
           "rows-1-unit": "Xã Bát Trang", "rows-1-reason": ""}
    response = post_form(client, url, bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "row 2: name is empty" in html and 'value="Lê Văn Tám"' in html and 'value="Xã Bát Trang"' in html
    db.session.expire_all()
    assert len(kind_of(demo_contest, "BKPT").recipients) == 39
    good = dict(bad, **{"rows-1-name": "Tập thể Chi hội Phụ nữ thôn Nam 2"})
    response = post_form(client, url, good)
    assert response.status_code == 302
    db.session.expire_all()
    assert [(r.name, r.collective) for r in kind_of(demo_contest, "BKPT").recipients] == [
        ("Lê Văn Tám", False), ("Tập thể Chi hội Phụ nữ thôn Nam 2", True)]


def test_the_browser_import_refuses_a_bad_file_and_keeps_the_list(client, demo_contest, organizer):
    url = "/c/dvk-2022/organize/certificates/BKPT/recipients/import"
    response = post_form(client, url, {"file": (BytesIO(b"ten,<b>loai</b>\nA,B\n"), "list.csv")},
                         form_page="/c/dvk-2022/organize/certificates/BKPT/recipients",
                         content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "missing column &#39;name&#39;" in page
    # What the file holds is shown as text, never as markup.
    assert "&lt;b&gt;loai&lt;/b&gt;" in page and "<b>loai</b>" not in page
    db.session.expire_all()
    assert len(kind_of(demo_contest, "BKPT").recipients) == 39


# --- the register -------------------------------------------------------------------------

def test_reissue_with_a_corrected_name_gives_the_next_number_and_verify_says_so(
    runner, client, finalized_demo
):
    old = certificates_of(kind_of(finalized_demo, "GCN"))[2]
    result = invoke(runner, "reissue", "dvk-2022", old.number, "--name", "Nguyễn Thị Thuỳ Dương",
                    "--reason", "Sửa chính tả tên")
    assert result.exit_code == 0, result.output
    assert f"{old.number} is reissued as 17/GCN-BTC" in result.output
    db.session.expire_all()
    old = db.session.get(Certificate, old.id)
    new = old.replaced_by
    assert (old.status, new.status, new.number, new.recipient) == (
        CertificateStatus.REISSUED, CertificateStatus.VALID, "17/GCN-BTC", "Nguyễn Thị Thuỳ Dương")
    assert new.replaces_id == old.id and new.entry_id == old.entry_id and new.token != old.token
    assert old.status_reason == "Sửa chính tả tên"

    from contest.results.services import publish

    publish(finalized_demo, actor=None)
    db.session.commit()
    client.get("/lang/en")
    page = client.get(f"/verify/{old.token}").get_data(as_text=True)
    assert "REVOKED: this certificate was reissued and is no longer valid." in page
    assert "The valid certificate is number 17/GCN-BTC." in page and f'href="/verify/{new.token}"' in page
    assert "genuine" not in page
    page = client.get(f"/verify/{new.token}").get_data(as_text=True)
    assert "This certificate is genuine" in page and f"It replaces certificate {old.number}." in page
    page = client.get("/verify", query_string={"number": old.number}).get_data(as_text=True)
    assert "Revoked: reissued as 17/GCN-BTC." in page
    page = client.get("/verify", query_string={"number": "17/GCN-BTC"}).get_data(as_text=True)
    assert "Valid" in page and "Nguyễn Thị Thuỳ Dương" in page

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.reissued")).all()
    assert [(e.target, e.details["new_number"], e.details["reason"]) for e in events] == [
        (old.number, "17/GCN-BTC", "Sửa chính tả tên")]
    # The batch prints the valid ones: the old page is gone, the new one is last.
    assert [c.number for c in certificates_of(kind_of(finalized_demo, "GCN"))][-1] == "17/GCN-BTC"
    assert old.number not in [c.number for c in certificates_of(kind_of(finalized_demo, "GCN"))]


def test_revoke_on_the_web_needs_a_reason_and_is_audited(client, finalized_demo, organizer):
    cert = certificates_of(kind_of(finalized_demo, "BK"))[0]
    page_url = f"/c/dvk-2022/organize/register/{cert.id}"
    assert client.get(page_url).status_code == 200
    response = post_form(client, f"{page_url}/revoke", {"revoke-reason": "  "}, form_page=page_url)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status is CertificateStatus.VALID
    response = post_form(client, f"{page_url}/revoke", {"revoke-reason": "Trao nhầm"}, form_page=page_url)
    assert response.status_code == 302
    db.session.expire_all()
    cert = db.session.get(Certificate, cert.id)
    assert cert.status is CertificateStatus.REVOKED and cert.status_reason == "Trao nhầm"
    assert cert.status_changed_by.email == organizer.email
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.target == cert.number and event.details["reason"] == "Trao nhầm"
    page = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert "REVOKED: this certificate is no longer valid." in page and "Reason: Trao nhầm" in page
    # Revoked once is revoked for good; the PDF is no longer printed.
    with pytest.raises(RegisterError):
        revoke(cert, "again", actor=None)
    assert client.get(f"/c/dvk-2022/organize/certificates/BK/{cert.seq}.pdf").status_code == 404


def test_the_web_reissue_page_corrects_a_name(client, finalized_demo, organizer):
    cert = certificates_of(kind_of(finalized_demo, "BKPT"))[0]
    page_url = f"/c/dvk-2022/organize/register/{cert.id}"
    response = post_form(client, f"{page_url}/reissue",
                         {"reissue-name": "Nguyễn Văn  Hùng ", "reissue-reason": "Sai tên"}, form_page=page_url)
    assert response.status_code == 302
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == cert.id))
    assert (new.number, new.recipient, new.reason) == ("40/BK-DVK", "Nguyễn Văn Hùng", cert.reason)
    assert response.headers["Location"].endswith(f"/organize/register/{new.id}")


def test_numbers_are_never_reused_even_after_void(finalized_demo):
    kind = kind_of(finalized_demo, "BK")
    void_certificates(finalized_demo, "Mở lại kết quả", actor=None)
    db.session.commit()
    assert certificates_of(kind) == []
    statuses = db.session.scalars(select(Certificate.status).where(Certificate.document_kind_id == kind.id)).all()
    assert set(statuses) == {CertificateStatus.VOID}
    from contest.certificates.services import _issue
    from contest.models.types import utcnow

    entry = db.session.scalar(select(Entry).where(Entry.contest_id == finalized_demo.id).order_by(Entry.code))
    [again] = _issue(kind, [dict(entry=entry, recipient="X", unit="", entry_title="T", tier_name="")], utcnow())
    assert again.number == "07/QĐ-UBND"


def test_the_register_lists_every_document_with_its_status_and_the_xlsx_has_them_all(
    client, runner, finalized_demo, organizer, tmp_path
):
    gcn = certificates_of(kind_of(finalized_demo, "GCN"))
    reissue(gcn[0], "Sửa tên", actor=None, name="=HYPERLINK(\"http://x\",\"y\")")
    revoke(gcn[1], "Trao nhầm", actor=None)
    db.session.commit()
    page = client.get("/c/dvk-2022/organize/register").get_data(as_text=True)
    assert "62 documents" in page
    assert page.count('class="badge text-bg-success"') == 60
    assert "Reissued" in page and "Revoked" in page and "now 17/GCN-BTC" in page

    response = client.get("/c/dvk-2022/organize/register.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Document", "Number", "Recipient", "Unit", "What for", "Issued at", "Status")
    assert len(rows) == 1 + 62
    by_number = {r[1]: r for r in rows[1:]}
    assert by_number[gcn[0].number][6] == "reissued" and by_number[gcn[0].number][10] == "17/GCN-BTC"
    assert by_number[gcn[1].number][6] == "revoked" and by_number[gcn[1].number][7] == "Trao nhầm"
    assert by_number["17/GCN-BTC"][2] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert by_number["17/GCN-BTC"][9] == gcn[0].number
    assert sum(1 for r in rows[1:] if r[6] == "valid") == 60
    assert {r[0] for r in rows[1:]} == {"GCN", "BK", "BKPT"}

    out = tmp_path / "register.xlsx"
    result = invoke(runner, "register", "dvk-2022", "--out", str(out))
    assert result.exit_code == 0 and "62 documents" in result.output
    assert load_workbook(out).active.max_row == 63


def test_the_register_page_takes_the_same_queries_whatever_its_size(client, finalized_demo, organizer,
                                                                    count_queries):
    db.session.commit()
    with count_queries() as small:
        assert client.get("/c/dvk-2022/organize/register").status_code == 200
    for cert in certificates_of(kind_of(finalized_demo, "BKPT"))[:5]:
        reissue(cert, "Sửa", actor=None)
    db.session.commit()
    with count_queries() as larger:
        assert client.get("/c/dvk-2022/organize/register?document=BKPT&page=1").status_code == 200
    assert len(larger) == len(small) <= 7


def test_cli_revoke_and_unknown_numbers(runner, finalized_demo):
    result = invoke(runner, "revoke", "dvk-2022", "99/GCN-BTC", "--reason", "x")
    assert result.exit_code != 0 and "no certificate numbered '99/GCN-BTC'" in result.output
    result = invoke(runner, "revoke", "dvk-2022", "01/QĐ-UBND", "--reason", "Trao nhầm")
    assert result.exit_code == 0 and "01/QĐ-UBND" in result.output and "is revoked" in result.output
    result = invoke(runner, "revoke", "dvk-2022", "01/QĐ-UBND", "--reason", "lần nữa")
    assert result.exit_code != 0 and "only a valid certificate" in result.output


def test_cli_certificates_prints_a_recognition_list(runner, finalized_demo, tmp_path):
    out = tmp_path / "bkpt.pdf"
    result = invoke(runner, "certificates", "dvk-2022", "--document", "BKPT", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(PdfReader(out).pages) == 39


def test_recipient_ids_are_kept_on_the_certificates(finalized_demo):
    linked = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.recipient_id.is_not(None)))
    assert linked == 39 == db.session.scalar(select(func.count(Recipient.id)))


@pytest.mark.parametrize("document, message", [
    ({"awarded_to": "everyone"}, "'awarded_to' must be \"tiers\", \"participation\" or \"list\", not 'everyone'"),
    ({"awarded_to": "list", "tiers": ["A"]}, "'tiers' is only for a document awarded to tiers"),
    ({"awarded_to": "tiers", "tiers": []}, "'tiers' must list tier codes"),
    ({"per_author": "yes"}, "'per_author' must be true or false"),
])
def test_settings_say_who_gets_a_document_or_are_refused(app, document, message):
    from contest.admin.setup import SetupError, apply_contest_settings
    from tests.conftest import contest_settings

    settings = contest_settings()
    settings["documents"][0].update(document)
    with pytest.raises(SetupError) as refused:
        apply_contest_settings(settings)
    assert message in str(refused.value)


def test_settings_of_a_participation_document_per_author(app):
    from contest.admin.setup import apply_contest_settings
    from tests.conftest import contest_settings

    settings = contest_settings()
    settings["documents"][0].update(awarded_to="participation", per_author=True)
    del settings["documents"][0]["tiers"]
    contest = apply_contest_settings(settings)
    gcn = contest.documents[0]
    assert (gcn.awarded_to, gcn.per_author, gcn.tiers) == (AwardedTo.PARTICIPATION, True, [])
