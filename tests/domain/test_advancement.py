"""Who goes on to the next round, by hand-counted cases: every rule, ties at the cut."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from contest.domain.advancement import (
    MIN_SCORE,
    PICK,
    RULE,
    TIE,
    TOP,
    TOP_PER_CATEGORY,
    AdvanceCandidate,
    AdvancementError,
    AdvanceRule,
    RoundWeight,
    combined_score,
    select_advancing,
)


def field(*scores, categories: str | None = None) -> list[AdvanceCandidate]:
    """Candidates E1, E2, … with the given scores (and categories, one letter each)."""
    return [AdvanceCandidate(f"E{i}", Fraction(s), categories[i - 1] if categories else None)
            for i, s in enumerate(scores, 1)]


def test_top_n_without_a_tie():
    result = select_advancing(field(90, 80, 70, 60), AdvanceRule(TOP, 2))
    assert [(a.key, a.rank, a.reason) for a in result.advancing] == [("E1", 1, RULE), ("E2", 2, RULE)]
    assert result.ties == []
    assert result.ranks == {"E1": 1, "E2": 2, "E3": 3, "E4": 4}


def test_a_tie_at_the_cut_takes_every_tied_entry():
    # Top 3 of 90, 80, 75, 75, 75, 60: the third place is shared by three entries.
    result = select_advancing(field(90, 80, 75, 75, 75, 60), AdvanceRule(TOP, 3))
    assert [(a.key, a.rank, a.reason) for a in result.advancing] == [
        ("E1", 1, RULE), ("E2", 2, RULE), ("E3", 3, TIE), ("E4", 3, TIE), ("E5", 3, TIE)]
    (tie,) = result.ties
    assert (tie.score, tie.keys, tie.extra) == (75, ("E3", "E4", "E5"), 2)


def test_a_tie_just_inside_the_cut_is_no_tie_at_the_cut():
    result = select_advancing(field(90, 80, 80, 70), AdvanceRule(TOP, 3))
    assert result.keys == ["E1", "E2", "E3"]
    assert [a.reason for a in result.advancing] == [RULE, RULE, RULE] and result.ties == []


def test_exact_fractions_decide_not_the_shown_scores():
    # 245/3 = 81.666… and 81.67 show alike, but the first is lower.
    result = select_advancing([AdvanceCandidate("A", Fraction(8167, 100)),
                               AdvanceCandidate("B", Fraction(245, 3))], AdvanceRule(TOP, 1))
    assert result.keys == ["A"] and result.ties == []


def test_more_places_than_entries_takes_everyone():
    result = select_advancing(field(50, 40), AdvanceRule(TOP, 40))
    assert result.keys == ["E1", "E2"] and result.ties == []


def test_top_per_category_with_a_tie_in_one_category():
    # Category a: 90, 70, 70; category b: 85, 60. Top 1 of b, top 2 of a with a tie.
    result = select_advancing(field(90, 85, 70, 70, 60, categories="abaab"), AdvanceRule(TOP_PER_CATEGORY, 2))
    assert [(a.key, a.reason) for a in result.advancing] == [
        ("E1", RULE), ("E2", RULE), ("E3", TIE), ("E4", TIE), ("E5", RULE)]
    (tie,) = result.ties
    assert (tie.category, tie.keys, tie.extra) == ("a", ("E3", "E4"), 1)
    # Ranks stay the round's overall ranks.
    assert [a.rank for a in result.advancing] == [1, 2, 3, 3, 5]


def test_min_score_includes_the_score_itself():
    result = select_advancing(field(71, 70, Fraction(139, 2)), AdvanceRule(MIN_SCORE, min_score=Decimal(70)))
    assert result.keys == ["E1", "E2"] and result.ties == []


def test_the_organizers_pick_in_rank_order():
    result = select_advancing(field(90, 80, 70), AdvanceRule(PICK), picked={"E3", "E1"})
    assert [(a.key, a.rank, a.reason) for a in result.advancing] == [("E1", 1, PICK), ("E3", 3, PICK)]


def test_a_pick_of_unknown_entries_or_of_nothing_is_refused():
    with pytest.raises(AdvancementError) as caught:
        select_advancing(field(90, 80), AdvanceRule(PICK), picked={"E1", "X9"})
    assert caught.value.unknown == ("X9",)
    with pytest.raises(AdvancementError):
        select_advancing(field(90, 80), AdvanceRule(PICK), picked=set())


@pytest.mark.parametrize("scores, weights, expected", [
    # Default weights: the last round's score.
    ({"SK": Fraction(80), "CK": Fraction(90)}, [("SK", 0), ("CK", 1)], Fraction(90)),
    # 30 % preliminary + 70 % final: 0.3 × 80 + 0.7 × 90 = 87.
    ({"SK": Fraction(80), "CK": Fraction(90)}, [("SK", Fraction(3, 10)), ("CK", Fraction(7, 10))], Fraction(87)),
    # Weights need not add up to 1: 1 × 80 + 3 × 90 over 4 = 87.5.
    ({"SK": Fraction(80), "CK": Fraction(90)}, [("SK", 1), ("CK", 3)], Fraction(175, 2)),
    # Not scored in a weighted round: no combined score.
    ({"SK": Fraction(80), "CK": None}, [("SK", Fraction(3, 10)), ("CK", Fraction(7, 10))], None),
])
def test_combined_score(scores, weights, expected):
    assert combined_score(scores, [RoundWeight(c, Fraction(w)) for c, w in weights]) == expected


def test_scores_a_float_cannot_tell_apart_are_ranked_exactly():
    low, high = Fraction(245, 3), Fraction(245, 3) + Fraction(1, 10**30)
    assert float(low) == float(high)
    result = select_advancing([AdvanceCandidate("A", low), AdvanceCandidate("B", high),
                               AdvanceCandidate("C", Fraction(80))], AdvanceRule(TOP, 1))
    assert result.keys == ["B"] and result.ranks == {"B": 1, "A": 2, "C": 3} and result.ties == []
