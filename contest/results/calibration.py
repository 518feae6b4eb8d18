"""Each judge's totals in a round against the jury's: who is harsh, who is lenient."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from contest.domain.aggregation import group_totals
from contest.domain.calibration import Spread, grouped_spreads
from contest.models import Round, User
from contest.results.totals import UNIT, RoundSheets


@dataclass(frozen=True)
class JudgeCalibration:
    judge: User
    spread: Spread | None          # None: no full sheet submitted yet
    units: list[int]               # the judge's totals in the round, in UNITs

    @property
    def totals(self) -> list[Fraction]:
        return [Fraction(t, UNIT) for t in self.units]

    @property
    def points(self) -> list[float]:
        """The totals as floats, for the charts (the same floats as the exact totals give)."""
        return [t / UNIT for t in self.units]


@dataclass(frozen=True)
class Calibration:
    judges: list[JudgeCalibration]
    jury: Spread | None
    jury_units: list[int]

    @property
    def jury_totals(self) -> list[Fraction]:
        return [Fraction(t, UNIT) for t in self.jury_units]

    @property
    def jury_points(self) -> list[float]:
        return [t / UNIT for t in self.jury_units]

    def scored(self) -> list[tuple[str, Spread]]:
        """(name, spread) of the judges with at least one full sheet."""
        return [(c.judge.name, c.spread) for c in self.judges if c.spread is not None]


def calibration(round_: Round, judges: list[User]) -> Calibration:
    """The round's full sheets as their stored totals (one query), spread per judge."""
    by_judge = group_totals(RoundSheets.full_totals(round_), by_judge=True)
    spreads, jury = grouped_spreads(by_judge, unit=UNIT)
    return Calibration(
        [JudgeCalibration(j, spreads.get(j.id), by_judge.get(j.id, [])) for j in judges],
        jury, [t for values in by_judge.values() for t in values],
    )
