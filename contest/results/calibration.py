"""Each judge's totals in a round against the jury's: who is harsh, who is lenient.

The database counts the round's full sheets per judge and distinct total (one
GROUP BY): only those counts cross into Python, however many sheets there are,
and every figure (the exact spreads, the boxes' quartiles) comes from them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, literal, select

from contest.domain.calibration import Spread, Tally, tally_spread
from contest.extensions import db
from contest.models import Assignment, Round, User
from contest.results.totals import UNIT


def _points(tally: Tally) -> Callable[[int], float]:
    """The tally's total at a position, as a float for the charts (the same float the
    exact total gives)."""
    return lambda position: tally.nth(position) / UNIT


@dataclass(frozen=True)
class JudgeCalibration:
    judge: User
    spread: Spread | None          # None: no full sheet submitted yet
    tally: Tally                   # the judge's totals in the round, in UNITs

    @property
    def points(self) -> tuple[int, Callable[[int], float]]:
        """How many totals, and the one at a position in increasing order, for the charts."""
        return self.tally.count, _points(self.tally)


@dataclass(frozen=True)
class Calibration:
    judges: list[JudgeCalibration]
    jury: Spread | None
    jury_tally: Tally

    @property
    def jury_points(self) -> tuple[int, Callable[[int], float]]:
        return self.jury_tally.count, _points(self.jury_tally)

    def scored(self) -> list[tuple[str, Spread]]:
        """(name, spread) of the judges with at least one full sheet."""
        return [(c.judge.name, c.spread) for c in self.judges if c.spread is not None]


def judge_tallies(round_: Round) -> dict[int, Tally]:
    """Each judge's totals (UNITs) over the round's full sheets, counted by the database.

    A sheet is full when it is submitted with a score for every criterion of the rubric.
    """
    full = len(round_.rubric)
    counted: dict[int, list[tuple[int, int]]] = {}
    for judge_id, total, count in db.session.connection().execute(
        select(Assignment.judge_id, Assignment.total, func.count())
        .where(Assignment.round_id == round_.id, Assignment.submitted_at.is_not(None),
               Assignment.scored == full, literal(full > 0))
        .group_by(Assignment.judge_id, Assignment.total)
    ):
        counted.setdefault(judge_id, []).append((total, count))
    return {judge_id: Tally.of(pairs) for judge_id, pairs in counted.items()}


def calibration(round_: Round, judges: list[User]) -> Calibration:
    """The round's full sheets counted per judge and total (one query), spread per judge."""
    by_judge = judge_tallies(round_)
    jury = Tally.merged(by_judge.values())
    shown = []
    for judge in judges:
        tally = by_judge.get(judge.id)
        shown.append(JudgeCalibration(judge, tally_spread(tally, UNIT) if tally else None,
                                      tally or Tally((), ())))
    return Calibration(shown, tally_spread(jury, UNIT) if by_judge else None, jury)
