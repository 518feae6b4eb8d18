"""Large print batches: a background job lays the certificates out chunk by chunk, a page
follows its progress from a JSON status, and the PDF is there to download when it is done."""
from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import event

from contest.certificates.services import certificates_of, document_kind
from contest.extensions import db
from contest.jobs import jobs
from contest.models import AwardedTo, DocumentKind, Job, JobStatus, Role
from tests.conftest import post_form
from tests.test_certificates import LONG_TITLE

CERTIFICATES = "/c/dvk-2022/organize/certificates"


def finalize_with_participation(contest) -> None:
    """Give ``contest`` a participation certificate (TG) for every entry and finalize it."""
    from contest.results.services import compute_ranking, finalize, resolve_tie

    contest.documents.append(DocumentKind(
        code="TG", title="Giấy chứng nhận", awarded_to=AwardedTo.PARTICIPATION,
        issuer="Ban Tổ chức cuộc thi", preamble="Ban Tổ chức cuộc thi chứng nhận tác giả",
        signer_title="TM. Ban Tổ chức\nTrưởng ban", signer_name="Lê Trí Vũ",
        number_format="{seq:04d}/TG-BTC"))
    db.session.flush()
    for tie in compute_ranking(contest).ties:
        resolve_tie(contest, tie.codes, "Bốc thăm", actor=None)
    finalize(contest, actor=None)


@pytest.fixture
def participation_demo(demo_contest):
    """The demo with a participation certificate for every entry (40), finalized."""
    finalize_with_participation(demo_contest)
    db.session.commit()
    return demo_contest


@pytest.fixture
def organizer(client, make_user, login):
    client.get("/lang/en")
    login(make_user(Role.ORGANIZER))


def test_a_large_batch_runs_in_the_background_with_its_progress_and_then_its_file(
    app, client, participation_demo, organizer, tmp_path
):
    app.config.update(CERTIFICATE_BACKGROUND_FROM=30, CERTIFICATE_BATCH_CHUNK=15)
    page = client.get(CERTIFICATES).get_data(as_text=True)
    # 40 participation certificates: prepared in the background; the 16 GCN still download at once.
    assert f'action="{CERTIFICATES}/TG/batch"' in page
    assert f'href="{CERTIFICATES}/GCN.pdf"' in page and f'action="{CERTIFICATES}/GCN/batch"' not in page

    response = post_form(client, f"{CERTIFICATES}/TG/batch", {}, form_page=CERTIFICATES)
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job = db.session.get(Job, int(job_url.rsplit("/", 1)[1]))
    assert (job.status, job.done, job.total) == (JobStatus.QUEUED, 0, 40)
    assert jobs.pending_count() == 1

    html = client.get(job_url).get_data(as_text=True)
    assert 'src="/static/js/job-progress.js"' in html and f'data-status-url="{job_url}.json"' in html
    assert client.get(f"{job_url}.json").get_json() == {
        "status": "queued", "done": 0, "total": 40, "percent": 0, "error": "", "preflight_url": None,
        "download_url": None}
    assert client.get(f"{job_url}/file").status_code == 404

    seen = []

    def progress(mapper, connection, target):
        seen.append((target.status.value, target.done))

    event.listen(Job, "after_update", progress)
    try:
        assert jobs.run_pending() == 1
    finally:
        event.remove(Job, "after_update", progress)
    # Running, one step per chunk of 15 pages, then done (each step as committed).
    steps = [step for n, step in enumerate(seen) if n == 0 or step != seen[n - 1]]
    assert steps == [("running", 0), ("running", 15), ("running", 30), ("running", 40), ("done", 40)]

    db.session.expire_all()  # the worker committed in its own session
    status = client.get(f"{job_url}.json").get_json()
    assert status == {"status": "done", "done": 40, "total": 40, "percent": 100, "error": "",
                      "preflight_url": None, "download_url": f"{job_url}/file"}
    response = client.get(f"{job_url}/file")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    pdf = response.data
    response.close()  # send_file keeps the file open until then
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 40
    path = tmp_path / "batch.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f")[:-1]]
    issued = certificates_of(document_kind(participation_demo, "TG"))
    assert [c.number for c in issued][:2] == ["0001/TG-BTC", "0002/TG-BTC"]
    for cert, page_text in zip(issued, pages):
        assert f"Số: {cert.number}" in page_text and cert.recipient.split(",")[0] in page_text
    assert "GIẤY CHỨNG NHẬN" in pages[0]


def test_a_failed_batch_says_why(app, client, participation_demo, organizer):
    from contest.certificates.batches import start_batch
    from contest.models import CertificateStatus

    kind = document_kind(participation_demo, "TG")
    job = start_batch(kind, actor=None)
    db.session.commit()
    # Everything revoked before the worker starts: nothing left to print.
    for cert in certificates_of(kind):
        cert.status = CertificateStatus.REVOKED
    db.session.commit()
    assert jobs.run_pending() == 1
    db.session.expire_all()
    status = client.get(f"{CERTIFICATES}/jobs/{job.id}.json").get_json()
    assert status["status"] == "failed" and "no valid TG certificates" in status["error"]
    assert status["download_url"] is None


def test_a_background_batch_goes_through_the_preflight_and_prints_nothing_that_cannot_print(
    app, client, participation_demo, organizer
):
    from contest.certificates.batches import job_folder, start_batch

    kind = document_kind(participation_demo, "TG")
    issued = certificates_of(kind)
    issued[2].recipient = " ".join([LONG_TITLE] * 5)  # a name pasted with a whole page behind it
    db.session.commit()
    job = start_batch(kind, actor=None)
    db.session.commit()
    assert jobs.run_pending() == 1
    db.session.expire_all()
    status = client.get(f"{CERTIFICATES}/jobs/{job.id}.json").get_json()
    assert status["status"] == "failed" and status["done"] == 0 and status["download_url"] is None
    assert status["error"] == (f"Not printed: {issued[2].number} cannot print as they are; "
                               "the preflight says why.")
    assert status["preflight_url"] == f"{CERTIFICATES}/TG/preflight"
    page = client.get(f"{CERTIFICATES}/jobs/{job.id}").get_data(as_text=True)
    assert f'href="{CERTIFICATES}/TG/preflight"' in page and "the preflight says why" in page
    assert list(job_folder().glob(f"{job.id}-*")) == []  # nothing was laid out
    assert issued[2].number in client.get(status["preflight_url"]).get_data(as_text=True)


def test_the_certificates_page_links_each_kind_to_its_design_and_preflight(client, participation_demo,
                                                                           organizer):
    page = client.get(CERTIFICATES).get_data(as_text=True)
    for code in ("GCN", "TG"):
        assert f'href="{CERTIFICATES}/{code}/design"' in page
        assert f'href="{CERTIFICATES}/{code}/preflight"' in page


def test_jobs_of_another_contest_or_kind_are_not_found(client, participation_demo, organizer):
    from contest.jobs import create_job

    other = create_job("worker.check", total=0)
    db.session.commit()
    assert client.get(f"{CERTIFICATES}/jobs/{other.id}").status_code == 404
    assert client.get(f"{CERTIFICATES}/jobs/99999.json").status_code == 404


def test_a_worker_process_knows_the_print_task(tmp_path):
    """`contest worker` runs in a process of its own: the task must be known there too."""
    import os
    import sys

    code = ("from contest import create_app; from contest.jobs import jobs; app = create_app(); "
            "print(any(name.endswith('batches.print_batch') for name in jobs.huey._registry._registry))")
    env = dict(os.environ, CONTEST_INSTANCE_PATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "True"
