"""Entry scores: weighted judge totals, exact means, completeness, half-up rounding."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from contest.domain.scoring import (
    CriterionRule,
    ScoreSheet,
    entry_score,
    format_score,
    judge_total,
    max_total,
    sheet_is_full,
    to_decimal,
)

D = Decimal
RUBRIC = [
    CriterionRule("ND", D(40)),
    CriterionRule("HT", D(30)),
    CriterionRule("LT", D(30)),
]
WEIGHTED = [
    CriterionRule("ND", D(10), D(3)),
    CriterionRule("HT", D(10), D("1.5")),
    CriterionRule("LT", D(10), D("0.125")),
]


def sheet(judge: str, nd, ht, lt, submitted: bool = True) -> ScoreSheet:
    points = {code: (None if v is None else D(str(v))) for code, v in
              (("ND", nd), ("HT", ht), ("LT", lt))}
    return ScoreSheet(judge, points, submitted)


@pytest.mark.parametrize(("points", "criteria", "expected"), [
    ({"ND": D(40), "HT": D(30), "LT": D(30)}, RUBRIC, Fraction(100)),
    ({"ND": D("46.5"), "HT": D(0), "LT": D("0.5")}, RUBRIC, Fraction(47)),
    ({"ND": D(2), "HT": D(4), "LT": D(8)}, WEIGHTED, Fraction(6 + 6 + 1)),
    ({"ND": D("0.01"), "HT": D(0), "LT": D("0.01")}, WEIGHTED,
     Fraction(3, 100) + Fraction(1, 800)),
])
def test_judge_total_is_points_times_weight(points, criteria, expected):
    total = judge_total(points, criteria)
    assert isinstance(total, Fraction)
    assert total == expected


def test_max_total_uses_weights():
    assert max_total(RUBRIC) == 100
    assert max_total(WEIGHTED) == Fraction(30 + 15) + Fraction(10, 8)


def test_entry_score_is_the_exact_mean_of_full_sheets():
    result = entry_score([sheet("a", 30, 20, 20), sheet("b", 30, 20, 21), sheet("c", 30, 20, 21)],
                         RUBRIC)
    assert result.score == Fraction(212, 3)
    assert isinstance(result.score, Fraction)
    assert (result.complete, result.counted, result.assigned) == (True, 3, 3)


def test_half_points_stay_exact():
    result = entry_score([sheet("a", "39.5", "29.5", "0.5"), sheet("b", "0.5", 0, 0)], RUBRIC)
    assert result.score == Fraction(70, 2) == 35


@pytest.mark.parametrize("unfinished", [
    pytest.param(sheet("z", 40, 30, 30, submitted=False), id="draft"),
    pytest.param(sheet("z", 40, 30, None, submitted=True), id="submitted-but-partial"),
    pytest.param(sheet("z", 40, None, None, submitted=False), id="partial-draft"),
    pytest.param(ScoreSheet("z", {}, False), id="empty"),
])
def test_drafts_and_partial_sheets_do_not_count_and_make_the_entry_incomplete(unfinished):
    result = entry_score([sheet("a", 20, 20, 20), unfinished, sheet("b", 30, 30, 30)], RUBRIC)
    assert result.score == 75
    assert result.counted == 2
    assert result.assigned == 3
    assert result.complete is False


def test_complete_only_when_every_assigned_judge_submitted_everything():
    sheets = [sheet("a", 20, 20, 20), sheet("b", 30, 30, 30)]
    assert entry_score(sheets, RUBRIC).complete is True
    assert entry_score([*sheets, sheet("c", 1, 1, 1, submitted=False)], RUBRIC).complete is False


def test_a_sheet_scoring_an_unknown_extra_criterion_still_counts_once_all_are_there():
    full = ScoreSheet("a", {"ND": D(1), "HT": D(1), "LT": D(1), "OLD": D(99)})
    assert sheet_is_full(full, RUBRIC)
    assert entry_score([full], RUBRIC).score == 3


@pytest.mark.parametrize("sheets", [
    pytest.param([], id="no-sheets"),
    pytest.param([sheet("a", 1, 1, 1, submitted=False)], id="only-a-draft"),
    pytest.param([sheet("a", 1, None, 1)], id="only-a-partial-sheet"),
])
def test_no_full_sheet_means_no_score_and_incomplete(sheets):
    result = entry_score(sheets, RUBRIC)
    assert result.score is None
    assert result.complete is False
    assert result.counted == 0
    assert result.assigned == len(sheets)


def test_zero_points_are_a_score_not_a_missing_one():
    result = entry_score([sheet("a", 0, 0, 0)], RUBRIC)
    assert result.score == 0
    assert result.complete is True


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(256, 3), "85.33"),
    (Fraction(257, 3), "85.67"),
    (Fraction(8565, 1000), "8.57"),     # exactly x.xx5: up, where float(8.565) rounds down
    (Fraction(8555, 1000), "8.56"),
    (Fraction(1005, 1000), "1.01"),     # float 1.005 is 1.00499…
    (Fraction(2675, 1000), "2.68"),     # float 2.675 is 2.67499…
    (Fraction(8_533_499_999, 10**8), "85.33"),  # 85.33499999: just below the half
    (Fraction(85335, 1000), "85.34"),
    (Fraction(0), "0.00"),
    (Fraction(100), "100.00"),
    (Fraction(1, 200), "0.01"),
    (Fraction(1, 201), "0.00"),
    (Fraction(575, 6), "95.83"),
    (Fraction(99999, 1000), "100.00"),
])
def test_to_decimal_rounds_half_up_exactly(value, expected):
    rounded = to_decimal(value)
    assert isinstance(rounded, Decimal)
    assert str(rounded) == expected
    assert format_score(value) == expected


def test_to_decimal_never_goes_through_floats():
    # 10**30 + 0.005 is beyond any float's precision; exact arithmetic still rounds it up.
    value = Fraction(10**30) + Fraction(5, 1000)
    assert to_decimal(value) == Decimal(10**30) + Decimal("0.01")
    assert to_decimal(Fraction(1, 3), places=4) == Decimal("0.3333")
    assert to_decimal(Fraction(2, 3), places=0) == Decimal(1)


def test_format_score_of_no_score_is_none():
    assert format_score(None) is None


@pytest.mark.parametrize(("done", "total", "expected"), [(0, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100)])
def test_progress_percent(done, total, expected):
    from contest.domain.progress import percent

    assert percent(done, total) == expected
