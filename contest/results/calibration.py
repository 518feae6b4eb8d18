"""Each judge's totals in a round against the jury's: who is harsh, who is lenient.

The database counts the round's full sheets per judge and distinct total (one
GROUP BY, judging/sheet_counts.py): only those counts cross into Python, however
many sheets there are, and every figure (the exact spreads, the boxes' quartiles)
comes from them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contest.domain.calibration import Spread, Tally
from contest.judging.sheet_counts import SheetCounts, sheet_counts
from contest.models import Round, User
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


def calibration(round_: Round, judges: list[User], counts: SheetCounts | None = None) -> Calibration:
    """Each of ``judges``' spread beside the jury's, from the round's full sheets counted per
    judge and total (``sheet_counts``; ``counts``: those, when the caller has them)."""
    if counts is None:
        counts = sheet_counts(round_, tallies=True)
    shown = [JudgeCalibration(judge, counts.spread(judge.id), counts.tallies.get(judge.id, Tally((), ())))
             for judge in judges]
    return Calibration(shown, counts.jury_spread, counts.jury)
