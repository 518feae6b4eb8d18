"""Boundary ties settled by tie-breakers, by shared tiers, then by the organizer."""
from __future__ import annotations

from fractions import Fraction

from contest.domain.tiering import BY_ORGANIZER, SHARED, Candidate, TierRule, rank_and_fill

TIERS = [TierRule("A", 1), TierRule("B", 2), TierRule("C", 3)]
ND, SK = "criterion:ND", "round:SK"


def entry(key: str, score, *values) -> Candidate:
    return Candidate(key, Fraction(score), tuple(None if v is None else Fraction(v) for v in values))


def placed(result) -> list[tuple]:
    return [(p.key, p.rank, p.tier, p.decided_by) for p in result.placements]


def test_without_tie_breakers_a_boundary_tie_waits_for_the_organizer():
    result = rank_and_fill([entry("e1", 90, 50), entry("e2", 90, 55), entry("e3", 80, 40)], TIERS)
    assert [set(t.keys) for t in result.boundary_ties] == [{"e1", "e2"}]
    assert result.decided_ties == []


def test_the_first_tie_breaker_orders_a_boundary_tie_higher_first():
    result = rank_and_fill(
        [entry("e1", 90, 50), entry("e2", 90, 55), entry("e3", 80, 40)], TIERS, breakers=[ND])
    assert result.boundary_ties == []
    assert placed(result) == [("e2", 1, "A", ND), ("e1", 2, "B", ND), ("e3", 3, "B", None)]
    [decided] = result.decided_ties
    assert decided.keys == ("e2", "e1") and decided.decided_by == ND
    assert decided.values == (Fraction(55), Fraction(50))
    assert decided.tiers == ("A", "B")


def test_what_the_first_tie_breaker_leaves_equal_goes_to_the_second():
    result = rank_and_fill(
        [entry("e1", 90, 50, 7), entry("e2", 90, 50, 9), entry("e3", 90, 40, 10)],
        TIERS, breakers=[ND, SK])
    assert placed(result) == [("e2", 1, "A", SK), ("e1", 2, "B", SK), ("e3", 3, "B", ND)]
    assert [(d.decided_by, d.keys) for d in result.decided_ties] == [
        (ND, ("e1", "e2", "e3")), (SK, ("e2", "e1"))]


def test_equal_under_every_tie_breaker_the_organizer_decides():
    candidates = [entry("e1", 90, 50, 7), entry("e2", 90, 50, 7), entry("e3", 80, 1, 1)]
    result = rank_and_fill(candidates, TIERS, breakers=[ND, SK])
    assert [set(t.keys) for t in result.boundary_ties] == [{"e1", "e2"}]
    result = rank_and_fill(candidates, TIERS, [["e2", "e1"]], breakers=[ND, SK])
    assert placed(result)[:2] == [("e2", 1, "A", BY_ORGANIZER), ("e1", 2, "B", BY_ORGANIZER)]
    assert result.decided_ties[-1].decided_by == BY_ORGANIZER


def test_the_organizer_decides_only_what_the_tie_breakers_leave():
    # e3 is split off by ND; the organizer's order of e1, e2 applies to what remains.
    candidates = [entry("e1", 90, 50), entry("e2", 90, 50), entry("e3", 90, 60)]
    result = rank_and_fill(candidates, TIERS, [["e2", "e1"]], breakers=[ND])
    assert placed(result) == [("e3", 1, "A", ND), ("e2", 2, "B", BY_ORGANIZER),
                              ("e1", 3, "B", BY_ORGANIZER)]


def test_a_group_the_tie_breaker_splits_but_inside_one_tier_keeps_its_shared_rank():
    # Three at 90 straddle A/B; ND puts e3 first (A); e1 and e2 stay equal, both B: no tie left.
    result = rank_and_fill(
        [entry("e1", 90, 50), entry("e2", 90, 50), entry("e3", 90, 60)], TIERS, breakers=[ND])
    assert placed(result) == [("e3", 1, "A", ND), ("e1", 2, "B", ND), ("e2", 2, "B", ND)]
    assert result.boundary_ties == []


def test_tie_breakers_leave_ties_inside_a_tier_alone():
    result = rank_and_fill(
        [entry("e1", 99, 1), entry("e2", 90, 50), entry("e3", 90, 60)], TIERS, breakers=[ND])
    assert placed(result) == [("e1", 1, "A", None), ("e2", 2, "B", None), ("e3", 2, "B", None)]
    assert result.decided_ties == []


def test_an_entry_without_a_value_comes_after_those_with_one():
    result = rank_and_fill([entry("e1", 90, None), entry("e2", 90, 0)], TIERS, breakers=[SK])
    assert [p.key for p in result.placements] == ["e2", "e1"]
    assert result.decided_ties[0].values == (Fraction(0), None)


def test_a_sharing_tier_takes_the_whole_tie_and_grows():
    tiers = [TierRule("A", 1), TierRule("B", 2, share_ties=True), TierRule("C", 2)]
    result = rank_and_fill(
        [entry("e1", 95), entry("e2", 90), entry("e3", 90), entry("e4", 90), entry("e5", 80),
         entry("e6", 70), entry("e7", 60)], tiers)
    assert placed(result) == [
        ("e1", 1, "A", None), ("e2", 2, "B", SHARED), ("e3", 2, "B", SHARED), ("e4", 2, "B", SHARED),
        ("e5", 5, "C", None), ("e6", 6, "C", None), ("e7", 7, None, None)]
    assert result.grown == {"B": 1}
    [decided] = result.decided_ties
    assert decided.decided_by == SHARED and decided.tiers == ("B", "C")
    assert result.boundary_ties == []


def test_sharing_the_last_prize_gives_it_to_every_tied_entry():
    tiers = [TierRule("A", 1, share_ties=True)]
    result = rank_and_fill([entry("e1", 90), entry("e2", 90), entry("e3", 80)], tiers,
                           breakers=[ND])
    assert [p.tier for p in result.placements] == ["A", "A", None]
    assert result.grown == {"A": 1}


def test_a_tier_that_does_not_share_still_asks_even_when_the_next_one_shares():
    tiers = [TierRule("A", 1), TierRule("B", 1, share_ties=True)]
    result = rank_and_fill([entry("e1", 90), entry("e2", 90)], tiers)
    assert [set(t.keys) for t in result.boundary_ties] == [{"e1", "e2"}]
    assert result.grown == {}
