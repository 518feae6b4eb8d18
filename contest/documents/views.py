"""The office's documents as downloads from the organizer's ranking page, once the results are final."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, send_file, url_for
from flask_babel import gettext as _

from contest.auth.access import role_required
from contest.documents.content import DocumentsError, export_document, file_name
from contest.models import Role
from contest.public.views import contest_or_404

bp = Blueprint("documents", __name__)
MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/c/<slug>/organize/documents/<any(minutes, annex, proposal, ranking):what>"
        ".<any(docx, pdf, xlsx):fmt>")
@role_required(Role.ORGANIZER)
def download(slug: str, what: str, fmt: str):
    contest = contest_or_404(slug)
    if not contest.is_locked:
        flash(_("The documents are made from the finalized results: finalize them first."), "warning")
        return redirect(url_for("results.ranking", slug=slug))
    try:
        body = export_document(contest, what, fmt)
    except DocumentsError:
        flash(_("This document does not come in that format."), "danger")
        return redirect(url_for("results.ranking", slug=slug))
    return send_file(BytesIO(body), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=file_name(contest, what, fmt), max_age=0)
