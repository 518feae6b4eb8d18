"""A round's sheets ranked under each method, with tiers and tie-breakers (domain/ranking.py)."""
from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from contest.domain.ranking import RoundSheets, rank_sheets
from contest.domain.scoring import CriterionRule, ScoreSheet
from contest.domain.tiering import TierRule

ND = [CriterionRule("ND", D(100))]
# Judge A (lenient) reads P Q R S: 57 57 63 63; judge B (harsh) T U V W: 49 49 55 55.
# Round μ 56, σ 5; A: μ 60, σ 3; B: μ 52, σ 3. zscore: 57, 49 → 51 and 63, 55 → 61.
TOTALS = {"P": ("A", 57), "Q": ("A", 57), "R": ("A", 63), "S": ("A", 63),
          "T": ("B", 49), "U": ("B", 49), "V": ("B", 55), "W": ("B", 55)}
SHEETS = {key: [ScoreSheet(judge, {"ND": D(total)})] for key, (judge, total) in TOTALS.items()}
FOUR_PRIZES = [TierRule("A", 4)]


def tiers(result) -> dict:
    return {p.key: p.tier for p in result.placements}


def test_the_harsh_judges_best_entries_take_the_prizes_under_zscore():
    _, by_mean = rank_sheets(SHEETS, ND, FOUR_PRIZES)
    scores, by_zscore = rank_sheets(SHEETS, ND, FOUR_PRIZES, method="zscore")
    assert {k for k, t in tiers(by_mean).items() if t} == {"P", "Q", "R", "S"}
    assert {k for k, t in tiers(by_zscore).items() if t} == {"R", "S", "V", "W"}
    assert scores["V"].score == 61 and scores["P"].score == 51
    assert {p.key: p.rank for p in by_zscore.placements} == {
        "R": 1, "S": 1, "V": 1, "W": 1, "P": 5, "Q": 5, "T": 5, "U": 5}


@pytest.mark.parametrize("method", ["mean", "trimmed", "median", "zscore"])
def test_equal_scores_across_a_tier_line_are_a_boundary_tie_under_every_method(method):
    # Three prizes: under the mean R S (63) then P Q (57) straddle; under zscore four entries at 61.
    _, result = rank_sheets(SHEETS, ND, [TierRule("A", 3)], method=method)
    [tie] = result.boundary_ties
    assert set(tie.keys) == ({"R", "S", "V", "W"} if method == "zscore" else {"P", "Q"})
    assert tie.tiers == ("A", None)


def test_a_round_tie_breaker_takes_the_earlier_rounds_score_under_its_method():
    # The final round ties V and P at 70; the preliminary round (zscore) had V 61 and P 51,
    # but its plain mean had P 57 above V 55.
    final = {"V": [ScoreSheet("C", {"ND": D(70)})], "P": [ScoreSheet("C", {"ND": D(70)})]}
    for method, first in (("zscore", "V"), ("mean", "P")):
        earlier = {"PRE": RoundSheets(SHEETS, ND, method)}
        _, result = rank_sheets(final, ND, [TierRule("A", 1)], ["round:PRE"], (), earlier)
        [decided] = result.decided_ties
        assert decided.keys[0] == first and decided.decided_by == "round:PRE"
        assert set(decided.values) == {F(61) if method == "zscore" else F(57),
                                       F(51) if method == "zscore" else F(55)}
