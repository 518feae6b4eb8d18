"""The computed ranking kept between requests, in each process, while its contest's ranking
version (versions.py) says the database has not changed since.

Each process (each gunicorn worker) keeps its own few rankings, least recently used
first out; freshness is decided by the shared counter, read once per request. What is
kept holds no database object: its rows are made, as they are read, from the ranking's
source of plain values (rows.py). On each use the ranking is bound to the request's own
contest, round and tiers: a row with a tier is made for the request with the request's
tiers; the others, most of a large contest's, are made once and shared by every request
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
from contest.results.ranking import Ranking, RankingRow, compute_ranking, tier_getter
from contest.results.versions import WATCHED, has_unsaved_changes, ranking_version

EXTENSION = "ranking_cache"
PAGES_KEPT = 24  # what is derived per page of rows (and language), kept per ranking


@dataclass
class KeptRanking:
    """A ranking without its database objects (no contest, round, tiers or rows: its rows
    are made from its source, tiers as codes), and what was derived from it."""

    ranking: Ranking
    derived: dict = field(default_factory=dict)
    # What is derived per page of rows, least recently used first out.
    pages: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Each row list's rows without a tier (SharedRow), made when first read by any request.
    shared: dict[str, list] = field(init=False)

    def __post_init__(self):
        self.shared = {name: [None] * count for name, count in self.ranking.source.lengths().items()}

    @property
    def size(self) -> int:
        return self.ranking.source.size

    def row(self, name: str, index: int, tier_of: Callable) -> RankingRow:
        """A row for a request: with a tier, the request's own copy with its tiers; else shared."""
        source = self.ranking.source
        if name == "ranked" and index in source.tiered:
            return source.row(name, index, tier_of)
        shared = self.shared[name][index]
        if shared is None:
            shared = self.shared[name][index] = _shared(source.row(name, index, tier_of))
        return shared


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


def _shared(row: RankingRow) -> SharedRow:
    shared = object.__new__(SharedRow)
    shared.__dict__.update(vars(row), loaded=None)
    return shared


def _portable(ranking: Ranking) -> KeptRanking:
    """What is kept of a ranking: its plain values and its rows' source, no database object."""
    return KeptRanking(replace(
        ranking, contest=None, round=None, ranked=(), stopped=(), incomplete=(), ties=[], decided=[],
        grown=dict(ranking.grown), tier_changes_by_method=dict(ranking.tier_changes_by_method)))


def _bound(kept: KeptRanking, contest: Contest) -> Ranking:
    """The kept ranking made the request's: its rows made as they are read, those with a
    tier with the request's tiers, the others shared (made once for every request)."""
    tier_of = tier_getter({t.code: t for t in contest.tiers})
    rows = kept.ranking.source.rows(lambda name, i: kept.row(name, i, tier_of))
    ties, decided = kept.ranking.source.tie_groups(rows["ranked"], tier_of)
    return replace(kept.ranking, contest=contest, round=contest.current_round, ranked=rows["ranked"],
                   stopped=rows["stopped"], incomplete=rows["incomplete"], ties=ties, decided=decided,
                   grown=dict(kept.ranking.grown), tier_changes_by_method=dict(kept.ranking.tier_changes_by_method))


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
