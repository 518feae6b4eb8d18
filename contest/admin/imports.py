"""The organizer's import of entries from a CSV or XLSX file: preview what changes, then apply it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.admin.forms import ApplyEntryImportForm, EntryUploadForm
from contest.admin.views import bp
from contest.auth.access import role_required
from contest.entries.importing import ENTRY_COLUMNS, apply_entry_import, plan_entry_import
from contest.held_uploads import HeldUploads, upload_expired
from contest.importing import CsvImportError
from contest.models import Contest, Role
from contest.public.views import contest_or_404


# Uploaded lists waiting for the organizer to apply them.
HELD = HeldUploads("entry-imports")


def _page(contest: Contest, form=None, plan=None, apply_form=None, errors=()):
    return render_template("admin/import_entries.html", contest=contest,
                           form=form or EntryUploadForm(formdata=None), plan=plan,
                           apply_form=apply_form, errors=list(errors), columns=ENTRY_COLUMNS)


@bp.route("/c/<slug>/organize/entries/import", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def import_entries_page(slug: str):
    contest = contest_or_404(slug)
    form = EntryUploadForm()
    if not form.validate_on_submit():
        return _page(contest, form)
    try:
        held, plan = HELD.preview(contest, form.file.data, lambda raw, name: plan_entry_import(contest, raw, name))
    except CsvImportError as exc:
        return _page(contest, form, errors=exc.errors)
    return _page(contest, form, plan=plan, apply_form=ApplyEntryImportForm(formdata=None, token=held.token))


@bp.post("/c/<slug>/organize/entries/import/apply")
@role_required(Role.ORGANIZER)
def apply_entry_import_page(slug: str):
    contest = contest_or_404(slug)
    form = ApplyEntryImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        # Checked again: entries may have changed since the preview.
        summary = HELD.apply(contest, form.token.data, lambda raw, name: apply_entry_import(
            plan_entry_import(contest, raw, name), actor=current_user))
    except CsvImportError as exc:
        return _page(contest, errors=exc.errors)
    if summary is None:
        return upload_expired(".import_entries_page", slug)
    flash(_("%(created)s entries created, %(updated)s updated.", created=summary.created,
            updated=summary.updated), "success")
    return redirect(url_for(".entries", slug=slug))
