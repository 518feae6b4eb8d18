"""Aggregation methods on hand-computed rounds: mean, trimmed, median, zscore and its
fallbacks, ties under each, the disagreement flag, and a harsh judge moved across a tier line."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contest.domain.aggregation import (
    METHODS,
    UnknownMethod,
    ranking_score,
    score_round,
    spread_limit,
)
from contest.domain.tiering import Candidate, TierRule, rank_and_fill

F, D = Fraction, Decimal


def one_entry(values: list) -> list:
    """Totals of one entry, one judge each."""
    return [("E", f"j{i}", v) for i, v in enumerate(values)]


@pytest.mark.parametrize(("method", "values", "expected"), [
    ("mean", [70, 71, 71], F(212, 3)),
    ("mean", [F(1, 2), F(1, 3)], F(5, 12)),
    ("trimmed", [10, 50, 60, 70, 100], F(60)),            # 10 and 100 dropped
    ("trimmed", [10, 50, 60, 100], F(55)),                # fewer than 5: the mean
    ("trimmed", [10, 10, 60, 100, 100], F(170, 3)),       # only one of each extreme goes
    ("median", [10, 50, 60, 70, 100], F(60)),
    ("median", [100, 10, 61, 50], F(111, 2)),             # the mean of the two middle ones
    ("median", [42], F(42)),
])
def test_exact_methods_on_one_entry(method, values, expected):
    result = score_round(method, one_entry(values))["E"]
    assert isinstance(result.score, Fraction)
    assert result.score == expected
    assert result.mean == F(sum(F(v) for v in values)) / len(values)
    assert result.counted == len(values)


# Judge A reads P Q R S (57 57 63 63: μ 60, σ 3); judge B, harsher, reads
# T U V W (49 49 55 55: μ 52, σ 3). The round: μ 56, σ √(9 + 16) = 5.
# zscore: A's t → 56 + 5(t − 60)/3 and B's t → 56 + 5(t − 52)/3: 57, 49 → 51; 63, 55 → 61.
HARSH_ROUND = [
    ("P", "A", 57), ("Q", "A", 57), ("R", "A", 63), ("S", "A", 63),
    ("T", "B", 49), ("U", "B", 49), ("V", "B", 55), ("W", "B", 55),
]


def test_zscore_rescales_each_judge_to_the_round():
    result = score_round("zscore", HARSH_ROUND)
    assert {e: r.score for e, r in result.items()} == {
        "P": 51, "Q": 51, "R": 61, "S": 61, "T": 51, "U": 51, "V": 61, "W": 61,
    }
    assert all(isinstance(r.score, Decimal) for r in result.values())
    assert result["V"].mean == 55  # the plain mean stays beside it


def test_zscore_of_an_entry_is_the_mean_of_its_rescaled_totals():
    # X is read by A (63 → 61) and B (49 → 51), Y by A (57 → 51) and B (55 → 61).
    # A now gives 57 ×3 and 63 ×3, B 49 ×3 and 55 ×3: the same μ and σ as before.
    totals = [*HARSH_ROUND, ("X", "A", 63), ("X", "B", 49), ("Y", "A", 57), ("Y", "B", 55)]
    result = score_round("zscore", totals)
    assert result["X"].score == result["Y"].score == 56
    assert result["X"].mean == 56 and result["Y"].mean == 56


def test_zscore_shifts_a_judge_with_fewer_than_three_sheets():
    # C reads two entries (70, 80: μ 75). The round's 10 totals sum to 598: μ 59.8.
    totals = [*HARSH_ROUND, ("Y", "C", 70), ("Z", "C", 80)]
    result = score_round("zscore", totals)
    assert result["Y"].score == D("54.8")   # 70 − 75 + 59.8
    assert result["Z"].score == D("64.8")   # 80 − 75 + 59.8


def test_zscore_shifts_a_judge_whose_totals_do_not_spread():
    # D gives 60 three times: σ 0, so each becomes 60 − 60 + μ. The round's 11
    # totals sum to 448 + 180 = 628 over 11.
    totals = [*HARSH_ROUND, ("X", "D", 60), ("Y", "D", 60), ("Z", "D", 60)]
    result = score_round("zscore", totals)
    mu = D(628) / D(11)
    assert result["X"].score == result["Y"].score == result["Z"].score == mu
    assert str(mu) == "57.09090909090909090909090909"  # 28 significant digits


@pytest.mark.parametrize("method", METHODS)
def test_scores_come_in_the_unit_asked_for(method):
    # The same round in hundred-thousandths (the unit totals have in the database).
    scaled = [(e, j, t * 100_000) for e, j, t in HARSH_ROUND]
    assert score_round(method, scaled, unit=100_000) == score_round(method, HARSH_ROUND)
    assert score_round(method, [("E", "a", 7), ("E", "b", 8)], unit=10)["E"].score == F(3, 4)


def harsh_placements(method: str) -> dict:
    scores = {e: r.score for e, r in score_round(method, HARSH_ROUND).items()}
    candidates = [Candidate(e, ranking_score(method, s)) for e, s in sorted(scores.items())]
    return {p.key: p for p in rank_and_fill(candidates, [TierRule("A", 4)]).placements}


def test_a_harsh_judges_entries_cross_the_tier_line_under_zscore():
    by_mean = harsh_placements("mean")
    by_zscore = harsh_placements("zscore")
    assert {e for e, p in by_mean.items() if p.tier == "A"} == {"P", "Q", "R", "S"}
    assert {e for e, p in by_zscore.items() if p.tier == "A"} == {"R", "S", "V", "W"}
    # Under the plain mean V (55) ranks 5th; under zscore it shares rank 1.
    assert by_mean["V"].rank == 5 and by_zscore["V"].rank == 1
    changed = {e for e in by_mean if by_mean[e].tier != by_zscore[e].tier}
    assert changed == {"P", "Q", "V", "W"}


@pytest.mark.parametrize(("method", "values_x", "values_y"), [
    ("mean", [70, 71, 71], [71, 71, 70]),
    ("mean", [F(1, 3), F(2, 3)], [F(1, 2), F(1, 2)]),
    ("trimmed", [0, 60, 60, 60, 100], [10, 60, 60, 60, 90]),
    ("median", [10, 60, 70], [55, 60, 99]),
])
def test_equal_exact_scores_tie(method, values_x, values_y):
    totals = [("X", f"j{i}", v) for i, v in enumerate(values_x)]
    totals += [("Y", f"j{i}", v) for i, v in enumerate(values_y)]
    result = score_round(method, totals)
    candidates = [Candidate(e, ranking_score(method, result[e].score)) for e in ("X", "Y")]
    ranked = rank_and_fill(candidates, [TierRule("A", 1)])
    assert [p.rank for p in ranked.placements] == [1, 1]
    assert len(ranked.boundary_ties) == 1


def test_exact_scores_that_differ_below_the_shown_digits_do_not_tie():
    totals = [("X", "a", 70), ("X", "b", 71), ("X", "c", 71),     # 70.666…
              ("Y", "a", F(7067, 100))]                           # 70.67
    result = score_round("mean", totals)
    candidates = [Candidate(e, ranking_score("mean", result[e].score)) for e in ("X", "Y")]
    assert [p.rank for p in rank_and_fill(candidates, []).placements] == [1, 2]


@pytest.mark.parametrize(("score", "shown"), [
    (D("56.665"), F(5667, 100)),           # half-up, not to even
    (D("56.6749999999"), F(5667, 100)),
    (D("56.675"), F(5668, 100)),
    (D("56.66499999999999999"), F(5666, 100)),
])
def test_zscore_ranks_on_the_score_rounded_half_up(score, shown):
    assert ranking_score("zscore", score) == shown


def test_zscore_scores_that_show_the_same_tie():
    candidates = [Candidate("X", ranking_score("zscore", D("56.665"))),
                  Candidate("Y", ranking_score("zscore", D("56.6749")))]
    ranked = rank_and_fill(candidates, [TierRule("A", 1)])
    assert [p.rank for p in ranked.placements] == [1, 1]
    assert ranked.boundary_ties[0].keys == ("X", "Y")


@pytest.mark.parametrize("method", METHODS)
def test_a_round_without_full_sheets_has_no_scores(method):
    assert score_round(method, []) == {}


def test_an_unknown_method_is_refused():
    with pytest.raises(UnknownMethod) as caught:
        score_round("average", HARSH_ROUND)
    assert caught.value.name == "average"


@pytest.mark.parametrize(("values", "flagged"), [
    ([40, 65], False),          # spread 25 = 0.25 × 100: not more
    ([40, "65.01"], True),
    (["40.01", 90], True),
    ([40, 50, 65, 60], False),
    ([90], False),              # one judge cannot disagree
])
def test_disagreement_is_a_spread_above_the_threshold_times_the_maximum(values, flagged):
    limit = spread_limit(D("0.25"), 100)
    assert limit == 25
    for method in METHODS:
        aggregate = score_round(method, one_entry([F(str(v)) for v in values]), limit=limit)["E"]
        assert aggregate.disagreement is flagged


def test_without_a_limit_nothing_is_flagged():
    assert score_round("mean", one_entry([0, 100]))["E"].disagreement is False


totals_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("JKLMN"), st.integers(0, 10_000)),
    min_size=1, max_size=60,
).map(lambda rows: list({(e, j): (e, j, t) for e, j, t in rows}.values()))


@settings(max_examples=200, deadline=None)
@given(totals_strategy, st.sampled_from(("mean", "trimmed", "median")))
def test_exact_methods_stay_between_the_lowest_and_highest_total(totals, method):
    result = score_round(method, totals)
    for entry, aggregate in result.items():
        mine = [t for e, _, t in totals if e == entry]
        assert min(mine) <= aggregate.score <= max(mine)
        assert min(mine) <= aggregate.mean <= max(mine)


@settings(max_examples=200, deadline=None)
@given(totals_strategy)
def test_zscore_keeps_the_round_mean(totals):
    rescaled_sum = sum(a.score * a.counted for a in score_round("zscore", totals).values())
    mu = Fraction(sum(t for _, _, t in totals), len(totals))
    assert abs(Fraction(rescaled_sum) / len(totals) - mu) < Fraction(1, 10**18)


@settings(max_examples=200, deadline=None)
@given(totals_strategy, st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_the_order_of_the_sheets(totals, method, rnd):
    shuffled = list(totals)
    rnd.shuffle(shuffled)
    assert score_round(method, totals) == score_round(method, shuffled)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=2))
def test_mean_trimmed_and_median_agree_on_one_or_two_totals(values):
    totals = [("E", f"j{i}", v) for i, v in enumerate(values)]
    scores = {m: score_round(m, totals)["E"] for m in ("mean", "trimmed", "median")}
    assert len({a.score for a in scores.values()}) == 1


def test_each_judges_spread_beside_the_rounds():
    from contest.domain.calibration import judge_spreads

    judges, jury = judge_spreads(HARSH_ROUND)
    assert (judges["A"].count, judges["A"].mean, judges["A"].sd) == (4, 60, 3)
    assert (judges["B"].low, judges["B"].median, judges["B"].high) == (49, 52, 55)
    assert (jury.count, jury.mean, jury.sd) == (8, 56, 5)
    scaled, _ = judge_spreads([(e, j, t * 100_000) for e, j, t in HARSH_ROUND], unit=100_000)
    assert scaled == judges
    assert judge_spreads([]) == ({}, None)
