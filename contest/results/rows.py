"""A ranking's rows, each made when something reads it: a page of 100 rows of a 50,000-entry
ranking makes those 100 rows (and the few its ties and prizes name), not 50,000.

``RowSource`` holds what the rows are made from as plain values (tier codes, no database
object), so a ranking kept between requests (cache.py) keeps it as it is and binds its
tier codes to each request's tiers.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from contest.domain.scoring import format_score
from contest.domain.tiering import BY_ORGANIZER, SHARED, Placement
from contest.models import Entry, PrizeTier
from contest.results.totals import SheetCount

TierOf = Callable[[str | None], PrizeTier | None]
ROW_LISTS = ("ranked", "stopped", "incomplete")
NO_SHEETS = SheetCount()


@dataclass
class RankingRow:
    """One entry in the ranking: its score under the method, the plain mean beside it,
    and where each puts it. ``entry`` is there once ``load_entries`` ran for the row."""

    entry_id: int
    code: str
    score: Fraction | None
    complete: bool
    counted: int
    assigned: int
    raw_score: Fraction | None = None
    disagreement: bool = False
    round_code: str = ""
    round_scores: dict[str, Fraction | None] = field(default_factory=dict)
    rank: int | None = None
    tier: PrizeTier | None = None
    boundary_tie: bool = False
    contested: tuple[PrizeTier | None, ...] = ()
    decided_by: str | None = None
    rank_if_mean: int | None = None
    tier_if_mean: PrizeTier | None = None
    loaded: Entry | None = None

    @property
    def entry(self) -> Entry:
        if self.loaded is None:
            raise LookupError(f"entry {self.code} not loaded: call load_entries first")
        return self.loaded

    @property
    def score_text(self) -> str | None:
        return format_score(self.score)

    @property
    def raw_score_text(self) -> str | None:
        return format_score(self.raw_score)

    @property
    def tie_resolved(self) -> bool:
        return self.decided_by == BY_ORGANIZER

    @property
    def tier_changes(self) -> bool:
        """The tier under the chosen method is not the one the plain mean gives."""
        return _code(self.tier) != _code(self.tier_if_mean)


def _code(tier: PrizeTier | None) -> str | None:
    return tier.code if tier is not None else None


@dataclass
class TieGroup:
    """A boundary tie: equal scores on both sides of a tier line."""

    score: Fraction
    rows: list[RankingRow]
    tiers: tuple[PrizeTier | None, ...]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rows]


@dataclass
class TieDecision:
    """A group of equal scores on a tier line and what decided it, best first.

    ``decided_by`` is a tie-breaker such as "criterion:ND", "organizer" or "share";
    ``values`` the tie-breaker's values, row by row.
    """

    score: Fraction
    rows: list[RankingRow]
    tiers: tuple[PrizeTier | None, ...]
    decided_by: str
    values: tuple[Fraction | None, ...] = ()

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rows]

    @property
    def shared(self) -> bool:
        return self.decided_by == SHARED

    @property
    def by_organizer(self) -> bool:
        return self.decided_by == BY_ORGANIZER

    @property
    def value_texts(self) -> list[str | None]:
        return [format_score(v) for v in self.values]


class _Rows(Sequence[RankingRow]):
    """What a list of rows answers besides indexing: equality with any list of rows, and +."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other):
        if isinstance(other, (list, tuple, _Rows)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __add__(self, other) -> list[RankingRow]:
        return [*self, *other]

    def __radd__(self, other) -> list[RankingRow]:
        return [*other, *self]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} rows>"


class RowList(_Rows):
    """``count`` rows, the i-th made by ``make(i)`` when it is first read, the same object after."""

    __slots__ = ("_make", "_made")

    def __init__(self, count: int, make: Callable[[int], RankingRow]):
        self._make = make
        self._made: list[RankingRow | None] = [None] * count

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._made)))]
        row = self._made[index]
        if row is None:
            index %= len(self._made)
            row = self._made[index] = self._make(index)
        return row

    def __iter__(self) -> Iterator[RankingRow]:
        for i in range(len(self._made)):
            yield self[i]


class RowChain(_Rows):
    """Lists of rows read one after the other as one, without copying them."""

    __slots__ = ("parts",)

    def __init__(self, *parts: Sequence[RankingRow]):
        self.parts = parts

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            rows: list[RankingRow] = []
            for part in self.parts:
                if stop > 0 and start < len(part):
                    rows.extend(part[max(start, 0):stop])
                start, stop = start - len(part), stop - len(part)
            return rows
        if index < 0:
            index += len(self)
        for part in self.parts:
            if 0 <= index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError("row index out of range")

    def __iter__(self) -> Iterator[RankingRow]:
        for part in self.parts:
            yield from part


class Stopped(NamedTuple):
    """An entry that stopped in an earlier round, as its row shows it."""

    entry_id: int
    code: str
    score: Fraction
    raw_score: Fraction | None
    round_code: str
    rank: int


@dataclass
class RowSource:
    """Everything a ranking's rows are made from, plain values only.

    ``scores`` and ``raw_scores``: each entry's score under the method and plain mean as
    ranked (over the rounds' weights); ``shown``: its score in the open round alone.
    ``placements``: the method's, in ranking order; ``by_mean`` the plain mean's (None:
    the same). ``tiered``: the positions in ``placements`` of the rows with a tier under
    either, or contested; every other row has none.
    """

    current: str
    code_of: dict[int, str]
    counts: dict[int, SheetCount]
    scores: dict[int, Fraction | None]
    raw_scores: dict[int, Fraction | None]
    shown: dict[int, Fraction | None]
    flagged: set
    earlier: dict[str, dict]
    placements: list[Placement]
    by_mean: list[Placement] | None
    incomplete: list[int]
    stopped: list[Stopped]
    stopped_rounds: list[tuple[str, dict]]
    tiered: frozenset[int]
    winners: list[int]
    # Each boundary tie and tie decision: its positions in ``placements``.
    tie_positions: list[tuple[int, ...]]
    decided_positions: list[tuple[int, ...]]
    ties: list = field(default_factory=list)      # the tiering's BoundaryTie, same order
    decided: list = field(default_factory=list)   # the tiering's DecidedTie, same order
    _mean_of: dict[Hashable, Placement] | None = None

    def lengths(self) -> dict[str, int]:
        return {"ranked": len(self.placements), "stopped": len(self.stopped), "incomplete": len(self.incomplete)}

    @property
    def size(self) -> int:
        return len(self.placements) + len(self.stopped) + len(self.incomplete)

    def _entry_row(self, entry_id: int) -> RankingRow:
        assigned, counted = self.counts.get(entry_id, NO_SHEETS)
        score = self.scores.get(entry_id)
        if self.earlier:
            round_scores = {c: s.get(entry_id) for c, s in self.earlier.items()}
            round_scores[self.current] = self.shown.get(entry_id)
        else:
            round_scores = {self.current: self.shown.get(entry_id)}
        return RankingRow(entry_id, self.code_of[entry_id], score, 0 < assigned == counted and score is not None,
                          counted, assigned, self.raw_scores.get(entry_id), entry_id in self.flagged,
                          self.current, round_scores)

    def _mean_placement(self, key: Hashable) -> Placement:
        if self._mean_of is None:
            self._mean_of = {p.key: p for p in self.by_mean}
        return self._mean_of[key]

    def row(self, name: str, index: int, tier_of: TierOf) -> RankingRow:
        """The row at ``index`` of the list ``name`` (one of ROW_LISTS), its tiers through ``tier_of``."""
        if name == "incomplete":
            return self._entry_row(self.incomplete[index])
        if name == "stopped":
            s = self.stopped[index]
            return RankingRow(s.entry_id, s.code, s.score, True, 0, 0, raw_score=s.raw_score, round_code=s.round_code,
                              round_scores={c: values.get(s.entry_id) for c, values in self.stopped_rounds},
                              rank=s.rank)
        p = self.placements[index]
        row = self._entry_row(p.key)
        row.rank, row.tier = p.rank, tier_of(p.tier)
        if p.boundary_tie or p.decided_by:
            row.boundary_tie, row.decided_by = p.boundary_tie, p.decided_by
        if p.contested_tiers:
            row.contested = tuple(tier_of(code) for code in p.contested_tiers)
        if self.by_mean is None:
            row.rank_if_mean, row.tier_if_mean = row.rank, row.tier
        else:
            mean = self._mean_placement(p.key)
            row.rank_if_mean, row.tier_if_mean = mean.rank, tier_of(mean.tier)
        return row

    def rows(self, make: Callable[[str, int], RankingRow]) -> dict[str, RowList]:
        """Each list's rows, ``make(name, i)`` making the i-th of ``name`` when it is read."""
        return {name: RowList(count, lambda i, name=name: make(name, i)) for name, count in self.lengths().items()}

    def tie_groups(self, ranked: Sequence[RankingRow], tier_of: TierOf) -> tuple[list[TieGroup], list[TieDecision]]:
        """The boundary ties and tie decisions, their rows those of ``ranked``."""
        def tiers(codes) -> tuple[PrizeTier | None, ...]:
            return tuple(tier_of(code) for code in codes)

        ties = [TieGroup(t.score, [ranked[i] for i in positions], tiers(t.tiers))
                for t, positions in zip(self.ties, self.tie_positions)]
        decided = [TieDecision(d.score, [ranked[i] for i in positions], tiers(d.tiers), d.decided_by, d.values)
                   for d, positions in zip(self.decided, self.decided_positions)]
        return ties, decided
