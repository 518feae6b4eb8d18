"""Organizer pages that correct the jury: conflicts of interest, moving or discarding a
sheet, a judge who drops out, and the score history of an entry and of a judge."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice
from sqlalchemy import select

from contest.auth.access import role_required
from contest.entries.services import entry_in_contest
from contest.extensions import db
from contest.judging.conflicts import (
    ConflictError,
    declare_conflict,
    discard_sheet,
    drop_judge,
    lift_conflict,
    reassign_sheet,
)
from contest.judging.forms import AddConflictForm, DropJudgeForm, ReasonForm, ReassignForm
from contest.judging.history import HISTORY_SHOWN, entry_history, judge_history
from contest.judging.services import judges
from contest.judging.views import bp
from contest.models import Assignment, Conflict, ConflictSource, Role, User
from contest.public.views import contest_or_404


def _entry(slug: str, code: str):
    contest = contest_or_404(slug)
    entry = entry_in_contest(slug, code) or abort(404)
    return contest, entry


def _back(slug: str, code: str):
    return redirect(url_for("admin.entry", slug=slug, code=code))


def _refused(exc: ConflictError | None = None, form=None) -> None:
    db.session.rollback()
    messages = [str(exc)] if exc is not None else [e for f in form for e in f.errors]
    for message in messages:
        flash(message, "danger")
    flash(_("Nothing was changed."), "danger")


@bp.post("/c/<slug>/organize/entries/<code>/conflicts")
@role_required(Role.ORGANIZER)
def add_conflict(slug: str, code: str):
    contest, entry = _entry(slug, code)
    form = AddConflictForm()
    form.judge.choices = [SelectChoice(u.id, u.name) for u in judges()]
    if not form.validate_on_submit():
        _refused(form=form)
        return _back(slug, code)
    try:
        declare_conflict(contest, entry, db.session.get(User, form.judge.data), form.reason.data,
                         actor=current_user, source=ConflictSource.ORGANIZER)
    except ConflictError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("Conflict of interest recorded."), "success")
    return _back(slug, code)


@bp.post("/c/<slug>/organize/entries/<code>/conflicts/<int:conflict_id>/lift")
@role_required(Role.ORGANIZER)
def lift(slug: str, code: str, conflict_id: int):
    entry = _entry(slug, code)[1]
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.entry_id != entry.id:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        _refused(form=form)
        return _back(slug, code)
    try:
        lift_conflict(conflict, form.reason.data, actor=current_user)
    except ConflictError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The conflict of interest is lifted."), "success")
    return _back(slug, code)


def _sheet(entry, sheet_id: int) -> Assignment:
    sheet = db.session.get(Assignment, sheet_id)
    if sheet is None or sheet.entry_id != entry.id:
        abort(404)
    return sheet


@bp.post("/c/<slug>/organize/entries/<code>/sheets/<int:sheet_id>/reassign")
@role_required(Role.ORGANIZER)
def reassign(slug: str, code: str, sheet_id: int):
    entry = _entry(slug, code)[1]
    sheet = _sheet(entry, sheet_id)
    form = ReassignForm()
    form.judge.choices = [SelectChoice(u.id, u.name) for u in judges()]
    if not form.validate_on_submit():
        _refused(form=form)
        return _back(slug, code)
    try:
        new = reassign_sheet(sheet, db.session.get(User, form.judge.data), actor=current_user)
    except ConflictError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The sheet now goes to %(name)s.", name=new.judge.name), "success")
    return _back(slug, code)


@bp.post("/c/<slug>/organize/entries/<code>/sheets/<int:sheet_id>/discard")
@role_required(Role.ORGANIZER)
def discard(slug: str, code: str, sheet_id: int):
    entry = _entry(slug, code)[1]
    sheet = _sheet(entry, sheet_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        _refused(form=form)
        return _back(slug, code)
    try:
        moved_to = discard_sheet(sheet, form.reason.data, actor=current_user)
    except ConflictError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The sheet was discarded; %(name)s reads the entry instead.", name=moved_to.name)
              if moved_to else _("The sheet was discarded; no other judge is free for this entry."),
              "success")
    return _back(slug, code)


@bp.get("/c/<slug>/organize/entries/<code>/history")
@role_required(Role.ORGANIZER)
def entry_history_page(slug: str, code: str):
    contest, entry = _entry(slug, code)
    return render_template("judging/history.html", contest=contest, entry=entry, judge=None,
                           lines=entry_history(entry), shown=HISTORY_SHOWN)


def _judge(judge_id: int) -> User:
    judge = db.session.get(User, judge_id)
    if judge is None or not judge.has_role(Role.JUDGE):
        abort(404)
    return judge


@bp.get("/c/<slug>/organize/judges/<int:judge_id>/history")
@role_required(Role.ORGANIZER)
def judge_history_page(slug: str, judge_id: int):
    contest = contest_or_404(slug)
    judge = _judge(judge_id)
    sheets = db.session.scalar(select(db.func.count(Assignment.id)).where(
        Assignment.round_id == contest.current_round.id, Assignment.judge_id == judge.id))
    return render_template("judging/history.html", contest=contest, entry=None, judge=judge,
                           lines=judge_history(contest, judge), shown=HISTORY_SHOWN,
                           sheets=sheets, drop_form=DropJudgeForm(formdata=None))


@bp.post("/c/<slug>/organize/judges/<int:judge_id>/drop")
@role_required(Role.ORGANIZER)
def drop(slug: str, judge_id: int):
    contest = contest_or_404(slug)
    judge = _judge(judge_id)
    form = DropJudgeForm()
    back = redirect(url_for(".judge_history_page", slug=slug, judge_id=judge_id))
    if not form.validate_on_submit():
        _refused(form=form)
        return back
    try:
        moved, discarded = drop_judge(contest, judge, actor=current_user,
                                      discard_submitted=form.discard_submitted.data,
                                      reason=form.reason.data or "")
    except ConflictError as exc:
        _refused(exc)
        return back
    db.session.commit()
    flash(_("%(name)s is off the panel: %(moved)s sheets moved to other judges, %(discarded)s "
            "submitted sheets discarded.", name=judge.name, moved=moved, discarded=discarded), "success")
    return redirect(url_for(".judges_page", slug=slug))
