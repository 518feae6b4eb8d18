"""How each judge scores compared with the whole jury: count, mean, spread, range."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cached_property
from itertools import accumulate

from contest.domain.aggregation import ZSCORE_PRECISION, Number, Total, group_totals


@dataclass(frozen=True)
class Spread:
    """Totals summed up: ``mean`` and ``median`` exact, ``sd`` the population standard
    deviation (28 digits), all in the totals' unit divided by ``unit``."""

    count: int
    mean: Fraction
    sd: Decimal
    low: Fraction
    median: Fraction
    high: Fraction


@dataclass(frozen=True)
class Tally:
    """Totals as their distinct values in increasing order, each with how many times it
    occurs: what a box plot and a spread need, however many totals there are."""

    values: tuple[Number, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, counted: Iterable[tuple[Number, int]]) -> Tally:
        """From (value, how many) pairs in any order, a value possibly more than once."""
        merged: dict[Number, int] = {}
        for value, count in counted:
            merged[value] = merged.get(value, 0) + count
        values = tuple(sorted(merged))
        return cls(values, tuple(merged[v] for v in values))

    @classmethod
    def of_values(cls, values: Iterable[Number]) -> Tally:
        return cls.of((v, 1) for v in values)

    @classmethod
    def merged(cls, tallies: Iterable[Tally]) -> Tally:
        return cls.of((v, c) for t in tallies for v, c in zip(t.values, t.counts))

    @property
    def count(self) -> int:
        return sum(self.counts)

    def nth(self, position: int) -> Number:
        """The value at ``position`` (from 0) of the totals in increasing order."""
        if not 0 <= position < self.count:
            raise IndexError(position)
        return self.values[bisect_right(self._ends, position)]

    @cached_property
    def _ends(self) -> list[int]:
        # How many totals lie at or below each value: the position just after its last copy.
        return list(accumulate(self.counts))


def spread_of(values: list[int | Fraction], unit: int = 1) -> Spread:
    return tally_spread(Tally.of_values(values), unit)


def tally_spread(tally: Tally, unit: int = 1) -> Spread:
    """The spread of the totals ``tally`` counts (at least one), exact as ``spread_of``'s."""
    n = tally.count
    total = sum(v * c for v, c in zip(tally.values, tally.counts))
    squares = sum(v * v * c for v, c in zip(tally.values, tally.counts))
    variance = (Fraction(squares) * n - Fraction(total) ** 2) / (n * n * unit * unit)
    with localcontext() as ctx:
        ctx.prec = ZSCORE_PRECISION
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    middle = n // 2
    # The middle total, or the mean of the two middle ones (aggregation.median's rule).
    median = (Fraction(tally.nth(middle), unit) if n % 2 else
              Fraction(tally.nth(middle - 1) + tally.nth(middle), 2 * unit))
    return Spread(n, Fraction(total, n * unit), sd, Fraction(tally.values[0], unit),
                  median, Fraction(tally.values[-1], unit))


def judge_spreads(totals: Iterable[Total], unit: int = 1) -> tuple[dict[Hashable, Spread], Spread | None]:
    """Each judge's spread over their totals in the round, and the whole round's."""
    by_judge = {j: Tally.of_values(v) for j, v in group_totals(totals, by_judge=True).items()}
    if not by_judge:
        return {}, None
    return ({j: tally_spread(t, unit) for j, t in by_judge.items()},
            tally_spread(Tally.merged(by_judge.values()), unit))
