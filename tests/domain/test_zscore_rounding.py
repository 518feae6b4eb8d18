"""zscore's shown scores from float estimates are exactly those of the method's definition:
Decimal with 28 digits, each judge's totals rescaled to the round, rounded half up to 2 decimals."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from contest.domain.aggregation import ZSCORE, zscore_hundredths
from contest.domain.method_scores import MethodScores


def reference(totals: list[tuple], unit: int) -> dict:
    """The definition (issue 6), step by step: for judge j with mean μⱼ and population
    standard deviation σⱼ over their totals, and μ, σ over every total, t becomes
    μ + σ·(t − μⱼ)/σⱼ, or t − μⱼ + μ where σⱼ is 0 or j has fewer than 3 sheets; an
    entry's score is the mean of its rescaled totals, rounded half up to hundredths."""
    with localcontext() as ctx:
        ctx.prec = 28
        ctx.rounding = ROUND_HALF_UP

        def decimal(value: Fraction) -> Decimal:
            return Decimal(value.numerator) / Decimal(value.denominator)

        def spread(values: list[int]) -> tuple[Decimal, Decimal]:
            n = len(values)
            mu = Fraction(sum(values), n)
            variance = sum((Fraction(v) - mu) ** 2 for v in values) / n
            return decimal(mu), decimal(variance).sqrt()

        mu, sigma = spread([t for _, _, t in totals])
        judges = {j: [t for _, k, t in totals if k == j] for _, j, _ in totals}
        spreads = {j: spread(values) for j, values in judges.items()}
        rescaled: dict = {}
        for entry, judge, total in totals:
            mu_j, sigma_j = spreads[judge]
            if len(judges[judge]) < 3 or sigma_j == 0:
                value = Decimal(total) - mu_j + mu
            else:
                value = mu + sigma / sigma_j * (Decimal(total) - mu_j)
            rescaled.setdefault(entry, []).append(value)
        means = {e: sum(sorted(values), Decimal(0)) / (len(values) * unit) for e, values in rescaled.items()}
    return {e: Fraction(m.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) for e, m in means.items()}


def sheets(values) -> st.SearchStrategy:
    """(entry, judge, total) with one sheet per entry and judge; few judges, so some have
    fewer than 3 sheets or totals that do not spread."""
    return st.lists(st.tuples(st.integers(0, 12), st.integers(0, 4), values), min_size=1, max_size=60,
                    unique_by=lambda t: t[:2])


# Totals in multiples of 0.005 points (unit 100,000), as shifted judges' means often land
# exactly on a half hundredth; and any totals, large and small.
on_halves = sheets(st.integers(-2, 2_000).map(lambda n: n * 500))
anywhere = sheets(st.integers(-10**9, 10**9))


@settings(max_examples=400, deadline=None)
@given(st.one_of(on_halves, anywhere))
@example([("a", "j", 50_500), ("b", "j", 50_000)])          # one judge, two sheets: shifts only
@example([("a", "j", 1), ("a", "k", 0), ("b", "j", 0)])     # half a hundredth of a point below 0
@example([("a", "j", 0), ("b", "j", 0), ("c", "j", 0)])     # no spread at all
def test_shown_zscores_are_those_of_the_definition(totals):
    expected = reference(totals, 100_000)
    assert MethodScores(totals, 100_000).scores(ZSCORE) == expected
    assert zscore_hundredths(totals, 100_000) == {e: int(s * 100) for e, s in expected.items()}


@settings(max_examples=100, deadline=None)
@given(on_halves, st.sampled_from([1, 10, 100]))
def test_shown_zscores_in_any_unit(totals, unit):
    assert MethodScores(totals, unit).scores(ZSCORE) == reference(totals, unit)


def test_an_estimate_on_a_half_hundredth_is_worked_out_exactly():
    # One judge with two sheets only shifts: 0.505 − 0.5025 + 0.5025 and 0.5 exactly.
    totals = [("a", "j", 50_500), ("b", "j", 50_000)]
    assert MethodScores(totals, 100_000).scores(ZSCORE) == {"a": Fraction("0.51"), "b": Fraction("0.5")}
