"""The organizer's rounds pages: the rounds in order, closing the open one, who went on."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.auth.access import role_required
from contest.domain.assignment import AssignmentError
from contest.extensions import db
from contest.forms import Form
from contest.judging.rounds import RoundError, advancements_of, close_round, load_round_entries, plan_advance
from contest.judging.services import JudgingError
from contest.judging.views import assignment_refusal, bp
from contest.labels import ADVANCE_REASON_LABELS, METHOD_LABELS, ROUND_STATUS_LABELS
from contest.models import AdvanceReason, AdvanceRule, Contest, ContestPhase, Role, Round
from contest.public.views import contest_or_404

# Rows of the open round shown below the last one that goes on.
BELOW_THE_CUT = 10
PICK_SHOWN = 500
MISSING_SHOWN = 100


def rule_text(round_: Round) -> str:
    """The advancement rule in words: "the top 40 overall"."""
    rule = round_.advance_rule
    if rule is None:
        return _("last round: the prizes")
    if rule is AdvanceRule.TOP:
        return _("the top %(num)s overall", num=round_.advance_count)
    if rule is AdvanceRule.TOP_PER_CATEGORY:
        return _("the top %(num)s of each category", num=round_.advance_count)
    if rule is AdvanceRule.MIN_SCORE:
        return _("every entry scoring at least %(score)s", score=round_.advance_min_score)
    return _("the organizers' pick")


def weight_text(weight: Decimal) -> str:
    return format(weight.normalize(), "f")


@bp.context_processor
def round_helpers() -> dict:
    return {"rule_text": rule_text, "weight_text": weight_text, "method_labels": METHOD_LABELS,
            "round_status_labels": ROUND_STATUS_LABELS, "advance_reason_labels": ADVANCE_REASON_LABELS,
            "AdvanceReason": AdvanceReason}


def render_rounds_page(contest: Contest, picked: list[str] | None = None, errors=(), status: int = 200):
    plan = None
    current = contest.current_round
    if contest.phase is ContestPhase.JUDGING and current.next is not None:
        try:
            plan = plan_advance(contest, picked)
        except RoundError:  # codes of no entry of the round: keep the others ticked
            known = {row.code for row in plan_advance(contest, None).rows}
            plan = plan_advance(contest, [c for c in picked if c in known] or None)
    pick = plan is not None and current.advance_rule is AdvanceRule.PICK
    shown_rows = []
    if plan is not None and not plan.missing_count:
        if pick:
            shown_rows = plan.rows[:PICK_SHOWN]
        else:
            last = max((i for i, r in enumerate(plan.rows) if r.reason is not None), default=-1)
            shown_rows = plan.rows[:last + 1 + BELOW_THE_CUT]
    load_round_entries(shown_rows)
    category_names = {c.id: c.name for c in contest.categories}
    return render_template("judging/rounds.html", contest=contest, plan=plan, pick=pick,
                           shown_rows=shown_rows, shown=MISSING_SHOWN, form=Form(),
                           category_names=category_names, errors=errors), status


@bp.get("/c/<slug>/organize/rounds")
@role_required(Role.ORGANIZER)
def rounds_page(slug: str):
    return render_rounds_page(contest_or_404(slug))


@bp.post("/c/<slug>/organize/rounds/close")
@role_required(Role.ORGANIZER)
def close_round_action(slug: str):
    contest = contest_or_404(slug)
    form = Form()
    picked = request.form.getlist("pick")
    if not form.validate_on_submit():
        return render_rounds_page(contest, picked or None, [_("The form expired: please try again.")], 400)
    closing = contest.current_round
    try:
        plan = close_round(contest, current_user, picked or None)
    except (RoundError, JudgingError) as exc:
        db.session.rollback()
        return render_rounds_page(contest, picked or None, [str(exc)], 400)
    except AssignmentError as exc:
        db.session.rollback()
        return render_rounds_page(contest, picked or None, [assignment_refusal(exc)], 400)
    db.session.commit()
    flash(_("Round %(name)s is closed: %(num)s entries go on to %(next)s, and its judges are assigned.",
            name=closing.name, num=len(plan.advancing), next=plan.next.name), "success")
    return redirect(url_for(".rounds_page", slug=slug))


@bp.get("/c/<slug>/organize/rounds/<round_code>")
@role_required(Role.ORGANIZER)
def round_page(slug: str, round_code: str):
    contest = contest_or_404(slug)
    round_ = next((r for r in contest.rounds if r.code == round_code), None) or abort(404)
    advancements = advancements_of(round_)
    ties = sum(a.reason is AdvanceReason.TIE for a in advancements)
    return render_template("judging/round.html", contest=contest, round=round_,
                           advancements=advancements, ties=ties)

