"""Judges' spreads counted per distinct total: the same exact figures as from every total."""
from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.aggregation import median
from contest.domain.calibration import Tally, spread_of, tally_spread


def every_total_spread(values: list[int], unit: int):
    """The spread worked out from the list itself, step by step."""
    n = len(values)
    variance = Fraction(sum(v * v for v in values) * n - sum(values) ** 2, n * n * unit * unit)
    with localcontext() as ctx:
        ctx.prec = 28
        sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return (n, Fraction(sum(values), n * unit), sd, Fraction(min(values), unit), median(values, unit),
            Fraction(max(values), unit))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10_000_000), min_size=1, max_size=60), st.sampled_from([1, 100_000]))
def test_a_tally_gives_the_spread_of_every_total(values, unit):
    tally = Tally.of_values(values)
    spread = tally_spread(tally, unit)
    assert (spread.count, spread.mean, spread.sd, spread.low, spread.median, spread.high) == \
        every_total_spread(values, unit)
    assert spread_of(values, unit) == spread


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=80))
def test_a_tally_holds_every_total_in_order(values):
    tally = Tally.of_values(values)
    assert [tally.nth(i) for i in range(len(values))] == sorted(values)
    halves = Tally.merged([Tally.of_values(values[::2]), Tally.of_values(values[1::2])])
    assert halves == tally
    with pytest.raises(IndexError):
        tally.nth(len(values))


def test_a_tally_merges_repeated_values_in_any_order():
    tally = Tally.of([(5, 2), (3, 1), (5, 1)])
    assert (tally.values, tally.counts, tally.count) == ((3, 5), (1, 3), 4)
    assert [tally.nth(i) for i in range(4)] == [3, 5, 5, 5]
    assert tally_spread(tally).median == 5
