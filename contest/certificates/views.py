"""The organizer's certificate pages: the issued documents and their printable PDFs."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, render_template, send_file

from contest.auth.access import role_required
from contest.certificates.rendering import render_certificates
from contest.certificates.services import (
    base_url_unreachable,
    certificate_of,
    certificate_view,
    certificates_by_kind,
    certificates_of,
    document_kind,
    public_base_url,
)
from contest.models import Contest, DocumentKind, Role
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
    return render_template("certificates/index.html", contest=contest, issued=issued,
                           base_url=public_base_url(), base_url_unreachable=base_url_unreachable())


@bp.get("/c/<slug>/organize/certificates/<doc_code>.pdf")
@role_required(Role.ORGANIZER)
def batch_pdf(slug: str, doc_code: str):
    contest = contest_or_404(slug)
    kind = kind_or_404(contest, doc_code)
    issued = certificates_of(kind)
    if not issued:
        abort(404)
    pdf = render_certificates([certificate_view(c) for c in issued])
    return pdf_response(pdf, f"{contest.slug}-{kind.code}.pdf")


@bp.get("/c/<slug>/organize/certificates/<doc_code>/<int:seq>.pdf")
@role_required(Role.ORGANIZER)
def single_pdf(slug: str, doc_code: str, seq: int):
    contest = contest_or_404(slug)
    kind = kind_or_404(contest, doc_code)
    cert = certificate_of(kind, seq)
    if cert is None:
        abort(404)
    pdf = render_certificates([certificate_view(cert)])
    return pdf_response(pdf, f"{contest.slug}-{kind.code}-{seq:02d}.pdf")
