"""How each judge scores compared with the whole jury: count, mean, spread, range."""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

from contest.domain.aggregation import ZSCORE_PRECISION, Total, group_totals, median


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


def spread_of(values: list[int | Fraction], unit: int = 1) -> Spread:
    n = len(values)
    total = sum(values)
    squares = sum(v * v for v in values)
    variance = (Fraction(squares) * n - Fraction(total) ** 2) / (n * n * unit * unit)
    with localcontext() as ctx:
        ctx.prec = ZSCORE_PRECISION
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return Spread(n, Fraction(total, n * unit), sd, Fraction(min(values), unit),
                  median(values, unit), Fraction(max(values), unit))


def judge_spreads(totals: Iterable[Total], unit: int = 1) -> tuple[dict[Hashable, Spread], Spread | None]:
    """Each judge's spread over their totals in the round, and the whole round's."""
    return grouped_spreads(group_totals(totals, by_judge=True), unit)


def grouped_spreads(by_judge: dict[Hashable, list], unit: int = 1
                    ) -> tuple[dict[Hashable, Spread], Spread | None]:
    """``judge_spreads`` of totals already grouped per judge (``group_totals``)."""
    every = [t for values in by_judge.values() for t in values]
    if not every:
        return {}, None
    return {j: spread_of(v, unit) for j, v in by_judge.items()}, spread_of(every, unit)
