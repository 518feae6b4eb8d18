"""Each sheet's stored total: Σ points × weight over its round's rubric, kept by every write.

Points are integers of hundredths and weights of thousandths, so a total is an
exact integer of 10⁻⁵ points (``UNIT`` to the point). The sheet keeps it, with
how many of the rubric's criteria it scores, so that a ranking reads one narrow
row per sheet instead of summing score rows. Whatever writes scores calls
``store_sheet_total``; whatever changes a round's rubric or its weights calls
``refresh_sheet_totals``.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, case, func, literal, select, type_coerce, update

from contest.extensions import db
from contest.models import Assignment, Contest, Criterion, Round, Score

# A total's unit: hundredths of points × thousandths of weight.
UNIT = 100_000
POINTS_UNIT = 100
WEIGHT_UNIT = 1000


def weight_units(criterion: Criterion) -> int:
    return int(criterion.weight * WEIGHT_UNIT)


def points_units(points: Decimal) -> int:
    return int(points * POINTS_UNIT)


def store_sheet_total(sheet: Assignment, rubric: list[Criterion]) -> None:
    """Put the total of ``sheet``'s scores (as they are in the session) on the sheet;
    ``rubric`` is its round's."""
    weights = {c.id: weight_units(c) for c in rubric}
    scores = [s for s in sheet.scores if s.criterion_id in weights]
    sheet.total = sum(points_units(s.points) * weights[s.criterion_id] for s in scores)
    sheet.scored = len(scores)


def rubric_weights(contest: Contest) -> dict[int, tuple[tuple[int, Decimal], ...]]:
    """Each round's rubric as (criterion id, weight): what the stored totals depend on."""
    return {r.id: tuple((c.id, c.weight) for c in r.rubric) for r in contest.rounds if r.id is not None}


def refresh_sheet_totals(round_: Round) -> None:
    """Sum every sheet of the round again from its scores, in one UPDATE."""
    rubric = round_.rubric
    in_rubric = (Score.assignment_id == Assignment.id) & Score.criterion_id.in_([c.id for c in rubric])
    weight = (case({c.id: weight_units(c) for c in rubric}, value=Score.criterion_id, else_=0)
              if rubric else literal(0))
    units = type_coerce(Score.points, Integer) * weight
    db.session.execute(
        update(Assignment).where(Assignment.round_id == round_.id).values(
            total=select(func.coalesce(func.sum(units), 0)).where(in_rubric).scalar_subquery(),
            scored=select(func.count(Score.id)).where(in_rubric).scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    # The sheets in the session hold the old values.
    for sheet in db.session.identity_map.values():
        if isinstance(sheet, Assignment) and sheet.round_id == round_.id:
            db.session.expire(sheet, ["total", "scored"])


def refresh_changed_rubrics(contest: Contest, before: dict[int, tuple]) -> None:
    """Sum again the sheets of each round whose rubric or weights differ from ``before``
    (``rubric_weights`` taken before the change)."""
    for round_id, weights in rubric_weights(contest).items():
        if before.get(round_id) != weights:
            refresh_sheet_totals(db.session.get(Round, round_id))
