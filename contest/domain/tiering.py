"""Rank entries by score and fill prize tiers by quota, reporting boundary ties."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import groupby


@dataclass(frozen=True)
class TierRule:
    """A prize tier: filled in order, up to ``quota``, never below ``min_score``."""

    code: str
    quota: int
    min_score: Decimal | Fraction | None = None

    def admits(self, score: Fraction) -> bool:
        return self.min_score is None or score >= Fraction(self.min_score)


@dataclass(frozen=True)
class Candidate:
    """A complete entry that takes part in the ranking."""

    key: Hashable
    score: Fraction


@dataclass(frozen=True)
class Placement:
    """Where one entry ends up.

    ``tier`` is None for an entry without a prize and for every entry of an
    unresolved boundary tie, whose possible tiers are in ``contested_tiers``.
    """

    key: Hashable
    score: Fraction
    rank: int
    tier: str | None
    boundary_tie: bool = False
    contested_tiers: tuple[str | None, ...] = ()
    tie_resolved: bool = False


@dataclass(frozen=True)
class BoundaryTie:
    """Equal scores that straddle a tier boundary or the last prize."""

    score: Fraction
    keys: tuple[Hashable, ...]
    tiers: tuple[str | None, ...]


@dataclass(frozen=True)
class TieringResult:
    placements: list[Placement]
    boundary_ties: list[BoundaryTie] = field(default_factory=list)

    def by_key(self) -> dict[Hashable, Placement]:
        return {p.key: p for p in self.placements}

    def winners(self) -> list[Placement]:
        return [p for p in self.placements if p.tier is not None]


class _Slots:
    """Hands out tier codes to positions in ranking order."""

    def __init__(self, tiers: Sequence[TierRule]):
        self.tiers = list(tiers)
        self.index = 0
        self.used = 0

    def take(self, score: Fraction) -> str | None:
        while self.index < len(self.tiers):
            tier = self.tiers[self.index]
            if self.used < tier.quota and tier.admits(score):
                self.used += 1
                return tier.code
            # Scores only go down from here: a full tier, or one this score is
            # too low for, is closed for every later entry too.
            self.index += 1
            self.used = 0
        return None


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


def rank_and_fill(
    candidates: Iterable[Candidate],
    tiers: Sequence[TierRule],
    resolutions: Iterable[Sequence[Hashable]] = (),
) -> TieringResult:
    """Rank candidates (1, 2, 2, 4) and fill ``tiers`` in order.

    Candidates with equal scores keep their given order for display only.
    A resolution is an ordering (best first) of the keys of one group of
    equal scores; it applies only while the group holds exactly those keys.
    """
    ordered = sorted(enumerate(candidates), key=lambda ic: (-ic[1].score, ic[0]))
    orderings = {frozenset(r): list(r) for r in resolutions}
    slots = _Slots(tiers)
    placements: list[Placement] = []
    ties: list[BoundaryTie] = []
    position = 1
    for score, members in groupby((c for _, c in ordered), key=lambda c: c.score):
        group = list(members)
        keys = [c.key for c in group]
        resolved = orderings.get(frozenset(keys)) if len(group) > 1 else None
        if resolved is not None and len(resolved) != len(keys):
            resolved = None  # a key listed twice: not an ordering of this group
        if resolved is not None:
            for offset, key in enumerate(resolved):
                placements.append(Placement(
                    key, score, position + offset, slots.take(score), tie_resolved=True,
                ))
        else:
            labels = [slots.take(score) for _ in group]
            if len(set(labels)) == 1:
                placements.extend(Placement(k, score, position, labels[0]) for k in keys)
            else:
                contested = _unique(labels)
                ties.append(BoundaryTie(score, tuple(keys), contested))
                placements.extend(
                    Placement(k, score, position, None, True, contested) for k in keys
                )
        position += len(group)
    return TieringResult(placements, ties)
