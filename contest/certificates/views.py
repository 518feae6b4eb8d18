"""The organizer's certificate pages: the issued documents and their printable PDFs."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.auth.access import role_required
from contest.certificates.rendering import render_certificates
from contest.certificates.services import (
    base_url_unreachable,
    certificate_of,
    certificate_view,
    certificates_by_kind,
    certificates_of,
    count_valid,
    document_kind,
    public_base_url,
)
# Imported here so that every process of the app, workers included, knows its task.
from contest.certificates.batches import JOB_KIND, batch_file, print_batch, refusal  # noqa: F401
from contest.certificates.forms import BatchForm
from contest.extensions import db
from contest.models import Contest, DocumentKind, Job, Role
from contest.public.views import contest_or_404

bp = Blueprint("certificates", __name__)


def kind_or_404(contest: Contest, code: str) -> DocumentKind:
    kind = document_kind(contest, code)
    if kind is None or not contest.is_locked:
        abort(404)
    return kind


def pdf_response(pdf: bytes, filename: str):
    """Shown in the browser (inline), saved under a name that says what it is."""
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=filename,
                     as_attachment=False, max_age=0)


@bp.get("/c/<slug>/organize/certificates")
@role_required(Role.ORGANIZER)
def index(slug: str):
    contest = contest_or_404(slug)
    issued = certificates_by_kind(contest) if contest.is_locked else {}
    background = {k.id for k in contest.documents if k.id in issued
                  and issued[k.id].valid >= background_from()}
    return render_template("certificates/index.html", contest=contest, issued=issued,
                           background=background, batch_form=BatchForm(),
                           base_url=public_base_url(), base_url_unreachable=base_url_unreachable())


def background_from() -> int:
    from flask import current_app

    return current_app.config["CERTIFICATE_BACKGROUND_FROM"]


@bp.get("/c/<slug>/organize/certificates/<doc_code>.pdf")
@role_required(Role.ORGANIZER)
def batch_pdf(slug: str, doc_code: str):
    contest = contest_or_404(slug)
    kind = kind_or_404(contest, doc_code)
    issued = certificates_of(kind)
    if not issued:
        abort(404)
    views = printable_views(contest, issued)
    if views is None:
        return redirect(url_for(".preflight_page", slug=slug, doc_code=doc_code))
    return pdf_response(render_certificates(views), f"{contest.slug}-{kind.code}.pdf")


@bp.get("/c/<slug>/organize/certificates/<doc_code>/<int:seq>.pdf")
@role_required(Role.ORGANIZER)
def single_pdf(slug: str, doc_code: str, seq: int):
    contest = contest_or_404(slug)
    kind = kind_or_404(contest, doc_code)
    cert = certificate_of(kind, seq)
    if cert is None:
        abort(404)
    views = printable_views(contest, [cert])
    if views is None:
        return redirect(url_for(".preflight_page", slug=slug, doc_code=doc_code))
    return pdf_response(render_certificates(views), f"{contest.slug}-{kind.code}-{seq:02d}.pdf")


def printable_views(contest: Contest, certs: list):
    """The certificates' plain data for the chosen printer (``?printer=``), or None after
    flashing why when the preflight finds one that cannot print."""
    from contest.certificates.designs import printer_of
    from contest.certificates.preflight import preflight
    from contest.certificates.services import certificate_views

    views = certificate_views(certs, printer_of(contest, request.args.get("printer", type=int)))
    refused = [check.number for check in preflight(views) if check.blocked]
    if refused:
        flash(_("Not printed: %(numbers)s cannot print as they are (see below).", numbers=", ".join(refused)),
              "danger")
        return None
    return views


@bp.post("/c/<slug>/organize/certificates/<doc_code>/batch")
@role_required(Role.ORGANIZER)
def start_batch(slug: str, doc_code: str):
    """A background job prints the whole batch; its page follows the progress."""
    from contest.certificates.batches import start_batch as start

    contest = contest_or_404(slug)
    kind = kind_or_404(contest, doc_code)
    if not BatchForm().validate_on_submit():
        abort(400)
    if not count_valid(kind):
        abort(404)
    job = start(kind, actor=current_user)
    db.session.commit()
    return redirect(url_for(".batch_job", slug=slug, job_id=job.id))


def job_or_404(contest: Contest, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.contest_id != contest.id or job.kind != JOB_KIND:
        abort(404)
    return job


def job_status(contest: Contest, job: Job) -> dict:
    """What the page's script reads: status, done of total, and the file once written."""
    done = batch_file(job) is not None
    error = job.error if job.status.value == "failed" else ""
    preflight_url = None
    refused = refusal(job)
    if refused is not None:
        code, numbers = refused
        error = _("Not printed: %(numbers)s cannot print as they are; the preflight says why.", numbers=numbers)
        preflight_url = url_for(".preflight_page", slug=contest.slug, doc_code=code)
    return {
        "status": job.status.value,
        "done": job.done,
        "total": job.total,
        "percent": round(100 * job.done / job.total) if job.total else (100 if done else 0),
        "error": error,
        "preflight_url": preflight_url,
        "download_url": url_for(".batch_job_file", slug=contest.slug, job_id=job.id) if done else None,
    }


@bp.get("/c/<slug>/organize/certificates/jobs/<int:job_id>")
@role_required(Role.ORGANIZER)
def batch_job(slug: str, job_id: int):
    contest = contest_or_404(slug)
    job = job_or_404(contest, job_id)
    return render_template("certificates/job.html", contest=contest, job=job,
                           status=job_status(contest, job))


@bp.get("/c/<slug>/organize/certificates/jobs/<int:job_id>.json")
@role_required(Role.ORGANIZER)
def batch_job_status(slug: str, job_id: int):
    contest = contest_or_404(slug)
    response = jsonify(job_status(contest, job_or_404(contest, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c/<slug>/organize/certificates/jobs/<int:job_id>/file")
@role_required(Role.ORGANIZER)
def batch_job_file(slug: str, job_id: int):
    contest = contest_or_404(slug)
    path = batch_file(job_or_404(contest, job_id))
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=False, max_age=0,
                     download_name=path.name.split("-", 1)[1])


from contest.certificates import views_register  # noqa: E402,F401  (routes of the same blueprint)
