"""From score sheets to a ranking: entry scores, tie-breaker values, tiers."""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from contest.domain.scoring import CriterionRule, EntryScore, ScoreSheet, criterion_score, entry_score
from contest.domain.tiering import Candidate, TieringResult, TierRule, rank_and_fill

Sheets = Mapping[Hashable, Sequence[ScoreSheet]]


@dataclass(frozen=True)
class RoundSheets:
    """An earlier round's sheets by entry, and the rubric they were scored on."""

    sheets: Sheets
    criteria: Sequence[CriterionRule]


def tie_value(breaker: str, key: Hashable, sheets: Sheets, criteria: Sequence[CriterionRule],
              earlier_rounds: Mapping[str, RoundSheets]) -> Fraction | None:
    """An entry's value under one tie-breaker: "criterion:CODE" or "round:CODE"."""
    kind, _, code = breaker.partition(":")
    if kind == "criterion":
        return criterion_score(sheets.get(key, ()), criteria, code)
    if kind == "round":
        earlier = earlier_rounds.get(code)
        if earlier is None:
            return None
        return entry_score(earlier.sheets.get(key, ()), earlier.criteria).score
    raise ValueError(f"unknown tie-breaker {breaker!r}")


def rank_sheets(
    sheets: Sheets,
    criteria: Sequence[CriterionRule],
    tiers: Sequence[TierRule],
    breakers: Sequence[str] = (),
    resolutions: Sequence[Sequence[Hashable]] = (),
    earlier_rounds: Mapping[str, RoundSheets] | None = None,
) -> tuple[dict[Hashable, EntryScore], TieringResult]:
    """Score every entry of ``sheets`` (in its order) and rank the complete ones.

    ``earlier_rounds`` maps a round's code to its sheets, for "round:" tie-breakers.
    An entry's sheets are only those that count for its score (its judges', this round).
    """
    earlier_rounds = earlier_rounds or {}
    scores = {key: entry_score(entry_sheets, criteria) for key, entry_sheets in sheets.items()}
    candidates = [
        Candidate(key, agg.score, tuple(tie_value(b, key, sheets, criteria, earlier_rounds)
                                        for b in breakers))
        for key, agg in scores.items() if agg.complete
    ]
    return scores, rank_and_fill(candidates, tiers, resolutions, breakers)
