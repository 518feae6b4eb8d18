"""Author pages: my entries, submit, receipt, edit, and downloads of files and certificates."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from contest.auth.access import role_required
from contest.certificates.rendering import render_certificates
from contest.certificates.services import certificate_view, certificates_for_entry
from contest.entries.forms import EntryForm, WithdrawForm
from contest.entries.services import (
    AddressNotConfirmed,
    NotWithdrawable,
    SubmissionClosed,
    UploadRejected,
    author_entries,
    contact_defaults,
    create_entry,
    entry_in_contest,
    save_draft,
    submit_draft,
    update_entry,
    upload_path,
    withdraw_entry,
)
from contest.extensions import db
from contest.models import Contest, ContestPhase, Entry, Role
from contest.models.types import utcnow
from contest.public.views import contest_or_404

bp = Blueprint("entries", __name__)


def visible_entry(slug: str, code: str) -> Entry:
    """The entry, for its author or an organizer; 404 for everyone else."""
    entry = entry_in_contest(slug, code)
    if entry is None or not entry.can_be_seen_by(current_user):
        abort(404)
    return entry


REFUSALS = (SubmissionClosed, UploadRejected, AddressNotConfirmed)


def refusal_message(exc: SubmissionClosed | UploadRejected | AddressNotConfirmed) -> str:
    """What the author reads when the service refused the submission or the edit."""
    if isinstance(exc, AddressNotConfirmed):
        return _("Confirm your e-mail address first: open the link we sent to %(email)s. "
                 "Nothing was sent yet; choose your files again after confirming.", email=str(exc))
    if isinstance(exc, SubmissionClosed):
        return _("This contest does not accept entries or changes now. Nothing was saved.")
    return _("%(why)s Nothing was saved.", why=str(exc.message))


@bp.get("/my/entries")
@role_required(Role.AUTHOR)
def mine():
    return render_template("entries/mine.html", rows=author_entries(current_user), now=utcnow())


@bp.route("/c/<slug>/submit", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def new(slug: str):
    contest: Contest = contest_or_404(slug)
    form = EntryForm(contest, data=contact_defaults(current_user))
    if form.validate_on_submit():
        try:
            if form.saving_draft:
                entry = save_draft(contest, form.entry_fields(), form.uploads, current_user)
            else:
                entry = create_entry(contest, form.entry_fields(), form.uploads,
                                     submitted_by=current_user)
        except REFUSALS as exc:
            db.session.rollback()
            flash(refusal_message(exc), "danger")
        else:
            db.session.commit()
            return saved(entry)
    return render_template("entries/form.html", contest=contest, form=form, entry=None, now=utcnow())


def saved(entry: Entry):
    """Where the author goes once the entry is stored: back to a draft, or to the receipt."""
    if entry.is_draft:
        flash(_("Your draft is saved. It is not submitted yet: submit it before the deadline."),
              "info")
        return redirect(url_for("entries.edit", slug=entry.contest.slug, code=entry.code))
    flash(_("Your entry was received. Its code is %(code)s.", code=entry.code), "success")
    return redirect(url_for("entries.receipt", slug=entry.contest.slug, code=entry.code))


@bp.get("/c/<slug>/entries/<code>")
@login_required
def receipt(slug: str, code: str):
    entry = visible_entry(slug, code)
    if entry.is_draft and entry.submitted_by_id == current_user.id:
        return redirect(url_for("entries.edit", slug=slug, code=code))
    return render_template("entries/receipt.html", entry=entry, contest=entry.contest, now=utcnow(),
                           withdraw_form=WithdrawForm())


@bp.route("/c/<slug>/entries/<code>/edit", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def edit(slug: str, code: str):
    entry = visible_entry(slug, code)
    if entry.submitted_by_id != current_user.id:
        abort(403)
    form = EntryForm.for_entry(entry)
    if form.validate_on_submit():
        was_draft = entry.is_draft
        removing = set(form.remove_files.data)
        try:
            if was_draft and form.saving_draft:
                save_draft(entry.contest, form.entry_fields(), form.uploads, current_user,
                           entry=entry, remove_file_ids=removing)
            elif was_draft:
                submit_draft(entry, form.entry_fields(), form.uploads, removing, current_user)
            else:
                update_entry(entry, form.entry_fields(), form.uploads, removing, actor=current_user)
        except REFUSALS as exc:
            db.session.rollback()
            flash(refusal_message(exc), "danger")
        else:
            db.session.commit()
            if was_draft:
                return saved(entry)
            flash(_("Your changes to %(code)s are saved.", code=entry.code), "success")
            return redirect(url_for("entries.receipt", slug=slug, code=entry.code))
    return render_template("entries/form.html", contest=entry.contest, form=form, entry=entry,
                           now=utcnow())


@bp.post("/c/<slug>/entries/<code>/withdraw")
@role_required(Role.AUTHOR)
def withdraw(slug: str, code: str):
    entry = visible_entry(slug, code)
    if entry.submitted_by_id != current_user.id:
        abort(403)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give a reason to withdraw the entry. Nothing was changed."), "danger")
    else:
        try:
            withdraw_entry(entry, form.reason.data, actor=current_user)
        except NotWithdrawable:
            db.session.rollback()
            flash(_("This entry can no longer be withdrawn: the deadline has passed, or it is "
                    "withdrawn already."), "danger")
        else:
            db.session.commit()
            flash(_("Entry %(code)s is withdrawn. It will not be judged.", code=entry.code), "info")
    return redirect(url_for("entries.receipt", slug=slug, code=entry.code))


@bp.get("/c/<slug>/entries/<code>/files/<int:file_id>")
@login_required
def download_file(slug: str, code: str, file_id: int):
    entry = visible_entry(slug, code)
    stored = next((f for f in entry.files if f.id == file_id), None)
    if stored is None or not upload_path(stored).is_file():
        abort(404)
    return send_file(upload_path(stored), mimetype=stored.content_type, as_attachment=True,
                     download_name=stored.original_name)


@bp.get("/c/<slug>/entries/<code>/certificates/<doc_code>.pdf")
@login_required
def certificate(slug: str, code: str, doc_code: str):
    entry = visible_entry(slug, code)
    if entry.contest.phase is not ContestPhase.PUBLISHED:
        abort(404)
    # One certificate naming all the authors, or (per author) one page for each of them.
    certs = [c for c in certificates_for_entry(entry) if c.document_kind.code == doc_code]
    if not certs:
        abort(404)
    pdf = render_certificates([certificate_view(c) for c in certs])
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{doc_code}-{entry.code}.pdf")
