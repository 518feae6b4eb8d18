"""Ranking only as far as the prizes reach gives every prize, boundary tie and tie decision
that the full ranking gives; scores as integer ratios are the methods' exact scores."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.aggregation import (
    MEAN,
    MEDIAN,
    TRIMMED,
    ZSCORE,
    ranking_score,
    score_methods,
    score_ratios,
    zscore_estimates,
    zscores,
)
from contest.domain.ranking import prize_scores, rank_scores, zscore_prize_scores
from contest.domain.tiering import TierRule

tier_rules = st.lists(
    st.builds(TierRule, st.sampled_from("ABCD"), st.integers(1, 4),
              st.one_of(st.none(), st.integers(0, 12).map(Fraction)), st.booleans()),
    max_size=4, unique_by=lambda t: t.code)
# Few distinct scores, so ties at the lines are common.
fields = st.lists(st.tuples(st.integers(0, 12), st.integers(1, 3)), min_size=0, max_size=30)


def placements(result) -> list[tuple]:
    return [(p.key, p.score, p.rank, p.tier, p.boundary_tie, p.contested_tiers, p.decided_by)
            for p in result.placements]


@settings(max_examples=300, deadline=None)
@given(fields, tier_rules, st.booleans(), st.data())
def test_prizes_alone_are_those_of_the_full_ranking(field, tiers, with_breaker, data):
    keys = [f"e{i}" for i in range(len(field))]
    scores = {k: Fraction(n, d) for k, (n, d) in zip(keys, field)}
    breakers = ["criterion:ND"] if with_breaker else []
    tie_values = {"criterion:ND": {k: Fraction(data.draw(st.integers(0, 2))) for k in keys}}
    resolutions = [data.draw(st.permutations(keys[:3]))] if len(keys) >= 3 else []
    full = rank_scores(keys, scores, tiers, breakers, resolutions, tie_values)
    partial = prize_scores(keys, {k: (s.numerator * 2, s.denominator * 2) for k, s in scores.items()},
                           tiers, breakers, resolutions, tie_values)
    ranked = placements(partial)
    # The partial ranking is the full one's beginning, and every prize is in it.
    assert ranked == placements(full)[:len(ranked)]
    assert {p.key: p.tier for p in full.placements if p.tier or p.boundary_tie} == {
        p.key: p.tier for p in partial.placements if p.tier or p.boundary_tie}
    assert partial.boundary_ties == full.boundary_ties
    assert partial.grown == full.grown
    assert partial.decided_ties == full.decided_ties[:len(partial.decided_ties)]


def test_ranking_stops_after_the_last_prize():
    keys = [f"e{i}" for i in range(10)]
    ratios = {k: (100 - i, 1) for i, k in enumerate(keys)}
    result = prize_scores(keys, ratios, [TierRule("A", 1), TierRule("B", 2)])
    assert [(p.key, p.tier) for p in result.placements] == [("e0", "A"), ("e1", "B"), ("e2", "B")]


@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(0, 10**7)), max_size=40),
       st.sampled_from([MEAN, TRIMMED, MEDIAN]))
def test_ratios_are_the_methods_exact_scores(totals, method):
    exact = score_methods((method,), totals, unit=100_000)[method]
    ratios = score_ratios([method, MEAN], totals, unit=100_000)[method]
    assert {k: Fraction(*r) for k, r in ratios.items()} == {k: a.score for k, a in exact.items()}


# (entry, judge, total) with few judges, so some judges have fewer than 3 sheets or no spread.
sheet_totals = st.lists(st.tuples(st.integers(0, 25), st.integers(0, 4), st.sampled_from(
    [0, 1, 50, 3_000_000, 3_000_001, 5_000_000, 9_999_999, 10_000_000])), max_size=80,
    unique_by=lambda t: t[:2])


@settings(max_examples=200, deadline=None)
@given(sheet_totals)
def test_zscore_estimates_are_within_their_bound(totals):
    estimates, error = zscore_estimates(totals, 100_000)
    exact = zscores(totals, 100_000)
    assert set(estimates) == set(exact)
    assert all(abs(Fraction(estimates[k]) - Fraction(exact[k])) <= Fraction(error) for k in exact)


@settings(max_examples=300, deadline=None)
@given(sheet_totals, tier_rules)
def test_zscore_prizes_are_those_of_the_exact_scores(totals, tiers):
    keys = sorted({entry for entry, _, _ in totals})
    exact = {k: ranking_score(ZSCORE, s) for k, s in zscores(totals, 100_000).items()}
    full = prize_scores(keys, {k: (s.numerator, s.denominator) for k, s in exact.items()}, tiers)
    estimated = zscore_prize_scores(keys, totals, 100_000, tiers)
    assert placements(estimated) == placements(full)
    assert estimated.boundary_ties == full.boundary_ties
    assert estimated.grown == full.grown
