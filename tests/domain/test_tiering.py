"""Ranking and prize tiers: shared ranks, quotas, minimum scores, boundary ties."""
from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

from contest.domain.tiering import Candidate, TierRule, rank_and_fill

SEED_TIERS = [TierRule("A", 2), TierRule("B", 4), TierRule("C", 10)]
SMALL_TIERS = [TierRule("A", 1), TierRule("B", 2), TierRule("C", 3)]


def field(*scores) -> list[Candidate]:
    """Candidates e1, e2, … with the given scores (in that order)."""
    return [Candidate(f"e{i}", Fraction(s)) for i, s in enumerate(scores, 1)]


def summary(result) -> list[tuple]:
    return [(p.key, p.rank, p.tier, p.boundary_tie) for p in result.placements]


def tiers_of(result) -> dict:
    return {p.key: p.tier for p in result.placements}


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    result = rank_and_fill(field(90, 80, 80, 70), [])
    assert [(p.key, p.rank) for p in result.placements] == [
        ("e1", 1), ("e2", 2), ("e3", 2), ("e4", 4)]


def test_ranking_is_by_score_descending_whatever_the_input_order():
    result = rank_and_fill(field(50, Fraction(256, 3), 99, Fraction(257, 3)), [])
    assert [p.key for p in result.placements] == ["e3", "e4", "e2", "e1"]
    assert [p.rank for p in result.placements] == [1, 2, 3, 4]


def test_tiers_fill_a_then_b_then_c_up_to_their_quotas():
    result = rank_and_fill(field(99, 98, 97, 96, 95, 94, 93, 92), SMALL_TIERS)
    assert [p.tier for p in result.placements] == ["A", "B", "B", "C", "C", "C", None, None]
    assert result.boundary_ties == []
    assert [p.key for p in result.winners()] == ["e1", "e2", "e3", "e4", "e5", "e6"]


def test_fewer_candidates_than_prizes():
    result = rank_and_fill(field(70, 80), SMALL_TIERS)
    assert tiers_of(result) == {"e2": "A", "e1": "B"}
    assert result.boundary_ties == []


def test_no_candidates():
    result = rank_and_fill([], SEED_TIERS)
    assert result.placements == []
    assert result.boundary_ties == []
    assert result.winners() == []


def test_no_tiers_ranks_everyone_without_prizes():
    result = rank_and_fill(field(5, 5, 4), [])
    assert [p.tier for p in result.placements] == [None, None, None]
    # Without any prize there is no boundary a tie could straddle.
    assert result.boundary_ties == []


def test_a_min_score_leaves_the_slot_empty_and_the_next_tier_still_fills():
    tiers = [TierRule("A", 2, Decimal(90)), TierRule("B", 2), TierRule("C", 1)]
    result = rank_and_fill(field(95, 85, 84, 83, 82), tiers)
    # One A slot stays empty: 85 is below A's minimum; B and C fill as usual.
    assert [p.tier for p in result.placements] == ["A", "B", "B", "C", None]
    assert Counter(tiers_of(result).values())["A"] == 1


def test_a_score_exactly_at_the_min_score_takes_the_tier():
    tiers = [TierRule("A", 1, Decimal("85.5")), TierRule("B", 1)]
    result = rank_and_fill([Candidate("x", Fraction(171, 2)), Candidate("y", Fraction(85))], tiers)
    assert tiers_of(result) == {"x": "A", "y": "B"}


def test_min_score_on_the_last_tier_leaves_its_slots_empty():
    tiers = [TierRule("A", 1), TierRule("B", 3, Decimal(60))]
    result = rank_and_fill(field(90, 70, Fraction(119, 2), 40), tiers)
    assert [p.tier for p in result.placements] == ["A", "B", None, None]
    assert result.boundary_ties == []


def test_no_one_reaches_any_minimum():
    tiers = [TierRule("A", 1, Decimal(90)), TierRule("B", 1, Decimal(80))]
    result = rank_and_fill(field(70, 60), tiers)
    assert result.winners() == []
    assert result.boundary_ties == []


def test_min_score_can_be_a_fraction():
    tiers = [TierRule("A", 5, Fraction(256, 3))]
    result = rank_and_fill([Candidate("in", Fraction(256, 3)), Candidate("out", Fraction(8533, 100))],
                           tiers)
    assert tiers_of(result) == {"in": "A", "out": None}


def test_a_tie_straddling_a_tier_boundary_is_reported_not_broken():
    # A has one slot; three entries share the best score.
    result = rank_and_fill(field(90, 90, 90, 80, 70, 60, 50), SMALL_TIERS)
    assert len(result.boundary_ties) == 1
    tie = result.boundary_ties[0]
    assert set(tie.keys) == {"e1", "e2", "e3"}
    assert tie.score == 90
    assert tie.tiers == ("A", "B")
    for key in ("e1", "e2", "e3"):
        placement = result.by_key()[key]
        assert placement.tier is None
        assert placement.boundary_tie is True
        assert placement.contested_tiers == ("A", "B")
        assert placement.rank == 1
    # The tie used the A slot and both B slots: the next entries start at C.
    assert summary(result)[3:] == [
        ("e4", 4, "C", False), ("e5", 5, "C", False), ("e6", 6, "C", False), ("e7", 7, None, False)]


def test_a_tie_straddling_the_last_prize_is_reported():
    result = rank_and_fill(field(99, 98, 97, 96, 95, 94, 94, 90), SMALL_TIERS)
    # C has three slots: 96, 95 and one of the two 94s.
    tie = result.boundary_ties[0]
    assert set(tie.keys) == {"e6", "e7"}
    assert tie.tiers == ("C", None)
    assert tiers_of(result) == {"e1": "A", "e2": "B", "e3": "B", "e4": "C", "e5": "C",
                                "e6": None, "e7": None, "e8": None}
    assert result.by_key()["e8"].boundary_tie is False


def test_a_tie_spanning_three_tiers_lists_all_of_them():
    tiers = [TierRule("A", 1), TierRule("B", 1), TierRule("C", 1)]
    result = rank_and_fill(field(80, 80, 80, 80, 70), tiers)
    assert result.boundary_ties[0].tiers == ("A", "B", "C", None)
    assert result.by_key()["e5"].tier is None


def test_after_a_boundary_tie_the_following_entries_get_the_remaining_slots():
    # B has 4 slots; a group of three straddles A/B taking one A and two B slots:
    # two B slots remain for the next entries, then C.
    tiers = [TierRule("A", 1), TierRule("B", 4), TierRule("C", 2)]
    result = rank_and_fill(field(90, 90, 90, 85, 84, 83, 82, 81), tiers)
    assert [p.tier for p in result.placements] == [None, None, None, "B", "B", "C", "C", None]
    assert [p.rank for p in result.placements] == [1, 1, 1, 4, 5, 6, 7, 8]


def test_a_tie_inside_a_tier_is_not_a_boundary_tie():
    tiers = [TierRule("A", 1), TierRule("B", 2), TierRule("C", 4)]
    result = rank_and_fill(field(99, 97, 97, 96, 95, 95, 94, 10), tiers)
    assert result.boundary_ties == []
    assert summary(result) == [
        ("e1", 1, "A", False), ("e2", 2, "B", False), ("e3", 2, "B", False),
        ("e4", 4, "C", False), ("e5", 5, "C", False), ("e6", 5, "C", False),
        ("e7", 7, "C", False), ("e8", 8, None, False)]


def test_a_tie_exactly_filling_the_last_prize_and_a_tie_below_it_are_not_boundary_ties():
    result = rank_and_fill(field(99, 98, 98, 97, 97, 97, 50, 50), SMALL_TIERS)
    assert result.boundary_ties == []
    assert [p.tier for p in result.placements] == ["A", "B", "B", "C", "C", "C", None, None]


def test_a_min_score_tie_is_no_boundary_tie_when_the_whole_group_is_below_it():
    tiers = [TierRule("A", 3, Decimal(90)), TierRule("B", 3)]
    result = rank_and_fill(field(95, 85, 85), tiers)
    assert result.boundary_ties == []
    assert tiers_of(result) == {"e1": "A", "e2": "B", "e3": "B"}


def test_a_resolution_orders_its_group_with_distinct_ranks():
    result = rank_and_fill(field(90, 90, 90, 80), SMALL_TIERS, resolutions=[["e3", "e1", "e2"]])
    assert result.boundary_ties == []
    assert summary(result) == [
        ("e3", 1, "A", False), ("e1", 2, "B", False), ("e2", 3, "B", False), ("e4", 4, "C", False)]
    assert all(p.tie_resolved for p in result.placements[:3])
    assert not result.placements[3].tie_resolved


def test_a_resolution_at_the_last_prize_decides_who_wins():
    result = rank_and_fill(field(99, 98, 97, 96, 95, 94, 94), SMALL_TIERS,
                           resolutions=[("e7", "e6")])
    assert tiers_of(result)["e7"] == "C"
    assert tiers_of(result)["e6"] is None
    assert [result.by_key()[k].rank for k in ("e7", "e6")] == [6, 7]


@pytest.mark.parametrize("resolution", [
    pytest.param(["e1", "e2"], id="part-of-the-group"),
    pytest.param(["e1", "e2", "e3", "e4"], id="group-plus-another-entry"),
    pytest.param(["e3", "e2", "e1", "x"], id="group-plus-an-unknown-key"),
])
def test_a_resolution_applies_only_to_exactly_its_group(resolution):
    result = rank_and_fill(field(90, 90, 90, 80), SMALL_TIERS, resolutions=[resolution])
    assert [set(t.keys) for t in result.boundary_ties] == [{"e1", "e2", "e3"}]
    assert not any(p.tie_resolved for p in result.placements)


def test_a_stale_resolution_is_ignored_once_the_group_changes():
    # Resolved when e1 and e2 were tied; then e3's score moved into the group.
    result = rank_and_fill(field(90, 90, 90), SMALL_TIERS, resolutions=[["e2", "e1"]])
    assert len(result.boundary_ties) == 1
    # And when one of them changed score, the remaining entry simply ranks alone.
    result = rank_and_fill(field(90, 91, 70), SMALL_TIERS, resolutions=[["e2", "e1"]])
    assert result.boundary_ties == []
    assert not any(p.tie_resolved for p in result.placements)


def test_only_the_resolved_group_is_settled_when_there_are_two_ties():
    result = rank_and_fill(field(90, 90, 80, 80, 80, 80, 70), SMALL_TIERS,
                           resolutions=[["e2", "e1"]])
    assert tiers_of(result)["e2"] == "A" and tiers_of(result)["e1"] == "B"
    # B has one slot left and C three: four entries at 80 straddle B/C.
    assert [set(t.keys) for t in result.boundary_ties] == [{"e3", "e4", "e5", "e6"}]
    assert result.boundary_ties[0].tiers == ("B", "C")
    assert result.by_key()["e7"].tier is None


def test_a_resolution_inside_a_tier_gives_ranks_but_changes_no_tier():
    result = rank_and_fill(field(99, 97, 97), SMALL_TIERS, resolutions=[["e3", "e2"]])
    assert summary(result) == [("e1", 1, "A", False), ("e3", 2, "B", False), ("e2", 3, "B", False)]


@pytest.mark.parametrize(("tiers", "expected"), [
    pytest.param([TierRule("A", 0), TierRule("B", 2), TierRule("C", 1)],
                 ["B", "B", "C", None], id="first-tier-empty"),
    pytest.param([TierRule("A", 1), TierRule("B", 0), TierRule("C", 2)],
                 ["A", "C", "C", None], id="middle-tier-empty"),
    pytest.param([TierRule("A", 1), TierRule("B", 1), TierRule("C", 0)],
                 ["A", "B", None, None], id="last-tier-empty"),
    pytest.param([TierRule("A", 0), TierRule("B", 0)],
                 [None, None, None, None], id="all-empty"),
])
def test_quota_zero_tiers_take_no_one(tiers, expected):
    result = rank_and_fill(field(90, 80, 70, 60), tiers)
    assert [p.tier for p in result.placements] == expected
    assert result.boundary_ties == []


def test_a_tie_around_a_quota_zero_tier_skips_it():
    tiers = [TierRule("A", 1), TierRule("B", 0), TierRule("C", 1)]
    result = rank_and_fill(field(90, 90), tiers)
    assert result.boundary_ties[0].tiers == ("A", "C")


def test_seed_quotas_on_380_distinct_scores_give_exactly_16_winners():
    rng = random.Random(2022)
    scores = rng.sample(range(30_000, 100_001), 380)
    candidates = [Candidate(f"DVK-{n:04d}", Fraction(s, 1000)) for n, s in enumerate(scores, 1)]
    result = rank_and_fill(candidates, SEED_TIERS)
    assert result.boundary_ties == []
    assert len(result.winners()) == 16
    assert Counter(p.tier for p in result.winners()) == {"A": 2, "B": 4, "C": 10}
    assert [p.rank for p in result.placements] == list(range(1, 381))
    best = sorted(candidates, key=lambda c: -c.score)
    assert [p.key for p in result.winners()] == [c.key for c in best[:16]]
    assert [p.tier for p in result.winners()] == ["A"] * 2 + ["B"] * 4 + ["C"] * 10


def test_a_resolution_listing_a_key_twice_is_not_an_ordering():
    result = rank_and_fill(field(90, 90, 80), SMALL_TIERS, resolutions=[["e1", "e1", "e2"]])
    assert len(result.placements) == 3
    assert [set(t.keys) for t in result.boundary_ties] == [{"e1", "e2"}]
