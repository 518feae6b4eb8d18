"""Who goes on from one round to the next: the top N, the top N per category, a minimum
score, or the organizer's pick. A tie at the cut takes every tied entry along.

Pure: candidates are (key, score, category) with exact scores, compared as given.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

TOP, TOP_PER_CATEGORY, MIN_SCORE, PICK = "top", "top_per_category", "min_score", "pick"
RULE, TIE = "rule", "tie"  # why an entry goes on, besides PICK


class AdvancementError(ValueError):
    """The rule cannot be applied: ``unknown`` keys were picked, or nothing was."""

    def __init__(self, message: str, unknown: Sequence[Hashable] = ()):
        super().__init__(message)
        self.unknown = tuple(unknown)


@dataclass(frozen=True)
class AdvanceCandidate:
    key: Hashable
    score: Fraction
    category: Hashable = None


@dataclass(frozen=True)
class AdvanceRule:
    """``kind`` is TOP, TOP_PER_CATEGORY, MIN_SCORE or PICK; ``count`` the N of the top rules."""

    kind: str
    count: int | None = None
    min_score: Decimal | Fraction | None = None


@dataclass(frozen=True)
class Advancing:
    """An entry that goes on: its rank in the round (1, 2, 2, 4) and why (RULE, TIE, PICK)."""

    key: Hashable
    rank: int
    score: Fraction
    reason: str


@dataclass(frozen=True)
class CutTie:
    """Equal scores across a top-N cut: all of them go on, ``extra`` more than N in all."""

    score: Fraction
    keys: tuple[Hashable, ...]
    extra: int
    category: Hashable = None


@dataclass
class AdvanceResult:
    advancing: list[Advancing]
    ties: list[CutTie] = field(default_factory=list)
    ranks: dict[Hashable, int] = field(default_factory=dict)

    @property
    def keys(self) -> list[Hashable]:
        return [a.key for a in self.advancing]


def rank(candidates: Iterable[AdvanceCandidate]) -> list[tuple[int, AdvanceCandidate]]:
    """Best first, with ranks 1, 2, 2, 4; equal scores keep their given order.

    Sorted on the score as a float first, so the exact scores are compared only
    where two floats are equal (a float cannot put two exact scores in the wrong
    order, only fail to tell them apart).
    """
    ordered = sorted(enumerate(candidates), key=lambda ic: (-float(ic[1].score), -ic[1].score, ic[0]))
    ranked, position = [], 1
    for _, members in groupby((c for _, c in ordered), key=lambda c: c.score):
        group = list(members)
        ranked.extend((position, c) for c in group)
        position += len(group)
    return ranked


def _top(ranked: list[tuple[int, AdvanceCandidate]], count: int,
         category: Hashable = None) -> tuple[list[tuple[int, AdvanceCandidate, str]], CutTie | None]:
    """The best ``count``, and everyone equal to the last of them."""
    if count >= len(ranked):
        return [(r, c, RULE) for r, c in ranked], None
    cut = ranked[count - 1][1].score
    # Best first: the cut's equals follow it, and nothing after them reaches it.
    end = count
    while end < len(ranked) and ranked[end][1].score == cut:
        end += 1
    inside = ranked[:end]
    if len(inside) == count and ranked[count][1].score < cut:
        return [(r, c, RULE) for r, c in inside], None
    tied = tuple(c.key for _, c in inside if c.score == cut)
    chosen = [(r, c, TIE if c.score == cut else RULE) for r, c in inside]
    return chosen, CutTie(cut, tied, len(inside) - count, category)


def select_advancing(candidates: Iterable[AdvanceCandidate], rule: AdvanceRule,
                     picked: Collection[Hashable] = ()) -> AdvanceResult:
    """Apply ``rule`` to one round's candidates (every entry of the round, fully scored)."""
    ranked = rank(candidates)
    ranks = {c.key: r for r, c in ranked}
    chosen: list[tuple[int, AdvanceCandidate, str]] = []
    ties: list[CutTie] = []
    if rule.kind == TOP:
        chosen, tie = _top(ranked, rule.count)
        ties = [tie] if tie else []
    elif rule.kind == TOP_PER_CATEGORY:
        by_category: dict[Hashable, list[tuple[int, AdvanceCandidate]]] = {}
        for r, c in ranked:
            by_category.setdefault(c.category, []).append((r, c))
        for category, members in by_category.items():
            part, tie = _top(members, rule.count, category)
            chosen.extend(part)
            ties.extend([tie] if tie else [])
        chosen.sort(key=lambda t: t[0])
    elif rule.kind == MIN_SCORE:
        chosen = [(r, c, RULE) for r, c in ranked if c.score >= Fraction(rule.min_score)]
    elif rule.kind == PICK:
        picked = set(picked)
        unknown = sorted(picked - set(ranks), key=str)
        if unknown:
            raise AdvancementError(f"not entries of this round: {', '.join(map(str, unknown))}", unknown)
        if not picked:
            raise AdvancementError("pick at least one entry")
        chosen = [(r, c, PICK) for r, c in ranked if c.key in picked]
    else:
        raise ValueError(f"unknown advancement rule {rule.kind!r}")
    return AdvanceResult([Advancing(c.key, r, c.score, reason) for r, c, reason in chosen], ties, ranks)


@dataclass(frozen=True)
class RoundWeight:
    """A round's share in the final score."""

    code: Hashable
    weight: Fraction


def combined_score(scores: dict[Hashable, Fraction | None], weights: Sequence[RoundWeight]) -> Fraction | None:
    """Σ weight × round score over Σ weight, for an entry scored in every weighted round.

    With the default weights (0 for all but the last round, 1 for the last)
    it is the last round's score.
    """
    weighted = [(w.weight, scores.get(w.code)) for w in weights if w.weight]
    if not weighted or any(score is None for _, score in weighted):
        return None
    total = sum((w for w, _ in weighted), Fraction(0))
    return sum((w * s for w, s in weighted), Fraction(0)) / total
