"""Ranking only as far as the prizes reach gives every prize, boundary tie and tie decision
that the full ranking gives; scores as integer ratios are the methods' exact scores."""
from __future__ import annotations

from fractions import Fraction
from itertools import groupby

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.aggregation import (
    MEAN,
    MEDIAN,
    TRIMMED,
    ZSCORE,
    ranking_score,
    score_methods,
    zscore_estimates,
    zscores,
)
from contest.domain.method_scores import MethodScores
from contest.domain.ranking import prize_scores, rank_ordered, rank_scores, ratio_keys
from contest.domain import tiering
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
    pairs = [(s.numerator * 3, s.denominator * 3) for s in scores.values()]
    assert rank_ordered(keys, ratio_keys(pairs), lambda i: Fraction(*pairs[i]), tiers, breakers, resolutions,
                        tie_values) == full
    # The partial ranking is the full one's beginning, and every prize is in it.
    assert ranked == placements(full)[:len(ranked)]
    assert {p.key: p.tier for p in full.placements if p.tier or p.boundary_tie} == {
        p.key: p.tier for p in partial.placements if p.tier or p.boundary_tie}
    assert partial.boundary_ties == full.boundary_ties
    assert partial.grown == full.grown
    assert partial.decided_ties == full.decided_ties[:len(partial.decided_ties)]


def settled_one_by_one(candidates, tiers, resolutions, breakers):
    """The full ranking with every group of equal scores settled as one at a prize line is."""
    ranker = tiering._Ranker(tiers, resolutions, breakers)
    keys = tiering.integer_keys([c.score for c in candidates])
    ordered = sorted(range(len(candidates)), key=keys.__getitem__, reverse=True)
    position = 1
    for _, members in groupby(ordered, key=keys.__getitem__):
        group = [candidates[i] for i in members]
        ranker.settle(group, position)
        position += len(group)
    return tiering.TieringResult(ranker.placements, ranker.ties, ranker.decided, ranker.grown)


@settings(max_examples=300, deadline=None)
@given(fields, tier_rules, st.booleans(), st.data())
def test_entries_after_the_last_prize_are_placed_as_at_a_line(field, tiers, with_breaker, data):
    keys = [f"e{i}" for i in range(len(field))]
    breakers = ["criterion:ND"] if with_breaker else []
    candidates = [tiering.Candidate(k, Fraction(n, d), (Fraction(data.draw(st.integers(0, 2))),))
                  for k, (n, d) in zip(keys, field)]
    # An organizer's ordering of some equal scores, wherever they rank.
    by_score: dict = {}
    for c in candidates:
        by_score.setdefault(c.score, []).append(c.key)
    resolutions = [data.draw(st.permutations(group)) for group in by_score.values()
                   if len(group) > 1 and data.draw(st.booleans())]
    expected = settled_one_by_one(candidates, tiers, resolutions, breakers)
    assert tiering.rank_and_fill(candidates, tiers, resolutions, breakers) == expected


def test_ranking_stops_after_the_last_prize():
    keys = [f"e{i}" for i in range(10)]
    ratios = {k: (100 - i, 1) for i, k in enumerate(keys)}
    result = prize_scores(keys, ratios, [TierRule("A", 1), TierRule("B", 2)])
    assert [(p.key, p.tier) for p in result.placements] == [("e0", "A"), ("e1", "B"), ("e2", "B")]


@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(0, 10**7)), max_size=40),
       st.sampled_from([MEAN, TRIMMED, MEDIAN]), st.integers(0, 10**7))
def test_ratios_are_the_methods_exact_scores(totals, method, limit):
    exact = score_methods((method,), totals, unit=100_000, limit=Fraction(limit))[method]
    scored = MethodScores(totals, 100_000, Fraction(limit))
    assert scored.flagged == {k for k, a in exact.items() if a.disagreement}
    assert {k: Fraction(*r) for k, r in scored.ratios(method).items()} == {k: a.score for k, a in exact.items()}
    assert scored.scores(method) == {k: a.score for k, a in exact.items()}
    assert scored.means == {k: a.mean for k, a in exact.items()}
    keys = sorted(exact)
    order = scored.order(method, keys)
    # The integers order and tie the entries as their exact scores do.
    assert all((order[i] > order[j]) == (exact[keys[i]].score > exact[keys[j]].score)
               and (order[i] == order[j]) == (exact[keys[i]].score == exact[keys[j]].score)
               for i in range(len(keys)) for j in range(len(keys)))


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
    scored = MethodScores(totals, 100_000)
    assert scored.scores(ZSCORE) == exact
    order = scored.order(ZSCORE, keys)
    estimated = rank_ordered(keys, order, lambda i: Fraction(order[i], 100), tiers, prizes_only=True)
    assert placements(estimated) == placements(full)
    assert estimated.boundary_ties == full.boundary_ties
    assert estimated.grown == full.grown
