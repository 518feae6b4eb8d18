"""The computed ranking kept between requests, in each process, while its contest's ranking
version (versions.py) says the database has not changed since.

Each process (each gunicorn worker) keeps its own few rankings, least recently used
first out; freshness is decided by the shared counter, read once per request. What is
kept holds no database object. On each use the ranking is bound to the request's own
contest, round and tiers: the rows with a tier are copied with the request's tiers; the
others, most of a large contest's, are shared by every request as they were kept
(``SharedRow``: they cannot be changed, so no request attaches its entries to them). What
is derived from a ranking is kept with it (``kept_derived``): its histogram per language,
and what the ranking page draws of it (results/views.py), some of it per page of rows.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from flask import current_app
from flask_babel import get_locale

from contest.domain.aggregation import check_method
from contest.extensions import db
from contest.models import Contest
from contest.results.distribution import Distribution, score_distribution
from contest.results.ranking import Ranking, RankingRow, TieDecision, TieGroup, compute_ranking
from contest.results.versions import WATCHED, has_unsaved_changes, ranking_version

EXTENSION = "ranking_cache"
PAGES_KEPT = 24  # what is derived per page of rows (and language), kept per ranking
ROW_LISTS = ("ranked", "stopped", "incomplete")


@dataclass
class KeptRanking:
    """A ranking without its database objects (tiers as codes), and what was derived from it."""

    ranking: Ranking
    derived: dict = field(default_factory=dict)
    # What is derived per page of rows, least recently used first out.
    pages: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Each row list's name → the positions of its rows with a tier (those bound at each use).
    tiered: dict[str, list[int]] = field(init=False)

    def __post_init__(self):
        self.tiered = {name: [i for i, row in enumerate(getattr(self.ranking, name)) if type(row) is not SharedRow]
                       for name in ROW_LISTS}

    @property
    def size(self) -> int:
        return len(self.ranking.rows)


class SharedRow(RankingRow):
    """A kept row without a tier (most rows of a large contest): every request that reads
    its ranking gets this same object, so it cannot be changed (not even its entry)."""

    def __setattr__(self, name, value):
        raise AttributeError(f"row {self.code} of a kept ranking is shared between requests: "
                             "copy it (copy.copy) before changing it")

    def __eq__(self, other):
        if not isinstance(other, RankingRow):
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None


def _tier_code(tier):
    return tier.code if tier is not None else None


def _has_tier(row: RankingRow) -> bool:
    return row.tier is not None or row.tier_if_mean is not None or bool(row.contested)


def _rebuilt(ranking: Ranking, contest: Contest | None, rows: dict[str, list[RankingRow]],
             replaced: dict[int, RankingRow], tier_of: Callable) -> Ranking:
    """A copy of ``ranking`` for ``contest`` (None: kept, free of the session) with the
    row lists ``rows`` (by name); in its ties and decisions, each row whose id is in
    ``replaced`` replaced, and their tiers through ``tier_of``."""
    def same(old_rows):
        return [replaced.get(id(r), r) for r in old_rows]

    def tiers(old):
        return tuple(tier_of(t) for t in old)

    return replace(
        ranking, **rows, contest=contest, round=contest.current_round if contest is not None else None,
        ties=[TieGroup(t.score, same(t.rows), tiers(t.tiers)) for t in ranking.ties],
        decided=[TieDecision(d.score, same(d.rows), tiers(d.tiers), d.decided_by, d.values)
                 for d in ranking.decided],
        grown=dict(ranking.grown), tier_changes_by_method=dict(ranking.tier_changes_by_method))


def _with_tiers(row: RankingRow, tier_of: Callable) -> RankingRow:
    """A plain copy of ``row`` without its entry, ``tier_of`` applied to its tiers."""
    copied = object.__new__(RankingRow)
    copied.__dict__.update(vars(row), tier=tier_of(row.tier), tier_if_mean=tier_of(row.tier_if_mean),
                           contested=tuple(tier_of(t) for t in row.contested), loaded=None)
    return copied


def _kept_row(row: RankingRow) -> RankingRow:
    """The row as kept: shared as it is if it has no tier, else with tier codes (bound at each use)."""
    if _has_tier(row):
        return _with_tiers(row, _tier_code)
    shared = object.__new__(SharedRow)
    shared.__dict__.update(vars(row), loaded=None)
    return shared


def _portable(ranking: Ranking) -> KeptRanking:
    replaced = {id(row): _kept_row(row) for row in ranking.rows}
    rows = {name: [replaced[id(row)] for row in getattr(ranking, name)] for name in ROW_LISTS}
    return KeptRanking(_rebuilt(ranking, None, rows, replaced, _tier_code))


def _bound(kept: KeptRanking, contest: Contest) -> Ranking:
    """The kept ranking made the request's: the rows with a tier copied, their tier codes
    the request's tiers; the others (shared rows) as they are, in lists of the request's."""
    by_code = {t.code: t for t in contest.tiers}

    def tier_of(code):
        return by_code.get(code) if code is not None else None

    rows, replaced = {}, {}
    for name, positions in kept.tiered.items():
        old = getattr(kept.ranking, name)
        rows[name] = copied = list(old)
        for i in positions:
            copied[i] = replaced[id(old[i])] = _with_tiers(old[i], tier_of)
    return _rebuilt(kept.ranking, contest, rows, replaced, tier_of)


class RankingCache:
    """A process's kept rankings: (contest id, method, version) → KeptRanking, bounded in
    count and in rows; a contest's older versions go as soon as a newer one is kept."""

    def __init__(self, size: int, rows: int):
        self.size, self.rows = size, rows
        self.kept: OrderedDict[tuple, KeptRanking] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> KeptRanking | None:
        with self.lock:
            kept = self.kept.get(key)
            if kept is None:
                self.misses += 1
                return None
            self.kept.move_to_end(key)
            self.hits += 1
            return kept

    def put(self, key: tuple, kept: KeptRanking) -> None:
        if self.size <= 0 or kept.size > self.rows:
            return
        contest_id, method, version = key
        with self.lock:
            for old in [k for k in self.kept if k[0] == contest_id and k[2] < version]:
                del self.kept[old]
            self.kept[key] = kept
            self.kept.move_to_end(key)
            while len(self.kept) > self.size or sum(k.size for k in self.kept.values()) > self.rows:
                self.kept.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()


def process_cache() -> RankingCache:
    """This app's cache in this process (created on first use, sized by the config)."""
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, RankingCache(
            current_app.config["RANKING_CACHE_SIZE"], current_app.config["RANKING_CACHE_ROWS"]))
    return cache


def _resolved_method(contest: Contest, method: str | None) -> str:
    if method is not None:
        check_method(method)
        return method
    return str(contest.current_round.method)


def _read_afresh() -> None:
    """Forget what the session loaded of the ranking's inputs before the version was read,
    so that the round's method, a ranking kept under that version and the tiers it is
    bound to are read from what the database held then or later (nothing is lost: the
    session has no unsaved change of them)."""
    for obj in list(db.session.identity_map.values()):
        if type(obj) in WATCHED:
            db.session.expire(obj)


def kept_ranking(contest: Contest, method: str | None = None) -> tuple[Ranking, KeptRanking | None]:
    """The contest's ranking under ``method`` (default: the round's own), computed once per
    ranking version and process; and what is kept of it (None: computed, not kept, because
    this transaction has written something a ranking reads)."""
    if has_unsaved_changes(db.session):
        return compute_ranking(contest, method), None
    version = ranking_version(db.session, contest.id)
    _read_afresh()
    key = (contest.id, _resolved_method(contest, method), version)
    cache = process_cache()
    kept = cache.get(key)
    if kept is not None:
        return _bound(kept, contest), kept
    ranking = compute_ranking(contest, key[1])
    kept = _portable(ranking)
    cache.put(key, kept)
    return ranking, kept


def cached_ranking(contest: Contest, method: str | None = None) -> Ranking:
    """``compute_ranking``, kept between requests while nothing it reads has changed."""
    return kept_ranking(contest, method)[0]


def kept_derived(kept: KeptRanking | None, key: tuple, make: Callable[[], object], per_page: bool = False):
    """``make()``: once per kept ranking and ``key`` (each time when nothing is kept); with
    ``per_page``, among the last PAGES_KEPT such keys only."""
    if kept is None:
        return make()
    with kept.lock:
        store = kept.pages if per_page else kept.derived
        if key not in store:
            store[key] = make()
        if per_page:
            store.move_to_end(key)
            while len(store) > PAGES_KEPT:
                store.popitem(last=False)
        return store[key]


def ranking_distribution(ranking: Ranking, kept: KeptRanking | None) -> Distribution | None:
    """The ranking's histogram, drawn once per kept ranking and language."""
    return kept_derived(kept, ("distribution", str(get_locale())), lambda: score_distribution(ranking))
