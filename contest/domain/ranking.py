"""From judges' totals to a ranking under an aggregation method: scores, tie-breaker values, tiers."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby
from math import lcm

from contest.domain.aggregation import (
    MEAN,
    ZSCORE,
    EntryAggregate,
    Total,
    ranking_score,
    score_round,
)
from contest.domain.scoring import CriterionRule, EntryScore, ScoreSheet, judge_total, sheet_is_full
from contest.domain.tiering import (
    Candidate,
    TieringResult,
    TierRule,
    fill_prizes,
    fill_ranked,
    rank_and_fill,
)

Sheets = Mapping[Hashable, Sequence[ScoreSheet]]


@dataclass(frozen=True)
class RoundSheets:
    """An earlier round's sheets by entry, the rubric they were scored on and the round's method."""

    sheets: Sheets
    criteria: Sequence[CriterionRule]
    method: str = MEAN


def sheet_totals(sheets: Sheets, criteria: Sequence[CriterionRule]) -> list[Total]:
    """(entry, judge, total) of every full sheet."""
    return [(key, s.judge, judge_total(s.points, criteria))
            for key, entry_sheets in sheets.items() for s in entry_sheets if sheet_is_full(s, criteria)]


def round_scores(method: str, sheets: Sheets, criteria: Sequence[CriterionRule]) -> dict[Hashable, Fraction]:
    """Each entry's score in a round under ``method``, as it is ranked (see ranking_score)."""
    return {key: ranking_score(method, agg.score)
            for key, agg in score_round(method, sheet_totals(sheets, criteria)).items()}


def criterion_means(points: Iterable[tuple[Hashable, Fraction | int]], unit: int = 1) -> dict[Hashable, Fraction]:
    """The exact mean of one criterion's points per entry, from (entry, points) of its full sheets."""
    sums: dict[Hashable, list] = {}
    for key, value in points:
        acc = sums.setdefault(key, [0, 0])
        acc[0] += value
        acc[1] += 1
    return {key: Fraction(total) / (count * unit) for key, (total, count) in sums.items()}


def rank_scores(
    keys: Iterable[Hashable],
    scores: Mapping[Hashable, Fraction],
    tiers: Sequence[TierRule],
    breakers: Sequence[str] = (),
    resolutions: Sequence[Sequence[Hashable]] = (),
    tie_values: Mapping[str, Mapping[Hashable, Fraction]] | None = None,
) -> TieringResult:
    """Rank ``keys`` (complete entries, in their display order) on their ``scores``.

    ``tie_values`` maps each tie-breaker's name to the entries' values under it
    (an entry without one, e.g. not read in that round, comes last).
    """
    tie_values = tie_values or {}
    candidates = [
        Candidate(key, scores[key], tuple(tie_values.get(b, {}).get(key) for b in breakers))
        for key in keys
    ]
    return rank_and_fill(candidates, tiers, resolutions, breakers)


def prize_scores(
    keys: Sequence[Hashable],
    ratios: Mapping[Hashable, tuple[int, int]],
    tiers: Sequence[TierRule],
    breakers: Sequence[str] = (),
    resolutions: Sequence[Sequence[Hashable]] = (),
    tie_values: Mapping[str, Mapping[Hashable, Fraction]] | None = None,
) -> TieringResult:
    """``rank_scores`` only as far as the prizes reach (see ``fill_prizes``), the scores
    given as (numerator, denominator): the same placements for every entry that takes
    a tier or straddles a line, none for the entries ranked after the last prize.
    Scores are compared as integers (cross-multiplied to one denominator); a Fraction
    and a candidate are made only for the entries ranked."""
    pairs = [ratios[key] for key in keys]
    return rank_ordered(keys, ratio_keys(pairs), lambda i: Fraction(*pairs[i]), tiers, breakers, resolutions,
                        tie_values, prizes_only=True)


def ratio_keys(pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Integers that sort and tie as the ratios (numerator, denominator > 0) do: each
    ratio over the denominators' least common multiple."""
    common = lcm(*{d for _, d in pairs})
    return [n * (common // d) for n, d in pairs]


def rank_ordered(
    keys: Sequence[Hashable],
    order: Sequence[int],
    score_of: Callable[[int], Fraction],
    tiers: Sequence[TierRule],
    breakers: Sequence[str] = (),
    resolutions: Sequence[Sequence[Hashable]] = (),
    tie_values: Mapping[str, Mapping[Hashable, Fraction]] | None = None,
    prizes_only: bool = False,
) -> TieringResult:
    """``rank_scores`` with each key's score given as an integer ``order`` that sorts and
    ties as the scores do (e.g. each score × a common denominator), and ``score_of(i)``
    the i-th key's exact score, asked for once per group of equal scores placed (for its
    first key). With ``prizes_only``, only as
    far as the prizes reach (see ``fill_prizes``)."""
    tie_values = tie_values or {}
    # Stable in reverse too: equal scores keep their given order.
    ordered = sorted(range(len(keys)), key=order.__getitem__, reverse=True)

    def group(members: Iterable[int]) -> list[Candidate]:
        members = list(members)
        score = score_of(members[0])  # equal orders, equal scores: one score asked for per group
        if breakers:
            return [Candidate(keys[i], score, tuple(tie_values.get(b, {}).get(keys[i]) for b in breakers))
                    for i in members]
        return [Candidate(keys[i], score) for i in members]

    groups = (group(members) for _, members in groupby(ordered, key=order.__getitem__))
    return (fill_prizes if prizes_only else fill_ranked)(groups, tiers, resolutions, breakers)


def sheet_tie_values(breakers: Sequence[str], sheets: Sheets, criteria: Sequence[CriterionRule],
                     earlier_rounds: Mapping[str, RoundSheets]) -> dict[str, dict[Hashable, Fraction]]:
    """Each tie-breaker's values by entry: "criterion:CODE" the criterion's mean over the
    full sheets, "round:CODE" the earlier round's score under its method."""
    values: dict[str, dict[Hashable, Fraction]] = {}
    for breaker in breakers:
        kind, _, code = breaker.partition(":")
        if kind == "criterion":
            values[breaker] = criterion_means(
                (key, Fraction(s.points[code])) for key, entry_sheets in sheets.items()
                for s in entry_sheets if sheet_is_full(s, criteria))
        elif kind == "round":
            earlier = earlier_rounds.get(code)
            values[breaker] = ({} if earlier is None
                               else round_scores(earlier.method, earlier.sheets, earlier.criteria))
        else:
            raise ValueError(f"unknown tie-breaker {breaker!r}")
    return values


def rank_sheets(
    sheets: Sheets,
    criteria: Sequence[CriterionRule],
    tiers: Sequence[TierRule],
    breakers: Sequence[str] = (),
    resolutions: Sequence[Sequence[Hashable]] = (),
    earlier_rounds: Mapping[str, RoundSheets] | None = None,
    method: str = MEAN,
    final_score: Callable[[Hashable, Fraction | None], Fraction | None] | None = None,
) -> tuple[dict[Hashable, EntryScore], TieringResult]:
    """Score every entry of ``sheets`` (in its order) under ``method`` and rank the complete ones.

    ``earlier_rounds`` maps a round's code to its sheets, for "round:" tie-breakers;
    ``final_score(key, score)`` turns an entry's score here into the one it is ranked on.
    An entry's sheets are only those that count for its score (its judges', this round).
    An entry's score is the one it is ranked on (under zscore, rounded to 2 decimals).
    """
    aggregates: dict[Hashable, EntryAggregate] = score_round(method, sheet_totals(sheets, criteria))
    scores = {}
    for key, entry_sheets in sheets.items():
        agg = aggregates.get(key)
        counted = agg.counted if agg else 0
        score = None if agg is None else ranking_score(method, agg.score)
        if final_score is not None:  # e.g. the rounds' weighted combination
            score = final_score(key, score)
        scores[key] = EntryScore(score, bool(entry_sheets) and counted == len(entry_sheets), counted,
                                 len(entry_sheets))
    complete = [key for key, score in scores.items() if score.complete and score.score is not None]
    result = rank_scores(complete, {key: scores[key].score for key in complete}, tiers, breakers,
                         resolutions, sheet_tie_values(breakers, sheets, criteria, earlier_rounds or {}))
    return scores, result
