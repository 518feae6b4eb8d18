"""Who may open what: every route of the app, for every role, in one matrix.

A route missing from ACCESS fails the test, so a new page cannot ship
without a decision about who may see it.
"""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from contest.auth.services import user_by_email
from contest.certificates.batches import start_batch
from contest.certificates.designs import check_upload, store_design_file
from contest.entries.services import make_blind_copy, upload_folder
from contest.extensions import db
from contest.jobs import jobs
from contest.models import Assignment, Certificate, EntryFile
from contest.results.services import publish
from tests import files
from tests.conftest import csrf_token

ROLES = ("anonymous", "author", "judge", "organizer")
OK, LOGIN, FORBIDDEN, HIDDEN = 200, 302, 403, 404

# Who the route is for → expected status per role. "owner" routes belong to the
# author of the entry (and organizers); anyone else gets 404, not a hint that it exists.
AUDIENCE = {
    "public": dict(anonymous=OK, author=OK, judge=OK, organizer=OK),
    "author": dict(anonymous=LOGIN, author=OK, judge=FORBIDDEN, organizer=FORBIDDEN),
    "owner": dict(anonymous=LOGIN, author=OK, judge=HIDDEN, organizer=OK),
    "owner-only": dict(anonymous=LOGIN, author=OK, judge=FORBIDDEN, organizer=FORBIDDEN),
    "judge": dict(anonymous=LOGIN, author=FORBIDDEN, judge=OK, organizer=FORBIDDEN),
    "organizer": dict(anonymous=LOGIN, author=FORBIDDEN, judge=FORBIDDEN, organizer=OK),
    "member": dict(anonymous=LOGIN, author=OK, judge=OK, organizer=OK),
}

ACCESS = {
    "public.home": "public",
    "public.contest": "public",
    "public.results": "public",
    "public.verify": "public",
    "public.verify_lookup": "public",
    "public.set_language": "public",
    "public.healthz": "public",
    "auth.login": "public",
    "auth.register": "public",
    "auth.logout": "member",
    "auth.confirm_email": "public",
    "auth.resend_confirmation": "member",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "auth.change_password": "member",
    "static": "public",
    "bootstrap.static": "public",
    "entries.mine": "author",
    "entries.new": "author",
    "entries.receipt": "owner",
    "entries.download_file": "owner",
    "entries.certificate": "owner",
    "entries.edit": "owner-only",
    "entries.withdraw": "owner-only",
    "judging.dashboard": "judge",
    "judging.sheets": "judge",
    "judging.score": "judge",
    "judging.entry_file": "judge",
    "judging.autosave": "judge",
    "judging.conflict": "judge",
    "judging.add_conflict": "organizer",
    "judging.lift": "organizer",
    "judging.reassign": "organizer",
    "judging.discard": "organizer",
    "judging.drop": "organizer",
    "judging.entry_history_page": "organizer",
    "judging.judge_history_page": "organizer",
    "admin.release_file": "organizer",
    "judging.import_scores_page": "organizer",
    "judging.apply_import": "organizer",
    "judging.paper_sheets_pdf": "organizer",
    "judging.judges_page": "organizer",
    "judging.progress": "organizer",
    "judging.rounds_page": "organizer",
    "judging.round_page": "organizer",
    "judging.close_round_action": "organizer",
    "judging.add_judge_account": "organizer",
    "judging.assign": "organizer",
    "admin.index": "organizer",
    "admin.new_contest": "organizer",
    "admin.dashboard": "organizer",
    "admin.settings": "organizer",
    "admin.save_paperwork": "organizer",
    "admin.entries": "organizer",
    "admin.entries_xlsx": "organizer",
    "admin.entry": "organizer",
    "secretariat.screening": "organizer",
    "secretariat.paper_entry": "organizer",
    "secretariat.attach": "organizer",
    "admin.start_judging_now": "organizer",
    "admin.outbox": "organizer",
    "admin.retry_outgoing": "organizer",
    "admin.import_entries_page": "organizer",
    "admin.apply_entry_import_page": "organizer",
    "results.ranking": "organizer",
    "results.resolve": "organizer",
    "results.reread": "organizer",
    "results.finalize_results": "organizer",
    "results.publish_results": "organizer",
    "results.unfinalize_page": "organizer",
    "documents.download": "organizer",
    "certificates.index": "organizer",
    "certificates.batch_pdf": "organizer",
    "certificates.single_pdf": "organizer",
    "certificates.start_batch": "organizer",
    "certificates.batch_job": "organizer",
    "certificates.batch_job_status": "organizer",
    "certificates.batch_job_file": "organizer",
    "certificates.register": "organizer",
    "certificates.register_xlsx": "organizer",
    "certificates.certificate": "organizer",
    "certificates.revoke_certificate": "organizer",
    "certificates.reissue_certificate": "organizer",
    "certificates.recipients": "organizer",
    "certificates.save_recipients": "organizer",
    "certificates.import_recipients": "organizer",
    "certificates.design": "organizer",
    "certificates.design_preview": "organizer",
    "certificates.design_file": "organizer",
    "certificates.calibration_pdf": "organizer",
    "certificates.printers": "organizer",
    "certificates.preflight_page": "organizer",
}

# Routes whose GET (or, for POST-only routes, POST) is not a plain page view.
REDIRECTS_WHEN_ALLOWED = {"public.set_language", "auth.logout", "auth.resend_confirmation",
                          "entries.withdraw"}
# Logged-in users are sent on from these (to their own start page).
SENDS_MEMBERS_ON = {"auth.login", "auth.register"}
# POST-only actions of organizers: allowed ones answer the empty form with a page,
# a redirect or 400, never 403 or a server error (their own tests check what they do).
ORGANIZER_ACTIONS = {
    "judging.add_judge_account", "judging.assign", "admin.start_judging_now",
    "results.resolve", "results.reread", "results.finalize_results", "results.publish_results",
    "judging.add_conflict", "judging.lift", "judging.reassign", "judging.discard", "judging.drop",
    "admin.release_file", "judging.apply_import", "admin.retry_outgoing",
    "certificates.start_batch", "certificates.revoke_certificate", "certificates.reissue_certificate",
    "certificates.save_recipients", "certificates.import_recipients",
    "admin.release_file", "judging.apply_import", "admin.retry_outgoing", "admin.apply_entry_import_page",
    "judging.close_round_action", "admin.save_paperwork",
    # The judge's own actions on a sheet of a finalized contest: refused with a message.
    "judging.autosave", "judging.conflict",
}


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ACCESS), "classify new routes in ACCESS"


@pytest.fixture
def world(finalized_demo, app):
    """The published demo contest; the demo author owns a winning entry with a file,
    and the judge is one of the judges of that entry."""
    contest = finalized_demo
    publish(contest, actor=None)
    cert = db.session.scalar(select(Certificate).order_by(Certificate.id))
    entry = cert.entry
    author = user_by_email("tacgia@dvk2022.vn")
    entry.submitted_by = author
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "access-test.pdf").write_bytes(files.pdf(identity=False))
    stored = EntryFile(original_name="bài dự thi.pdf", stored_name="access-test.pdf",
                       content_type="application/pdf", size=13, sha256="0" * 64)
    make_blind_copy(stored)
    entry.files.append(stored)
    store_design_file(cert.document_kind, "scan", check_upload("scan", files.png()), "phôi.png")
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entry.id))
    judge = sheet.judge
    job = start_batch(cert.document_kind, actor=None)
    db.session.commit()
    jobs.run_pending()
    params = dict(slug=contest.slug, code=entry.code, file_id=entry.files[0].id,
                  doc_code=cert.document_kind.code, seq=cert.seq, token=cert.token,
                  judge_id=judge.id, sheet_id=sheet.id, conflict_id=1, mail_id=1, cert_id=cert.id,
                  job_id=job.id, fmt="png", role="scan", round_code=contest.rounds[0].code,
                  what="minutes")
    users = {"author": author, "judge": judge, "organizer": user_by_email("bantochuc@dvk2022.vn")}
    return params, users


def _url(app, endpoint: str, params: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: params[name] for name in rule.arguments if name in params}
    if endpoint == "public.set_language":
        values["code"] = "en"
    if endpoint.endswith("recipients"):
        values["doc_code"] = "BKPT"  # the demo's recognition list
    if endpoint == "documents.download":
        values["fmt"] = "docx"
    if endpoint == "bootstrap.static":
        values["filename"] = "css/bootstrap.min.css"
    if endpoint == "static":
        values["filename"] = "css/app.css"
    with app.test_request_context():
        return url_for(endpoint, **values)


def _login(client, user, password: str) -> None:
    response = client.post("/auth/login", data={
        "email": user.email, "password": password, "csrf_token": csrf_token(client, "/auth/login")})
    assert response.status_code == 302


PASSWORDS = {"author": "tacgia2022", "judge": "giamkhao2022", "organizer": "bantochuc2022"}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    params, users = world
    client = app.test_client()
    if role != "anonymous":
        _login(client, users[role], PASSWORDS[role])
    token = csrf_token(client, "/auth/login" if role == "anonymous" else "/")
    wrong = []
    for endpoint, audience in ACCESS.items():
        expected = AUDIENCE[audience][role]
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = _url(app, endpoint, params)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        status = response.status_code
        response.close()  # file downloads hold their file open until closed
        if expected == OK and endpoint in REDIRECTS_WHEN_ALLOWED:
            expected = LOGIN  # a redirect too, but to where the user was going
        if expected == OK and role != "anonymous" and endpoint in SENDS_MEMBERS_ON:
            expected = LOGIN
        if expected == OK and endpoint in ORGANIZER_ACTIONS:
            # Allowed: the empty form is answered (a message, or 400 for a malformed one).
            ok = status != FORBIDDEN and status < 500
        else:
            ok = status == expected
        if not ok:
            wrong.append(f"{endpoint} {url}: {status}, expected {expected}")
        if endpoint == "auth.logout" and status == LOGIN and role != "anonymous":
            _login(client, users[role], PASSWORDS[role])
            token = csrf_token(client, "/")
    assert wrong == []
