"""The register of issued documents (revoke, reissue, XLSX) and the recognition lists' pages."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.auth.access import role_required
from contest.certificates.forms import RecipientFileForm, RecipientsForm, ReissueForm, RevokeForm
from contest.certificates.recipients import (
    RecipientsError,
    issued_recipient_ids,
    lines_from_form,
    problem_messages,
    read_recipient_file,
    replace_pending_recipients,
)
from contest.certificates.register import (
    RegisterError,
    certificate_by_id,
    register_page,
    reissue,
    revoke,
    write_register_xlsx,
)
from contest.certificates.services import document_kind
from contest.certificates.views import bp
from contest.extensions import db
from contest.importing import CsvImportError
from contest.models import AwardedTo, Contest, DocumentKind, Role
from contest.public.views import contest_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/c/<slug>/organize/register")
@role_required(Role.ORGANIZER)
def register(slug: str):
    contest = contest_or_404(slug)
    code = request.args.get("document", "")
    kind = document_kind(contest, code) if code else None
    if code and kind is None:
        abort(404)
    page = register_page(contest, kind, request.args.get("page", 1, type=int))
    return render_template("certificates/register.html", contest=contest, kind=kind, page=page)


@bp.get("/c/<slug>/organize/register.xlsx")
@role_required(Role.ORGANIZER)
def register_xlsx(slug: str):
    contest = contest_or_404(slug)
    out = BytesIO()
    write_register_xlsx(contest, out)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{contest.slug}-register.xlsx",
                     max_age=0)


def _certificate_page(contest: Contest, cert_id: int, revoke_form=None, reissue_form=None,
                      status: int = 200):
    cert = certificate_by_id(contest, cert_id)
    if cert is None:
        abort(404)
    if revoke_form is None:
        revoke_form = RevokeForm(formdata=None, prefix="revoke")
    if reissue_form is None:
        reissue_form = ReissueForm(formdata=None, prefix="reissue", name=cert.recipient)
    return render_template("certificates/certificate.html", contest=contest, cert=cert,
                           revoke_form=revoke_form,
                           reissue_form=reissue_form), status


@bp.get("/c/<slug>/organize/register/<int:cert_id>")
@role_required(Role.ORGANIZER)
def certificate(slug: str, cert_id: int):
    return _certificate_page(contest_or_404(slug), cert_id)


@bp.post("/c/<slug>/organize/register/<int:cert_id>/revoke")
@role_required(Role.ORGANIZER)
def revoke_certificate(slug: str, cert_id: int):
    contest = contest_or_404(slug)
    cert = certificate_by_id(contest, cert_id) or abort(404)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        return _certificate_page(contest, cert_id, revoke_form=form, status=400)
    try:
        revoke(cert, form.reason.data, actor=current_user)
    except RegisterError as exc:
        db.session.rollback()
        form.reason.errors = [str(exc)]
        return _certificate_page(contest, cert_id, revoke_form=form, status=400)
    db.session.commit()
    flash(_("Certificate %(number)s is revoked.", number=cert.number), "success")
    return redirect(url_for(".certificate", slug=slug, cert_id=cert_id))


@bp.post("/c/<slug>/organize/register/<int:cert_id>/reissue")
@role_required(Role.ORGANIZER)
def reissue_certificate(slug: str, cert_id: int):
    contest = contest_or_404(slug)
    cert = certificate_by_id(contest, cert_id) or abort(404)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        return _certificate_page(contest, cert_id, reissue_form=form, status=400)
    try:
        new = reissue(cert, form.reason.data, actor=current_user, name=form.name.data)
    except RegisterError as exc:
        db.session.rollback()
        form.reason.errors = [str(exc)]
        return _certificate_page(contest, cert_id, reissue_form=form, status=400)
    db.session.commit()
    flash(_("Certificate %(old)s is reissued as %(new)s.", old=cert.number, new=new.number), "success")
    return redirect(url_for(".certificate", slug=slug, cert_id=new.id))


def list_kind_or_404(contest: Contest, code: str) -> DocumentKind:
    kind = document_kind(contest, code)
    if kind is None or kind.awarded_to is not AwardedTo.LIST:
        abort(404)
    return kind


def _recipients_page(contest: Contest, kind: DocumentKind, typed=None, errors=None,
                     file_form=None, status: int = 200):
    issued = issued_recipient_ids(kind)
    pending = [r for r in kind.recipients if r.id not in issued]
    if typed is None:
        typed = [dict(name=r.name, kind="collective" if r.collective else "individual", unit=r.unit,
                      reason=r.reason) for r in pending]
    blank = dict(name="", kind="individual", unit="", reason="")
    rows = typed + [dict(blank) for _ in range(3 if typed else 5)]
    return render_template(
        "certificates/recipients.html", contest=contest, kind=kind, rows=rows, errors=errors or [],
        issued=[(r, issued[r.id]) for r in kind.recipients if r.id in issued],
        form=RecipientsForm(formdata=None), file_form=file_form or RecipientFileForm(formdata=None),
    ), status


@bp.get("/c/<slug>/organize/certificates/<doc_code>/recipients")
@role_required(Role.ORGANIZER)
def recipients(slug: str, doc_code: str):
    contest = contest_or_404(slug)
    return _recipients_page(contest, list_kind_or_404(contest, doc_code))


@bp.post("/c/<slug>/organize/certificates/<doc_code>/recipients")
@role_required(Role.ORGANIZER)
def save_recipients(slug: str, doc_code: str):
    """The editor's rows, all valid or nothing saved (and everything typed shown again)."""
    contest = contest_or_404(slug)
    kind = list_kind_or_404(contest, doc_code)
    if not RecipientsForm().validate_on_submit():
        abort(400)
    typed, lines, problems = lines_from_form(request.form)
    if problems:
        return _recipients_page(contest, kind, typed=typed, errors=problem_messages(problems), status=400)
    return _saved(contest, kind, lines, "browser")


def _saved(contest: Contest, kind: DocumentKind, lines, source: str):
    try:
        summary = replace_pending_recipients(kind, lines, actor=current_user, source=source)
    except RecipientsError as exc:
        db.session.rollback()
        return _recipients_page(contest, kind, errors=exc.messages, status=400)
    db.session.commit()
    flash(_("The list is saved: %(count)d lines.", count=summary.kept + summary.added), "success")
    if summary.issued:
        flash(_("Certificates %(first)s to %(last)s are issued to the new lines.",
                first=summary.issued[0].number, last=summary.issued[-1].number), "success")
    return redirect(url_for(".recipients", slug=contest.slug, doc_code=kind.code))


@bp.post("/c/<slug>/organize/certificates/<doc_code>/recipients/import")
@role_required(Role.ORGANIZER)
def import_recipients(slug: str, doc_code: str):
    contest = contest_or_404(slug)
    kind = list_kind_or_404(contest, doc_code)
    form = RecipientFileForm()
    if not form.validate_on_submit():
        return _recipients_page(contest, kind, file_form=form, status=400)
    upload = form.file.data
    try:
        lines = read_recipient_file(upload.read(), upload.filename or "recipients.csv")
    except CsvImportError as exc:
        return _recipients_page(contest, kind, errors=[_("Nothing was imported:")] + exc.errors,
                                file_form=form, status=400)
    return _saved(contest, kind, lines, "import")
