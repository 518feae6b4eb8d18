"""Organizer pages: all contests, a contest's dashboard, its settings and its entries."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from contest.admin.forms import EntrySearchForm, SettingsForm
from contest.admin.paperwork_form import PaperworkForm
from contest.admin.entries_list import (
    ENTRIES_PER_PAGE,
    MAX_PAGE,
    entries_query,
    entries_workbook,
    likely_duplicates,
)
from contest.admin.services import (
    contest_summaries,
    dashboard_counts,
    entry_of,
    sheets_of,
    update_contest_settings,
)
from contest.admin.setup import SetupError
from contest.auth.access import role_required
from contest.bad_input import int_arg
from contest.entries.services import release_file as release
from contest.extensions import db
from contest.judging.conflicts import active_conflicts
from contest.judging.forms import AddConflictForm, ReasonForm, ReassignForm
from contest.judging.services import JudgingError, judges, start_judging
from contest.labels import STATUS_LABELS
from contest.models import Role
from contest.public.views import contest_or_404

bp = Blueprint("admin", __name__)

IDENTITY_HITS = {
    "author": (_l("The author's name “%(text)s” appears on page %(page)s."),
               _l("The author's name “%(text)s” appears in the text.")),
    "organization": (_l("The organization “%(text)s” appears on page %(page)s."),
                     _l("The organization “%(text)s” appears in the text.")),
    "email": (_l("The e-mail %(text)s appears on page %(page)s."),
              _l("The e-mail %(text)s appears in the text.")),
    "phone": (_l("The phone number %(text)s appears on page %(page)s."),
              _l("The phone number %(text)s appears in the text.")),
}


def identity_hit_text(hit: dict) -> str:
    on_page, in_text = IDENTITY_HITS[hit["kind"]]
    return str(on_page if hit.get("page") else in_text) % hit


def this_page_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one): sort links, export."""
    args = request.args.to_dict()
    args.update(changes)
    args = {k: v for k, v in args.items() if v not in (None, "")}
    endpoint = args.pop("_endpoint", request.endpoint)
    return url_for(endpoint, **request.view_args, **args)


@bp.context_processor
def labels() -> dict:
    return {"identity_hit_text": identity_hit_text, "this_page_with": this_page_with}


@bp.get("/organize/")
@role_required(Role.ORGANIZER)
def index():
    return render_template("admin/index.html", summaries=contest_summaries())


@bp.get("/c/<slug>/organize/")
@role_required(Role.ORGANIZER)
def dashboard(slug: str):
    contest = contest_or_404(slug)
    return render_template("admin/dashboard.html", contest=contest, counts=dashboard_counts(contest))


@bp.post("/c/<slug>/organize/start-judging")
@role_required(Role.ORGANIZER)
def start_judging_now(slug: str):
    contest = contest_or_404(slug)
    try:
        start_judging(contest, actor=current_user)
    except JudgingError:
        flash(_("Judging has already started: submissions are closed."), "warning")
    else:
        db.session.commit()
        flash(_("Judging has started. Submissions are closed."), "success")
    return redirect(url_for(".dashboard", slug=slug))


def settings_saved(form, change: Callable[[], object]) -> bool:
    """Commit what ``change`` does; or roll it back and put its SetupError's problems on ``form``."""
    try:
        change()
    except SetupError as exc:
        db.session.rollback()
        form.attach_setup_errors(exc.errors)
        return False
    db.session.commit()
    return True


@bp.route("/c/<slug>/organize/settings", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def settings(slug: str):
    contest = contest_or_404(slug)
    if request.method == "POST" and contest.is_locked:
        flash(_("This contest is finalized: its settings can no longer change."), "danger")
        return redirect(url_for(".settings", slug=slug))
    form = SettingsForm(data=None if request.method == "POST" else SettingsForm.initial_data(contest))
    if form.validate_on_submit() and settings_saved(
            form, lambda: update_contest_settings(contest, form.changes(), actor=current_user)):
        flash(_("The settings are saved."), "success")
        return redirect(url_for(".settings", slug=slug))
    paperwork_form = PaperworkForm(formdata=None, prefix=PaperworkForm.PREFIX,
                                   data=PaperworkForm.initial_data(contest.paperwork))
    return render_template("admin/settings.html", contest=contest, form=form, paperwork_form=paperwork_form)


@bp.get("/c/<slug>/organize/entries")
@role_required(Role.ORGANIZER)
def entries(slug: str):
    contest = contest_or_404(slug)
    form = EntrySearchForm(request.args).for_contest(contest, STATUS_LABELS)
    wanted = form.wanted(contest)
    sort, descending = form.ordering()
    page = db.paginate(entries_query(contest, wanted, sort, descending), page=int_arg("page", 1, MAX_PAGE),
                       per_page=ENTRIES_PER_PAGE, error_out=False)
    return render_template("admin/entries.html", contest=contest, form=form, page=page, wanted=wanted,
                           sort=sort, descending=descending,
                           duplicates=likely_duplicates(contest, page.items))


@bp.get("/c/<slug>/organize/entries.xlsx")
@role_required(Role.ORGANIZER)
def entries_xlsx(slug: str):
    """The entries the list shows (every page), as a workbook that imports back unchanged."""
    contest = contest_or_404(slug)
    form = EntrySearchForm(request.args).for_contest(contest, STATUS_LABELS)
    sort, descending = form.ordering()
    workbook = entries_workbook(contest, entries_query(contest, form.wanted(contest), sort, descending))
    return send_file(BytesIO(workbook), as_attachment=True, download_name=f"{contest.slug}-entries.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/c/<slug>/organize/entries/<code>")
@role_required(Role.ORGANIZER)
def entry(slug: str, code: str):
    contest = contest_or_404(slug)
    entry = entry_of(contest, code)
    panel = [SelectChoice(u.id, u.name) for u in judges()]
    conflict_form = AddConflictForm(formdata=None)
    conflict_form.judge.choices = panel
    reassign_form = ReassignForm(formdata=None)
    reassign_form.judge.choices = panel
    return render_template("admin/entry.html", contest=contest, entry=entry, sheets=sheets_of(entry),
                           conflicts=active_conflicts(contest, entry), conflict_form=conflict_form,
                           reassign_form=reassign_form, reason_form=ReasonForm(formdata=None))


@bp.post("/c/<slug>/organize/entries/<code>/files/<int:file_id>/release")
@role_required(Role.ORGANIZER)
def release_file(slug: str, code: str, file_id: int):
    """The organizers checked a file the app could not clean: judges may read it as is."""
    contest = contest_or_404(slug)
    entry = entry_of(contest, code)
    stored = next((f for f in entry.files if f.id == file_id), None) or abort(404)
    if contest.is_locked:
        flash(_("This contest is finalized: its files can no longer change."), "danger")
    else:
        release(stored, actor=current_user)
        db.session.commit()
        flash(_("Judges can now read this file."), "success")
    return redirect(url_for(".entry", slug=slug, code=code))
