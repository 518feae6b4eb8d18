"""Rank entries by score and fill prize tiers by quota, reporting boundary ties."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import chain, groupby
from typing import NamedTuple
from math import lcm


# How a tie was decided, besides a tie-breaker's name such as "criterion:ND".
BY_ORGANIZER = "organizer"
SHARED = "share"


@dataclass(frozen=True)
class TierRule:
    """A prize tier: filled in order, up to ``quota``, never below ``min_score``.

    ``share_ties``: equal scores straddling this tier's line all take the tier,
    which grows beyond its quota for them.
    """

    code: str
    quota: int
    min_score: Decimal | Fraction | None = None
    share_ties: bool = False

    def admits(self, score: Fraction) -> bool:
        return self.min_score is None or score >= Fraction(self.min_score)


class Candidate(NamedTuple):
    """A complete entry that takes part in the ranking.

    ``tie_values`` holds its value under each tie-breaker, in the order they
    apply (higher first; None, e.g. not read in that round, comes last).
    A tuple: a ranking makes one per entry.
    """

    key: Hashable
    score: Fraction
    tie_values: tuple[Fraction | None, ...] = ()


class Placement(NamedTuple):
    """Where one entry ends up.

    ``tier`` is None for an entry without a prize and for every entry of an
    unresolved boundary tie, whose possible tiers are in ``contested_tiers``.
    ``decided_by`` says what settled a tie it was in: a tie-breaker's name,
    BY_ORGANIZER or SHARED. A tuple: a ranking makes one per entry.
    """

    key: Hashable
    score: Fraction
    rank: int
    tier: str | None
    boundary_tie: bool = False
    contested_tiers: tuple[str | None, ...] = ()
    decided_by: str | None = None

    @property
    def tie_resolved(self) -> bool:
        """Ordered by an organizer's recorded decision."""
        return self.decided_by == BY_ORGANIZER


@dataclass(frozen=True)
class BoundaryTie:
    """Equal scores that straddle a tier boundary or the last prize."""

    score: Fraction
    keys: tuple[Hashable, ...]
    tiers: tuple[str | None, ...]


@dataclass(frozen=True)
class DecidedTie:
    """A group of equal scores and what decided it: the keys best first.

    ``values`` are the deciding tie-breaker's values in the order of ``keys``
    (empty when an organizer ordered them or they shared the tier).
    """

    score: Fraction
    keys: tuple[Hashable, ...]
    tiers: tuple[str | None, ...]
    decided_by: str
    values: tuple[Fraction | None, ...] = ()


@dataclass(frozen=True)
class TieringResult:
    placements: list[Placement]
    boundary_ties: list[BoundaryTie] = field(default_factory=list)
    decided_ties: list[DecidedTie] = field(default_factory=list)
    # Tier code → how many entries it holds beyond its quota (shared ties).
    grown: dict[str, int] = field(default_factory=dict)

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

    @property
    def closed(self) -> bool:
        """Every tier is full or closed: no later entry takes one."""
        if self.index >= len(self.tiers):
            return True
        return (self.used >= self.tiers[self.index].quota
                and all(t.quota <= 0 for t in self.tiers[self.index + 1:]))

    def peek(self, score: Fraction, count: int) -> list[str | None]:
        """The codes ``count`` entries of this score would take, taking none."""
        saved = self.index, self.used
        labels = [self.take(score) for _ in range(count)]
        self.index, self.used = saved
        return labels

    def rule(self, code: str | None) -> TierRule | None:
        return next((t for t in self.tiers if t.code == code), None)

    def share(self, score: Fraction, count: int) -> tuple[str, int]:
        """All ``count`` take the next tier; returns it and how far it outgrew its quota."""
        code = self.take(score)
        tier = self.tiers[self.index]
        extra = max(0, self.used + count - 1 - tier.quota)
        self.index += 1
        self.used = 0
        return code, extra


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


def _descending(value: Fraction | None) -> tuple:
    return (value is None, -(value or 0))


class _Ranker:
    def __init__(self, tiers, resolutions, breakers):
        self.slots = _Slots(tiers)
        self.orderings = {frozenset(r): list(r) for r in resolutions}
        self.breakers = list(breakers)
        self.placements: list[Placement] = []
        self.ties: list[BoundaryTie] = []
        self.decided: list[DecidedTie] = []
        self.grown: dict[str, int] = {}

    def settle(self, group: list[Candidate], position: int, level: int = 0,
               decided_by: str | None = None) -> None:
        """Place one group of equal scores, trying each way to order it in turn."""
        score = group[0].score
        keys = [c.key for c in group]
        labels = self.slots.peek(score, len(group))
        straddles = len(set(labels)) > 1
        top = self.slots.rule(labels[0])
        if straddles and top is not None and top.share_ties:
            code, extra = self.slots.share(score, len(group))
            if extra:
                self.grown[code] = self.grown.get(code, 0) + extra
            self.decided.append(DecidedTie(score, tuple(keys), _unique(labels), SHARED))
            self.placements.extend(Placement(k, score, position, code, decided_by=SHARED) for k in keys)
            return
        if straddles and level < len(self.breakers):
            self.split(group, position, level, labels)
            return
        resolved = self.orderings.get(frozenset(keys)) if len(group) > 1 else None
        if resolved is not None and len(resolved) == len(keys):
            if straddles:
                self.decided.append(DecidedTie(score, tuple(resolved), _unique(labels), BY_ORGANIZER))
            for offset, key in enumerate(resolved):
                self.placements.append(Placement(
                    key, score, position + offset, self.slots.take(score), decided_by=BY_ORGANIZER))
            return
        labels = [self.slots.take(score) for _ in group]
        if straddles:
            contested = _unique(labels)
            self.ties.append(BoundaryTie(score, tuple(keys), contested))
            self.placements.extend(Placement(k, score, position, None, True, contested) for k in keys)
        else:
            self.placements.extend(Placement(k, score, position, labels[0], decided_by=decided_by)
                                   for k in keys)

    def after_prizes(self, group: list[Candidate], position: int) -> None:
        """Place a group once every tier is closed: what ``settle`` gives it then (no
        tier, no line to straddle, an organizer's ordering still orders it), in fewer steps."""
        score = group[0].score
        if len(group) > 1:
            resolved = self.orderings.get(frozenset(c.key for c in group))
            if resolved is not None and len(resolved) == len(group):
                self.placements.extend(Placement(key, score, position + offset, None, decided_by=BY_ORGANIZER)
                                       for offset, key in enumerate(resolved))
                return
        self.placements.extend(Placement(c.key, score, position, None) for c in group)

    def split(self, group: list[Candidate], position: int, level: int, labels: list) -> None:
        """Order a boundary tie by the tie-breaker of ``level``; what stays equal goes on."""
        value = lambda c: c.tie_values[level] if level < len(c.tie_values) else None  # noqa: E731
        ordered = sorted(group, key=lambda c: _descending(value(c)))
        parts = [list(part) for _, part in groupby(ordered, key=value)]
        if len(parts) == 1:
            self.settle(group, position, level + 1)
            return
        name = self.breakers[level]
        self.decided.append(DecidedTie(group[0].score, tuple(c.key for c in ordered),
                                       _unique(labels), name, tuple(value(c) for c in ordered)))
        for part in parts:
            self.settle(part, position, level + 1, decided_by=name)
            position += len(part)


def rank_and_fill(
    candidates: Iterable[Candidate],
    tiers: Sequence[TierRule],
    resolutions: Iterable[Sequence[Hashable]] = (),
    breakers: Sequence[str] = (),
) -> TieringResult:
    """Rank candidates (1, 2, 2, 4) and fill ``tiers`` in order.

    Candidates with equal scores keep their given order for display only. A
    group of equal scores straddling a tier line (a boundary tie) is settled,
    in this order: shared, when the tier it reaches shares ties; ordered by
    the tie-breakers named in ``breakers`` (each candidate's ``tie_values``),
    what stays equal going on to the next; by an organizer's resolution, an
    ordering (best first) of exactly the keys still tied; otherwise reported.
    A resolution also orders a group that straddles nothing (ranks only).
    """
    candidates = list(candidates)
    keys = integer_keys([c.score for c in candidates])
    # Stable in reverse too: equal scores keep their given order.
    ordered = sorted(range(len(candidates)), key=keys.__getitem__, reverse=True)
    groups = ([candidates[i] for i in members] for _, members in groupby(ordered, key=keys.__getitem__))
    return _fill(groups, tiers, resolutions, breakers)


def fill_ranked(
    groups: Iterable[list[Candidate]],
    tiers: Sequence[TierRule],
    resolutions: Iterable[Sequence[Hashable]] = (),
    breakers: Sequence[str] = (),
) -> TieringResult:
    """``rank_and_fill`` over groups of equal scores given best first (each in display order)."""
    return _fill(groups, tiers, resolutions, breakers)


def fill_prizes(
    groups: Iterable[list[Candidate]],
    tiers: Sequence[TierRule],
    resolutions: Iterable[Sequence[Hashable]] = (),
    breakers: Sequence[str] = (),
) -> TieringResult:
    """``rank_and_fill`` over groups of equal scores given best first, stopped once every
    tier is closed: the placements of the entries ranked until then, the same as
    ``rank_and_fill`` gives them. Every later entry would take no tier and straddle no
    line, so ``groups`` is read only as far as the prizes reach."""
    return _fill(groups, tiers, resolutions, breakers, prizes_only=True)


def _fill(groups: Iterable[list[Candidate]], tiers: Sequence[TierRule], resolutions, breakers,
          prizes_only: bool = False) -> TieringResult:
    ranker = _Ranker(tiers, resolutions, breakers)
    position = 1
    groups = iter(groups)
    for group in groups:
        if ranker.slots.closed:  # and stays closed: no later group takes a tier
            for later in () if prizes_only else chain([group], groups):
                ranker.after_prizes(later, position)
                position += len(later)
            break
        ranker.settle(group, position)
        position += len(group)
    return TieringResult(ranker.placements, ranker.ties, ranker.decided, ranker.grown)


def integer_keys(scores: list[Fraction]) -> list[int]:
    """The scores as integers in the same order (each × the denominators' least common
    multiple): sorting and grouping integers is many times faster than Fractions."""
    fractions = [Fraction(s) if not isinstance(s, Fraction) else s for s in scores]
    common = lcm(*{f.denominator for f in fractions})
    return [f.numerator * (common // f.denominator) for f in fractions]
