"""Judge pages (blind reading and score sheets) and the organizer's judging pages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from contest.auth.access import role_required
from contest.auth.services import AccountError
from contest.domain.assignment import AssignmentError
from contest.domain.points import PointsProblem
from contest.domain.scoring import format_score
from contest.entries.services import blind_path
from contest.judging.conflicts import ConflictError, declare_conflict
from contest.extensions import db
from contest.judging.forms import (
    AddJudgeForm,
    AssignJudgesForm,
    AssignMode,
    DeclareConflictForm,
    ScoreSheetForm,
    points_field_name,
    points_text,
)
from contest.judging.services import (
    JudgingError,
    SheetErrors,
    add_judge,
    assign_judges,
    judge_loads,
    judges,
    judging_overview,
    save_sheet,
)
from contest.judging.sheet_counts import sheet_counts
from contest.judging.worklist import (
    SheetFilter,
    SheetState,
    judge_assignment,
    judge_contests,
    judge_sheets,
    judged_contest,
    next_to_do,
    sheet_neighbours,
    sheet_state,
    sheet_total,
)
from contest.models import (
    Assignment,
    ConflictSource,
    Contest,
    ContestPhase,
    Entry,
    EntryFile,
    Role,
    ScoreSource,
)
from contest.models.types import utcnow
from contest.public.views import contest_or_404
from contest.results.cache import contest_with_version

bp = Blueprint("judging", __name__)

SHEET_MESSAGES = {
    PointsProblem.MISSING: _l("Give a score for “%(name)s” before submitting."),
    PointsProblem.OUT_OF_RANGE: _l("“%(name)s”: enter a number from 0 to %(max)s."),
    PointsProblem.TOO_PRECISE: _l("“%(name)s” is scored in steps of %(step)s: %(value)s has too many decimals."),
    PointsProblem.OFF_STEP: _l("“%(name)s” is scored in steps of %(step)s: %(value)s is not one of them."),
}
NOTHING_SAVED = _l("Nothing was saved. Please correct the scores marked below.")


SOURCE_LABELS = {
    ScoreSource.SHEET.value: _l("score sheet"),
    ScoreSource.AUTOSAVE.value: _l("draft saved while typing"),
    ScoreSource.IMPORT.value: _l("import"),
    ScoreSource.CORRECTION.value: _l("organizer's correction"),
}
STATE_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "removed": _l("Withdrawn"),
                "none": "—"}


@bp.context_processor
def judging_helpers() -> dict:
    return {"points_text": points_text, "source_labels": SOURCE_LABELS, "state_labels": STATE_LABELS,
            "score_text": format_score, "SheetState": SheetState, "SheetFilter": SheetFilter}


# Judges ---------------------------------------------------------------------------------


@bp.get("/judge/")
@role_required(Role.JUDGE)
def dashboard():
    return render_template("judging/dashboard.html", rows=judge_contests(current_user))


@bp.get("/c/<slug>/judge/")
@role_required(Role.JUDGE)
def sheets(slug: str):
    contest = judged_contest(slug) or abort(404)
    rows = judge_sheets(contest, current_user)
    try:
        which = SheetFilter(request.args.get("show", SheetFilter.TODO))
    except ValueError:
        which = SheetFilter.TODO
    done = sum(row.state is SheetState.SUBMITTED for row in rows)
    return render_template("judging/sheets.html", contest=contest, rows=rows, which=which,
                           shown=[row for row in rows if row.shown_by(which)], done=done,
                           first_to_do=next((row.code for row in rows
                                             if row.state is not SheetState.SUBMITTED), None))


@bp.route("/c/<slug>/judge/<code>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def score(slug: str, code: str):
    contest = contest_or_404(slug)
    assignment = judge_assignment(contest, current_user, code) or abort(404)
    form = ScoreSheetForm.for_criteria(contest.criteria, data=sheet_data(assignment))
    if form.is_submitted():
        if contest.phase is not ContestPhase.JUDGING:
            flash(_("Scores can no longer be changed in this contest."), "danger")
        elif not form.validate():
            flash(str(NOTHING_SAVED), "danger")
        elif (done := store_sheet(contest, form, assignment)) is not None:
            return done
    return render_score_page(contest, assignment, form)


def render_score_page(contest: Contest, assignment: Assignment, form: ScoreSheetForm,
                      conflict_form: DeclareConflictForm | None = None):
    return render_template(
        "judging/score.html", contest=contest, assignment=assignment, entry=assignment.entry,
        form=form, state=sheet_state(assignment), total=sheet_total(contest, assignment),
        max_total=sum(c.max_points * c.weight for c in contest.criteria),
        neighbours=sheet_neighbours(contest, current_user, assignment.entry.code),
        conflict_form=conflict_form or DeclareConflictForm(formdata=None),
    )


def sheet_data(assignment: Assignment) -> dict:
    data = {points_field_name(s.criterion_id): s.points for s in assignment.scores}
    return data | {"comment": assignment.comment}


def point_messages(form: ScoreSheetForm, errors: SheetErrors) -> None:
    """Put the service's per-criterion problems on the fields, in the page's language."""
    for criterion in form.criteria:
        if (problem := errors.by_criterion.get(criterion.id)) is not None:
            field = form.points_field(criterion)
            field.errors.append(SHEET_MESSAGES[problem] % {
                "name": criterion.name, "max": points_text(criterion.max_points),
                "step": points_text(criterion.step), "value": points_text(field.data)})


def store_sheet(contest: Contest, form: ScoreSheetForm, assignment: Assignment):
    """Save or submit; the redirect to follow, or None with the errors put on the form."""
    submit = bool(form.submit_scores.data)
    try:
        save_sheet(assignment, form.points(), form.comment.data or "", submit, actor=current_user)
    except SheetErrors as errors:
        db.session.rollback()
        point_messages(form, errors)
        for message in errors.general:
            flash(str(message), "danger")
        flash(str(NOTHING_SAVED), "danger")
        return None
    db.session.commit()
    code = assignment.entry.code
    if not assignment.is_submitted:
        flash(_("Draft saved for %(code)s. It is not submitted yet.", code=code), "success")
        return redirect(url_for(".score", slug=contest.slug, code=code))
    flash(_("Scores for %(code)s submitted: total %(total)s.", code=code,
            total=format_score(sheet_total(contest, assignment))), "success")
    following = next_to_do(contest, current_user, code)
    if following is None:
        flash(_("All your score sheets in this contest are submitted. Thank you!"), "success")
        return redirect(url_for(".sheets", slug=contest.slug, show=SheetFilter.ALL))
    return redirect(url_for(".score", slug=contest.slug, code=following))


@bp.post("/c/<slug>/judge/<code>/autosave")
@role_required(Role.JUDGE)
def autosave(slug: str, code: str):
    """The score page saving a draft while the judge types: JSON, never a redirect.

    A submitted sheet is not touched: corrections are submitted explicitly.
    """
    contest = contest_or_404(slug)
    assignment = judge_assignment(contest, current_user, code) or abort(404)
    form = ScoreSheetForm.for_criteria(contest.criteria)
    if assignment.is_submitted or contest.phase is not ContestPhase.JUDGING:
        return jsonify(saved=False, reason="not_a_draft"), 409
    if not form.validate():
        return jsonify(saved=False, errors={f.name: [str(e) for e in f.errors]
                                            for f in form if f.errors}), 422
    try:
        save_sheet(assignment, form.points(), form.comment.data or "", submit=False,
                   actor=current_user, source=ScoreSource.AUTOSAVE)
    except SheetErrors as errors:
        db.session.rollback()
        point_messages(form, errors)
        return jsonify(saved=False, errors={f.name: list(map(str, f.errors)) for f in form if f.errors},
                       general=[str(m) for m in errors.general]), 422
    db.session.commit()
    saved_at = utcnow().astimezone(contest.tz).strftime("%H:%M")
    return jsonify(saved=True, saved_at=saved_at,
                   message=_("Draft saved at %(time)s.", time=saved_at))


@bp.post("/c/<slug>/judge/<code>/conflict")
@role_required(Role.JUDGE)
def conflict(slug: str, code: str):
    """The judge knows the author (or another reason): the sheet goes to another judge."""
    contest = contest_or_404(slug)
    assignment = judge_assignment(contest, current_user, code) or abort(404)
    form = DeclareConflictForm()
    if form.validate_on_submit():
        try:
            declare_conflict(contest, assignment.entry, current_user, form.reason.data,
                             actor=current_user, source=ConflictSource.JUDGE)
        except ConflictError as exc:
            db.session.rollback()
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Thank you. %(code)s was taken off your list and goes to another judge.",
                    code=code), "success")
            return redirect(url_for(".sheets", slug=slug))
    sheet_form = ScoreSheetForm.for_criteria(contest.criteria, formdata=None,
                                             data=sheet_data(assignment))
    return render_score_page(contest, assignment, sheet_form, conflict_form=form)


@bp.get("/c/<slug>/judge/<code>/files/<int:file_id>")
@role_required(Role.JUDGE)
def entry_file(slug: str, code: str, file_id: int):
    """The blind copy of an entry's file, shown in the browser, named by the entry code only."""
    contest = contest_or_404(slug)
    assignment = judge_assignment(contest, current_user, code) or abort(404)
    numbered: list[tuple[int, EntryFile]] = list(enumerate(assignment.entry.files, start=1))
    number, stored = next(((n, f) for n, f in numbered if f.id == file_id), (None, None))
    path = blind_path(stored) if stored is not None else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.content_type, max_age=0, as_attachment=False,
                         download_name=f"{code}-{number}.{stored.extension}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Organizers -----------------------------------------------------------------------------


def render_judges_page(contest: Contest, add_form: AddJudgeForm | None = None,
                       assign_form: AssignJudgesForm | None = None, version: int | None = None):
    counts = sheet_counts(contest.current_round, version=version)
    loads = judge_loads(contest, counts)
    if assign_form is None:
        # The open round's own setting, when the settings file gave one.
        per_entry = contest.current_round.per_entry
        assign_form = AssignJudgesForm(formdata=None, judges=[p.judge.id for p in loads],
                                       **({"per_entry": per_entry} if per_entry else {}))
    return render_template(
        # The judges page lists no entry: only the overview's counts.
        "judging/judges.html", contest=contest, loads=loads,
        overview=judging_overview(contest, shown=0, counts=counts),
        add_form=add_form or AddJudgeForm(formdata=None), assign_form=assign_form,
    )


@bp.get("/c/<slug>/organize/judges")
@role_required(Role.ORGANIZER)
def judges_page(slug: str):
    contest, version = contest_with_version(slug)
    return render_judges_page(contest, version=version)


@bp.post("/c/<slug>/organize/judges/add")
@role_required(Role.ORGANIZER)
def add_judge_account(slug: str):
    contest = contest_or_404(slug)
    form = AddJudgeForm()
    if form.validate_on_submit():
        try:
            user, created = add_judge(form.email.data, form.name.data, form.password.data,
                                      actor=current_user, organization=form.organization.data,
                                      district=form.district.data)
        except AccountError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Judge account created for %(name)s.", name=user.name) if created else
                  _("%(name)s already had an account and can now judge with its password.",
                    name=user.name), "success")
            return redirect(url_for(".judges_page", slug=slug))
    return render_judges_page(contest, add_form=form)


@bp.post("/c/<slug>/organize/judges/assign")
@role_required(Role.ORGANIZER)
def assign(slug: str):
    contest = contest_or_404(slug)
    panel = {u.id: u for u in judges()}
    form = AssignJudgesForm()
    form.judges.choices = [SelectChoice(u.id, u.name) for u in panel.values()]
    if contest.phase is not ContestPhase.JUDGING:
        flash(_("Judges can be assigned only while the contest is being judged."), "danger")
    elif form.validate_on_submit():
        per_entry = form.per_entry.data if form.mode.data == AssignMode.BALANCED else None
        try:
            added = assign_judges(contest, [panel[i] for i in form.judges.data], per_entry,
                                  actor=current_user)
        except JudgingError as exc:
            form.judges.errors.append(str(exc))
        except AssignmentError as exc:
            form.judges.errors.append(assignment_refusal(exc))
        else:
            db.session.commit()
            flash(ngettext("%(num)d assignment added.", "%(num)d assignments added.", added) if added else
                  _("Nothing to add: every entry already has its judges."), "success")
            return redirect(url_for(".judges_page", slug=slug))
    return render_judges_page(contest, assign_form=form)


def assignment_refusal(exc: AssignmentError) -> str:
    """Why the judges could not be assigned, in the page's language."""
    if exc.entry is not None:
        entry = db.session.get(Entry, exc.entry)
        return _("Only %(available)s of the chosen judges can read entry %(code)s, and %(k)s are needed.",
                 available=exc.available, code=entry.code if entry else exc.entry, k=exc.per_entry)
    if exc.per_entry < 1:
        return _("Give at least one judge per entry.")
    return _("%(k)s judges per entry need at least %(k)s judges chosen; you chose %(chosen)s.",
             k=exc.per_entry, chosen=exc.available)
