"""Every page of the app with data behind it: the walk the header, layout and browser checks share.

``route_urls`` gives, for every GET route in the app's url_map, the URLs that
open it on the site ``build_site`` creates. A route it does not know fails the
tests that use it, naming the route: a new page must be added here (with data
that fills it) before it can ship.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from sqlalchemy import select

from contest.admin.setup import apply_contest_settings
from contest.auth.links import confirmation_token, reset_token
from contest.auth.services import upsert_user, user_by_email
from contest.certificates.designs import check_upload, store_design_file
from contest.entries.services import EntryFields, allocate_code, make_blind_copy, upload_folder
from contest.extensions import db
from contest.mail import queue_mail
from contest.models import (
    Assignment,
    AuthorKind,
    Certificate,
    Contest,
    Entry,
    EntryFile,
    EntryStatus,
    MailStatus,
    Role,
    ScreeningReason,
)
from tests import files
from tests.conftest import contest_settings
from tests.test_access import ACCESS, AUDIENCE, OK, PASSWORDS

ROLES = ("anonymous", "author", "judge", "organizer")
LOGINS = {"author": "tacgia@dvk2022.vn", "judge": "giamkhao1@dvk2022.vn",
          "organizer": "bantochuc@dvk2022.vn"}
# GET routes that answer with something other than an HTML page.
NOT_HTML = {
    "static", "bootstrap.static",               # files
    "public.set_language",                      # a redirect
    "public.healthz",                           # JSON for the monitoring
    "entries.download_file", "judging.entry_file",  # uploaded files
    "entries.certificate", "certificates.batch_pdf", "certificates.single_pdf",  # PDFs
    "judging.paper_sheets_pdf",
    "certificates.register_xlsx", "certificates.batch_job_file",  # XLSX, PDF
    "certificates.batch_job_status",            # JSON for the progress bar
    "certificates.design_preview", "certificates.design_file", "certificates.calibration_pdf",
    "admin.entries_xlsx",                       # a workbook
    "documents.download",                       # DOCX, PDF, XLSX
}


@dataclass(frozen=True)
class Site:
    """What the pages are filled with: a published contest (dvk-2022), one being
    judged (cham-thi) and one open for entries (thi-thu), one account per role."""

    values: dict[str, object]

    def password(self, role: str) -> str:
        return PASSWORDS[role]


def build_site() -> Site:
    """Create the site's data in the current app context (an empty database)."""
    from contest.demo import load_demo
    from contest.judging.services import assign_judges, save_sheet, start_judging
    from contest.results.services import compute_ranking, finalize, publish, resolve_tie

    load_demo(entries=12, judges=3, seed=2022)
    published = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
    for tie in compute_ranking(published).ties:
        resolve_tie(published, tie.codes, "Bốc thăm trước Ban Giám khảo", actor=None)
    finalize(published, actor=None)
    publish(published, actor=None)
    from contest.certificates.batches import start_batch
    from contest.certificates.register import reissue
    from contest.certificates.services import certificates_of, document_kind
    from contest.jobs import jobs

    recognized = certificates_of(document_kind(published, "BKPT"))
    reissued = reissue(recognized[0], "Sửa chính tả tên", actor=None, name=recognized[0].recipient + " A")
    batch_job = start_batch(document_kind(published, "BKPT"), actor=None)
    db.session.commit()
    jobs.run_pending()
    author, judge = user_by_email(LOGINS["author"]), user_by_email(LOGINS["judge"])
    cert = db.session.scalar(select(Certificate).join(Certificate.entry)
                             .where(Entry.submitted_by_id == author.id).order_by(Certificate.id))
    won = cert.entry

    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = iter(range(1, 100))

    def entry_in(contest: Contest, title: str) -> Entry:
        entry = Entry(contest=contest, code=allocate_code(contest), submitted_by=author)
        EntryFields(title=title, category=contest.categories[0], author_kind=AuthorKind.INDIVIDUAL,
                    authors=["Nguyễn Thị Thuỳ Dương", "Trần Văn Kiên"],
                    organization="Hội Nông dân xã Tân Trào", district="Kiến Thụy",
                    email="tacgia@dvk2022.vn", phone="0912345678",
                    description="Mô hình vận động Nhân dân hiến đất làm đường.").apply_to(entry)
        name = f"walk-{next(stored)}.pdf"
        (folder / name).write_bytes(files.pdf(identity=False))
        upload = EntryFile(original_name="bài dự thi.pdf", stored_name=name,
                           content_type="application/pdf", size=13, sha256="0" * 64)
        make_blind_copy(upload)
        entry.files.append(upload)
        db.session.add(entry)
        db.session.flush()
        return entry

    open_contest = apply_contest_settings(contest_settings("thi-thu"))
    open_entry = entry_in(open_contest, "Con đường hoa ở xã Tân Trào")
    duplicate = entry_in(open_contest, "Con đường hoa ở xã Tân Trào (gửi lại)")
    duplicate.status, duplicate.screening_reason = EntryStatus.INELIGIBLE, ScreeningReason.DUPLICATE
    duplicate.ineligible_reason = f"Trùng với {open_entry.code}."
    draft = entry_in(open_contest, "Camera an ninh thôn Đông (bản nháp)")
    draft.code, draft.status = "draft-walk", EntryStatus.DRAFT

    judged = apply_contest_settings(contest_settings("cham-thi", code_prefix="CT", rounds=[
        {"code": "SK", "name": "Sơ khảo", "per_entry": 2, "advance": {"top": 2}},
        {"code": "CK", "name": "Chung khảo"}]))
    judged_entries = [entry_in(judged, f"Thắp sáng đường quê số {n}") for n in range(1, 4)]
    start_judging(judged, actor=None)
    other_judge = upsert_user("giamkhao9@example.vn", "Phạm Thị Giám Khảo", [Role.JUDGE], PASSWORDS["judge"])
    assign_judges(judged, [judge, other_judge], None, actor=None)
    first = db.session.scalar(select(Assignment).where(Assignment.entry_id == judged_entries[0].id,
                                                       Assignment.judge_id == judge.id))
    save_sheet(first, {c.id: c.max_points - 5 for c in judged.criteria}, "Bài viết sinh động.",
               True, actor=judge)
    receipt = queue_mail(author, "receipt", contest=open_contest, entry=open_entry,
                         receipt_url="https://contest.example.vn/c/thi-thu/entries/TT-0001")
    receipt.status, receipt.attempts = MailStatus.FAILED, 3
    receipt.last_error = "SMTPRecipientsRefused: {'tacgia@dvk2022.vn': (550, b'5.1.1 Mailbox unavailable')}"
    store_design_file(cert.document_kind, "scan", check_upload("scan", files.png()), "phôi.png")
    db.session.commit()
    return Site(values=dict(
        published=published.slug, judged=judged.slug, open=open_contest.slug,
        won_code=won.code, won_file=won.files[0].id if won.files else None,
        open_code=open_entry.code, open_file=open_entry.files[0].id,
        judged_code=judged_entries[0].code, judged_file=judged_entries[0].files[0].id,
        doc_code=cert.document_kind.code, seq=cert.seq, token=cert.token, judge_id=judge.id,
        cert_id=cert.id, reissued_id=reissued.id, old_id=reissued.replaces_id, job_id=batch_job.id,
        old_token=recognized[0].token,
        draft_code=draft.code, reset_token=reset_token(author), confirm_token=confirmation_token(author),
    ))


def route_urls(app: Flask, site: Site) -> dict[str, list[str]]:
    """Every GET route → the URLs that open it; raises naming any route it cannot fill in."""
    v = site.values
    args = {
        "public.home": [{}],
        "public.contest": [dict(slug=v["open"]), dict(slug=v["published"])],
        "public.results": [dict(slug=v["published"])],
        "public.verify": [dict(token=v["token"]), dict(token=v["old_token"])],
        "public.verify_lookup": [{}, dict(number="01/GCN-BTC")],
        "public.set_language": [dict(code="en", next="/")],
        "public.healthz": [{}],
        "auth.login": [{}],
        "auth.register": [{}],
        "auth.confirm_email": [dict(token=v["confirm_token"]), dict(token="not-a-token")],
        "auth.forgot_password": [{}],
        "auth.reset_password": [dict(token=v["reset_token"]), dict(token="not-a-token")],
        "auth.change_password": [{}],
        "static": [dict(filename="css/app.css")],
        "bootstrap.static": [dict(filename="css/bootstrap.min.css")],
        "entries.mine": [{}],
        "entries.new": [dict(slug=v["open"])],
        "entries.receipt": [dict(slug=v["open"], code=v["open_code"])],
        "entries.edit": [dict(slug=v["open"], code=v["open_code"]),
                         dict(slug=v["open"], code=v["draft_code"])],
        "entries.download_file": [dict(slug=v["open"], code=v["open_code"], file_id=v["open_file"])],
        "entries.certificate": [dict(slug=v["published"], code=v["won_code"], doc_code=v["doc_code"])],
        "judging.dashboard": [{}],
        "judging.sheets": [dict(slug=v["judged"]), dict(slug=v["judged"], show="all")],
        "judging.score": [dict(slug=v["judged"], code=v["judged_code"])],
        "judging.entry_file": [dict(slug=v["judged"], code=v["judged_code"], file_id=v["judged_file"])],
        "judging.judges_page": [dict(slug=v["judged"]), dict(slug=v["open"])],
        "judging.progress": [dict(slug=v["judged"])],
        "judging.rounds_page": [dict(slug=v["judged"]), dict(slug=v["open"]), dict(slug=v["published"])],
        "judging.round_page": [dict(slug=v["judged"], round_code="SK"), dict(slug=v["published"], round_code="SK")],
        "judging.entry_history_page": [dict(slug=v["judged"], code=v["judged_code"])],
        "judging.judge_history_page": [dict(slug=v["judged"], judge_id=v["judge_id"])],
        "judging.import_scores_page": [dict(slug=v["judged"]), dict(slug=v["published"])],
        "judging.paper_sheets_pdf": [dict(slug=v["judged"])],
        "admin.index": [{}],
        "admin.new_contest": [{}, dict(copy=v["published"])],
        "admin.dashboard": [dict(slug=v["open"]), dict(slug=v["judged"]), dict(slug=v["published"])],
        "admin.settings": [dict(slug=v["judged"])],
        "admin.outbox": [{}, dict(status="failed")],
        "admin.entries": [dict(slug=v["judged"]), dict(slug=v["judged"], q="nguyen", sort="title", dir="desc"),
                          dict(slug=v["judged"], page=5)],
        "admin.entries_xlsx": [dict(slug=v["judged"])],
        "admin.import_entries_page": [dict(slug=v["open"]), dict(slug=v["published"])],
        "admin.entry": [dict(slug=v["judged"], code=v["judged_code"])],
        "secretariat.screening": [dict(slug=v["open"]), dict(slug=v["judged"], show="all")],
        "secretariat.paper_entry": [dict(slug=v["open"])],
        "secretariat.attach": [dict(slug=v["open"], code=v["open_code"])],
        "results.ranking": [dict(slug=v["judged"]), dict(slug=v["judged"], method="zscore"),
                            dict(slug=v["judged"], method="median", page=2), dict(slug=v["published"])],
        "results.unfinalize_page": [dict(slug=v["published"]), dict(slug=v["judged"])],
        "documents.download": [dict(slug=v["published"], what="minutes", fmt="docx"),
                               dict(slug=v["published"], what="annex", fmt="pdf"),
                               dict(slug=v["published"], what="ranking", fmt="xlsx")],
        "certificates.index": [dict(slug=v["published"])],
        "certificates.batch_pdf": [dict(slug=v["published"], doc_code=v["doc_code"])],
        "certificates.single_pdf": [dict(slug=v["published"], doc_code=v["doc_code"], seq=v["seq"])],
        "certificates.register": [dict(slug=v["published"]), dict(slug=v["published"], document="BKPT"),
                                  dict(slug=v["judged"])],
        "certificates.register_xlsx": [dict(slug=v["published"])],
        "certificates.certificate": [dict(slug=v["published"], cert_id=v["cert_id"]),
                                     dict(slug=v["published"], cert_id=v["old_id"])],
        "certificates.recipients": [dict(slug=v["published"], doc_code="BKPT")],
        "certificates.batch_job": [dict(slug=v["published"], job_id=v["job_id"])],
        "certificates.batch_job_status": [dict(slug=v["published"], job_id=v["job_id"])],
        "certificates.batch_job_file": [dict(slug=v["published"], job_id=v["job_id"])],
        "certificates.design": [dict(slug=v["published"], doc_code=v["doc_code"]),
                                dict(slug=v["judged"], doc_code=v["doc_code"])],
        "certificates.design_preview": [dict(slug=v["published"], doc_code=v["doc_code"], fmt="png")],
        "certificates.design_file": [dict(slug=v["published"], doc_code=v["doc_code"], role="scan")],
        "certificates.calibration_pdf": [dict(slug=v["published"], doc_code=v["doc_code"])],
        "certificates.printers": [dict(slug=v["published"])],
        "certificates.preflight_page": [dict(slug=v["published"], doc_code=v["doc_code"]),
                                        dict(slug=v["judged"], doc_code=v["doc_code"])],
    }
    gets = sorted({r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods})
    unknown = [endpoint for endpoint in gets if endpoint not in args]
    if unknown:
        raise LookupError("tests/pages.py cannot open these GET routes yet; add them to "
                          f"route_urls (and data to build_site): {', '.join(unknown)}")
    with app.test_request_context():
        return {endpoint: [url_for(endpoint, **kwargs) for kwargs in args[endpoint]] for endpoint in gets}


def pages_for(app: Flask, site: Site, role: str, html_only: bool = True) -> list[tuple[str, str]]:
    """(endpoint, url) of every page ``role`` may open (as tests/test_access.py decides)."""
    pages = []
    for endpoint, urls in route_urls(app, site).items():
        if html_only and endpoint in NOT_HTML:
            continue
        if AUDIENCE[ACCESS[endpoint]][role] != OK:
            continue
        if role != "anonymous" and endpoint in ("auth.login", "auth.register"):
            continue  # members are sent on to their own start page
        pages.extend((endpoint, url) for url in urls)
    return pages
