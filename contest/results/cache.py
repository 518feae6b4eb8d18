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
and what the ranking page draws of it (results/views.py), its HTML per language and query
string (``kept_page``): a request served that reads the user, the contest and its counter,
and nothing the ranking is bound to.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from flask import abort, current_app
from flask_babel import get_locale
from sqlalchemy import inspect, select

from contest.domain.aggregation import check_method
from contest.extensions import db
from contest.models import Contest, RankingVersion
from contest.results.distribution import Distribution, score_distribution
from contest.results.ranking import Ranking, RankingRow, compute_ranking, tier_getter
from contest.results.versions import WATCHED, has_unsaved_changes, ranking_version

EXTENSION = "ranking_cache"
# What else is computed from the writes a ranking reads (kept_for_version), in a cache of its own.
COUNTS_EXTENSION = "kept_counts"
PAGES_KEPT = 24  # what is derived per page (language, query string), kept per ranking


@dataclass
class KeptRanking:
    """A ranking without its database objects (no contest, round, tiers or rows: its rows
    are made from its source, tiers as codes), and what was derived from it."""

    ranking: Ranking
    # The method of the round it ranks (a kept ranking holds no round).
    round_method: str | None = None
    derived: dict = field(default_factory=dict)
    # What is derived per page, least recently used first out.
    pages: OrderedDict = field(default_factory=OrderedDict)
    # Reentrant: what is derived per page may derive more from the same ranking.
    lock: threading.RLock = field(default_factory=threading.RLock)
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
        grown=dict(ranking.grown), tier_changes_by_method=dict(ranking.tier_changes_by_method)),
        ranking.round_method)


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
    count and in rows; a contest's older versions go as soon as a newer one is kept.
    With them, the method of each contest's round at the version kept (one per contest at
    most), so that a request for the round's own finds it without reading the round."""

    def __init__(self, size: int, rows: int):
        self.size, self.rows = size, rows
        self.kept: OrderedDict[tuple, KeptRanking] = OrderedDict()
        self.round_methods: dict[tuple[int, int], str] = {}
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def round_method(self, contest_id: int, version: int) -> str | None:
        return self.round_methods.get((contest_id, version))

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
            for old in [k for k in self.round_methods if k[0] == contest_id and k[1] < version]:
                del self.round_methods[old]
            # (What else is kept under a version, kept_for_version's, has no round method.)
            round_method = getattr(kept, "round_method", None)
            if round_method is not None:
                self.round_methods[contest_id, version] = round_method
            self.kept[key] = kept
            self.kept.move_to_end(key)
            while len(self.kept) > self.size or sum(k.size for k in self.kept.values()) > self.rows:
                self.kept.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
            self.round_methods.clear()


def process_cache(extension: str = EXTENSION) -> RankingCache:
    """This app's cache in this process (created on first use, sized by the config)."""
    cache = current_app.extensions.get(extension)
    if cache is None:
        cache = current_app.extensions.setdefault(extension, RankingCache(
            current_app.config["RANKING_CACHE_SIZE"], current_app.config["RANKING_CACHE_ROWS"]))
    return cache


def contest_with_version(slug: str) -> tuple[Contest, int]:
    """The contest of ``slug`` (or 404) and its ranking version, read in one statement: the
    contest is as the database held it at that version."""
    found = db.session.execute(
        select(Contest, RankingVersion.version)
        .outerjoin(RankingVersion, RankingVersion.contest_id == Contest.id).where(Contest.slug == slug)
        .execution_options(populate_existing=True)).one_or_none()
    if found is None:
        abort(404)
    return found[0], found[1] or 0


_CONTEST_RELATIONSHIPS = tuple(inspect(Contest).relationships.keys())


def _read_afresh(contest: Contest, with_version: bool) -> None:
    """Forget what the session loaded of the ranking's inputs before the version was read,
    so that the round's method, a ranking kept under that version and the tiers it is
    bound to are read from what the database held then or later (nothing is lost: the
    session has no unsaved change of them). A contest read with its version keeps its
    columns."""
    for obj in list(db.session.identity_map.values()):
        if type(obj) in WATCHED:
            if obj is contest and with_version:
                db.session.expire(contest, _CONTEST_RELATIONSHIPS)
            else:
                db.session.expire(obj)


def _found(contest: Contest, method: str | None, version: int | None) -> tuple[tuple, KeptRanking | None]:
    """The key of the contest's ranking under ``method`` (None: the round's) at ``version``
    (None: read now; else read with the contest, ``contest_with_version``), and what this
    process keeps under it."""
    with_contest = version is not None
    if not with_contest:
        version = ranking_version(db.session, contest.id)
    _read_afresh(contest, with_contest)
    cache = process_cache()
    if method is not None:
        check_method(method)
    else:
        method = cache.round_method(contest.id, version) or str(contest.current_round.method)
    key = (contest.id, method, version)
    return key, cache.get(key)


def _kept_afresh(contest: Contest, key: tuple) -> tuple[Ranking, KeptRanking]:
    ranking = compute_ranking(contest, key[1])
    kept = _portable(ranking)
    process_cache().put(key, kept)
    return ranking, kept


def kept_ranking(contest: Contest, method: str | None = None) -> tuple[Ranking, KeptRanking | None]:
    """The contest's ranking under ``method`` (default: the round's own), computed once per
    ranking version and process; and what is kept of it (None: computed, not kept, because
    this transaction has written something a ranking reads)."""
    if has_unsaved_changes(db.session):
        return compute_ranking(contest, method), None
    key, kept = _found(contest, method, None)
    if kept is not None:
        return _bound(kept, contest), kept
    return _kept_afresh(contest, key)


def kept_page(contest: Contest, method: str | None, key: tuple,
              render: Callable[[Ranking, KeptRanking | None], str], version: int | None = None) -> str:
    """``render(ranking, kept)`` for the contest's ranking under ``method``, kept with it per
    ``key`` (among the last PAGES_KEPT keys). Served kept, it costs the version (or none, given
    ``version`` read with the contest: ``contest_with_version``) and no more: the ranking is
    not bound, neither its rounds nor its tiers are read."""
    if has_unsaved_changes(db.session):
        return render(compute_ranking(contest, method), None)
    found, kept = _found(contest, method, version)
    if kept is None:
        ranking, kept = _kept_afresh(contest, found)
        return kept_derived(kept, key, lambda: render(ranking, kept), per_page=True)
    return kept_derived(kept, key, lambda: render(_bound(kept, contest), kept), per_page=True)


def kept_for_version(contest_id: int, what: tuple, make: Callable[[], object], version: int | None = None):
    """``make()``, kept in this process under the contest's ranking version (read now, or
    given: ``contest_with_version``) and ``what``, for what is computed from the writes a
    ranking reads (an object with a ``size``, counted as rows are); made afresh, and not
    kept, when this transaction has written any of them.

    ``make`` reads what it is computed from after the version is read (expiring what the
    session may hold of it from before), so that what is kept is at least that version's.
    """
    if has_unsaved_changes(db.session):
        return make()
    if version is None:
        version = ranking_version(db.session, contest_id)
    key = (contest_id, what, version)
    cache = process_cache(COUNTS_EXTENSION)
    kept = cache.get(key)
    if kept is None:
        kept = make()
        cache.put(key, kept)
    return kept


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
