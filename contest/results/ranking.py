"""Rank a contest from its stored scores under an aggregation method, beside the plain mean.

The ranking is computed from one tuple per sheet (see totals.py): the
database sums each sheet, Python scores and ranks the entries. Entry objects,
with their authors, are loaded only for the rows a page or a report shows
(``load_entries``), so the number of queries does not grow with the contest.
"""
from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.domain.advancement import RoundWeight, combined_score
from contest.domain.aggregation import MEAN, METHODS, ZSCORE, check_method, spread_limit
from contest.domain.method_scores import MethodScores
from contest.domain.ranking import criterion_means, prize_scores, rank_ordered, rank_scores
from contest.domain.scoring import format_score, to_decimal
from contest.domain.tiering import TieringResult, TierRule, integer_keys
from contest.extensions import db
from contest.judging.rounds import stopped_rounds
from contest.models import Contest, Entry, PrizeTier, Round, RoundStatus, TieResolution
from contest.results.rows import (  # noqa: F401 # the rows' names, where callers look for them
    NO_SHEETS,
    RankingRow,
    RowChain,
    RowSource,
    Stopped,
    TieDecision,
    TieGroup,
    TierOf,
)
from contest.results.totals import POINTS_UNIT, UNIT, RoundSheets, plain_rows

# Entries looked up by id in one statement at most; more are read with their contest's.
MAX_IDS = 500


@dataclass
class Ranking:
    contest: Contest
    round: Round
    method: str
    ranked: Sequence[RankingRow]
    incomplete: Sequence[RankingRow]
    ties: list[TieGroup]
    decided: list[TieDecision] = field(default_factory=list)
    # Tier code → entries beyond its quota, for a tier that shared a tie.
    grown: dict[str, int] = field(default_factory=dict)
    # Each other method → how many entries it would put in another tier than this method does.
    tier_changes_by_method: dict[str, int] = field(default_factory=dict)
    threshold: Fraction = Fraction(1, 4)
    # The entries that did not go on from an earlier round: ranked after ``ranked``
    # by their score there, without a tier.
    stopped: Sequence[RankingRow] = field(default_factory=list)
    # Tiers are filled only once the open round is the last one.
    prizes: bool = True
    # The best total a judge can give in the round, in points.
    maximum: Fraction = Fraction(0)
    # What the rows are made from, as they are read (None: the lists hold every row made).
    source: RowSource | None = None

    @property
    def round_method(self) -> str:
        """The method the organizer chose for the round (``method`` may be a preview)."""
        return str(self.round.method)

    @property
    def previewing(self) -> bool:
        return self.method != self.round_method

    @property
    def threshold_text(self) -> str:
        """The disagreement threshold as a percentage: "25 %"."""
        return f"{to_decimal(self.threshold * 100, 1).normalize():f} %"

    @property
    def rows(self) -> Sequence[RankingRow]:
        """The ranked rows, then the stopped, then the incomplete, as one list (not copied)."""
        return RowChain(self.ranked, self.stopped, self.incomplete)

    @property
    def winners(self) -> list[RankingRow]:
        if self.source is not None:
            return [self.ranked[i] for i in self.source.winners]
        return [r for r in self.ranked if r.tier is not None]

    @property
    def disagreements(self) -> int:
        if self.source is not None:  # every flagged entry is ranked or incomplete
            return len(self.source.flagged)
        return sum(r.disagreement for r in self.rows)

    def ranked_scores(self) -> list[Fraction]:
        """The ranked rows' scores in order (without making the rows)."""
        if self.source is not None:  # each placement's score: each row's, one Fraction per group of equals
            return [p.score for p in self.source.placements]
        return [r.score for r in self.ranked]

    def codes_by_id(self) -> dict[int, str]:
        """Each row's entry code by entry id (without making the rows)."""
        if self.source is not None:
            return dict(self.source.code_of)
        return {row.entry_id: row.code for row in self.rows}

    @property
    def same_prizes_under_every_method(self) -> bool:
        return not any(self.tier_changes_by_method.values())

    def tier_counts(self) -> Counter:
        return Counter(r.tier.code for r in self.winners)

    def tier_summary(self) -> list[tuple[PrizeTier, int]]:
        """Each tier with how many entries it holds now (its quota is on the tier)."""
        counts = self.tier_counts()
        return [(tier, counts.get(tier.code, 0)) for tier in self.contest.tiers]

    def quota_of(self, tier: PrizeTier) -> int:
        """The tier's quota for this contest: grown when the tier shared a tie."""
        return tier.quota + self.grown.get(tier.code, 0)

    def equal_groups(self) -> list[list[RankingRow]]:
        groups: dict[Fraction, list[RankingRow]] = {}
        for row in self.ranked:
            groups.setdefault(row.score, []).append(row)
        return [g for g in groups.values() if len(g) > 1]


def tier_rules(contest: Contest) -> list[TierRule]:
    return [TierRule(t.code, t.quota, t.min_score, t.share_ties) for t in contest.tiers]


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection while the ranking builds its many small acyclic objects:
    a pass would walk every object of the process (the app's, the session's) each time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute_ranking(contest: Contest, method: str | None = None) -> Ranking:
    """Rank the contest's current round under ``method`` (default: the round's own),
    with each entry's plain mean and where the plain mean would put it.

    A fixed number of queries whatever the size; rows come without their entries
    (see ``load_entries``).
    """
    if method is not None:
        check_method(method)
    with _collection_paused():
        return _compute(contest, method)


def _rankable(contest: Contest) -> list[tuple[int, str]]:
    return plain_rows(select(Entry.id, Entry.code)
                      .where(Entry.contest_id == contest.id, Entry.reaches_judges)
                      .order_by(Entry.code))


def _tie_values(contest: Contest, sheets: RoundSheets,
                scores_by_round: dict[str, dict[int, Fraction | None]]) -> dict[str, dict]:
    values: dict[str, dict] = {}
    for breaker in contest.tie_breakers:
        kind, _, code = breaker.partition(":")
        if kind == "criterion":
            values[breaker] = criterion_means(sheets.points.get(code, ()), POINTS_UNIT)
        elif kind == "round":
            values[breaker] = {k: v for k, v in scores_by_round.get(code, {}).items() if v is not None}
    return values


def _earlier_scores(contest: Contest, current: Round, ids: set[int]) -> tuple[dict, dict]:
    """Each started round before ``current``: its entries' scores under the round's method,
    and their plain means (round code → entry id → score; None without a full sheet)."""
    scores, means = {}, {}
    for round_ in contest.rounds:
        if round_.number >= current.number or round_.status is RoundStatus.PENDING:
            continue
        method = str(round_.method)
        sheets = RoundSheets.load(round_).only(ids)
        # No disagreement limit: an earlier round's flags are not shown.
        scored = MethodScores(sheets.totals, UNIT)
        unscored = dict.fromkeys(sheets.counts)
        scores[round_.code] = {**unscored, **scored.scores(method)}
        means[round_.code] = {**unscored, **scored.means}
    return scores, means


class _FinalScore:
    """The score prizes go by: the open round's, or once the last round is open and an
    earlier round has a weight, Σ weight × round score / Σ weight."""

    def __init__(self, contest: Contest, current: Round, prizes: bool):
        self.current = current.code
        self.weights = [RoundWeight(r.code, Fraction(r.weight)) for r in contest.rounds]
        self.weighted = prizes and any(w.weight for w in self.weights if w.code != self.current)

    def __call__(self, entry_id: int, score: Fraction | None, earlier: dict) -> Fraction | None:
        if not self.weighted:
            return score
        per_round = {code: scores.get(entry_id) for code, scores in earlier.items()}
        return combined_score({**per_round, self.current: score}, self.weights)


def _compute(contest: Contest, method: str | None) -> Ranking:
    round_ = contest.current_round
    method = method or str(round_.method)
    threshold = Fraction(round_.disagreement)
    everyone = _rankable(contest)
    stopped_in = stopped_rounds(contest, [entry_id for entry_id, _ in everyone])
    entries = [(entry_id, code) for entry_id, code in everyone if entry_id not in stopped_in]
    ids = {entry_id for entry_id, _ in entries}
    breaker_criteria = [b.partition(":")[2] for b in contest.tie_breakers if b.startswith("criterion:")]
    sheets = RoundSheets.load(round_, breaker_criteria).only(ids)
    earlier, earlier_means = _earlier_scores(contest, round_, {entry_id for entry_id, _ in everyone})
    prizes = round_.next is None
    final = _FinalScore(contest, round_, prizes)
    resolutions = [r.entry_ids for r in db.session.scalars(
        select(TieResolution).where(TieResolution.contest_id == contest.id).order_by(TieResolution.id))]
    tiers = {t.code: t for t in contest.tiers}
    rules = tier_rules(contest) if prizes else []
    breakers = contest.tie_breakers
    tie_values = _tie_values(contest, sheets, earlier)
    scored = MethodScores(sheets.totals, UNIT, spread_limit(threshold, sheets.maximum))
    shown, means, flagged = scored.scores(method), scored.means, scored.flagged

    counts = sheets.counts
    if final.weighted:
        scores = {e: final(e, shown.get(e), earlier) for e, _ in entries}
        raw_scores = {e: final(e, means.get(e), earlier_means) for e, _ in entries}
        scored_entry = lambda e: scores[e] is not None  # noqa: E731
    else:  # an entry with a full sheet has a score: no Fraction is made to know it
        scores, raw_scores, scored_entry = shown, means, shown.__contains__
    complete = [e for e, _ in entries
                if 0 < (c := counts.get(e, NO_SHEETS)).assigned == c.counted and scored_entry(e)]

    def scores_under(m: str) -> dict[int, Fraction]:
        """Each complete entry's score under ``m`` combined over the rounds' weights."""
        if m == method:
            return {k: scores[k] for k in complete}
        if m == MEAN:
            return {k: raw_scores[k] for k in complete}
        every = scored.scores(m)
        return {k: final(k, every[k], earlier) for k in complete}

    # The method shown and the plain mean beside it are ranked in full; the others only as
    # far as their prizes reach, to count the entries that change tier.
    def place(m: str) -> TieringResult:
        full = m in (method, MEAN)
        if final.weighted:
            combined = scores_under(m)
            if full:
                return rank_scores(complete, combined, rules, breakers, resolutions, tie_values)
            return prize_scores(complete, {k: (s.numerator, s.denominator) for k, s in combined.items()},
                                rules, breakers, resolutions, tie_values)
        if m != MEAN and scored.as_mean(m):  # the same scores as the plain mean's
            return placements[MEAN]
        order = scored.order(m, complete)
        if full:
            exact = scores if m == method else raw_scores
            return rank_ordered(complete, order, lambda i: exact[complete[i]], rules, breakers, resolutions,
                                tie_values)
        if m == ZSCORE:
            score_of = lambda i: Fraction(order[i], 100)  # noqa: E731
        else:
            ratios = scored.ratios(m)
            score_of = lambda i: Fraction(*ratios[complete[i]])  # noqa: E731
        return rank_ordered(complete, order, score_of, rules, breakers, resolutions, tie_values, prizes_only=True)

    placements: dict[str, TieringResult] = {}
    for m in dict.fromkeys((MEAN, method, *METHODS)):
        placements[m] = place(m)
    # Each method's prizes: an entry without one has no tier to differ by under another.
    won = {m: {p.key: p.tier for p in result.placements if p.tier is not None}
           for m, result in placements.items()}

    result, by_mean = placements[method], placements[MEAN]
    changes = {m: sum(won[m].get(k) != won[method].get(k) for k in won[m].keys() | won[method].keys())
               for m in METHODS if m != method}
    stopped = _stopped_rows(contest, everyone, stopped_in, earlier, earlier_means, len(result.placements))
    code_of = dict(entries)
    code_of.update((s.entry_id, s.code) for s in stopped)
    ranked_keys = set(complete)
    source = RowSource(
        round_.code, code_of, counts, scores, raw_scores, shown, flagged, earlier, result.placements,
        None if result is by_mean else by_mean.placements,
        [e for e, _ in entries if e not in ranked_keys], stopped,
        [(r.code, earlier.get(r.code, {})) for r in contest.rounds],
        *_tiered(result, by_mean, won[MEAN]), ties=result.boundary_ties, decided=result.decided_ties)
    tier_of = tier_getter({t.code: t for t in contest.tiers})
    rows = source.rows(lambda name, i: source.row(name, i, tier_of))
    ties, decided = source.tie_groups(rows["ranked"], tier_of)
    return Ranking(contest, round_, method, rows["ranked"], rows["incomplete"], ties, decided, dict(result.grown),
                   changes, threshold, rows["stopped"], prizes, Fraction(sheets.maximum, UNIT), source)


def tier_getter(tiers: dict[str, PrizeTier]) -> TierOf:
    """Each tier code's tier of ``tiers`` (None for no code)."""
    return lambda code: tiers.get(code) if code else None


def _tiered(result: TieringResult, by_mean: TieringResult, mean_won: dict) -> tuple:
    """The positions in ``result`` of the entries with a tier under it or the plain mean, or
    contested; of those with a tier under it; and of each boundary tie's and tie decision's
    entries."""
    tiered, winners = set(), []
    mean_won = mean_won if by_mean is not result else {}
    wanted = {k for t in (*result.boundary_ties, *result.decided_ties) for k in t.keys}
    position = {}
    for i, p in enumerate(result.placements):
        if p.tier is not None:
            tiered.add(i)
            winners.append(i)
        elif p.contested_tiers or p.key in mean_won:
            tiered.add(i)
        if p.key in wanted:
            position[p.key] = i
    return (frozenset(tiered), winners, [tuple(position[k] for k in t.keys) for t in result.boundary_ties],
            [tuple(position[k] for k in d.keys) for d in result.decided_ties])


def _stopped_rows(contest: Contest, everyone: list[tuple[int, str]], stopped_in: dict[int, Round],
                  earlier: dict, earlier_means: dict, after: int) -> list[Stopped]:
    """The entries that stopped in an earlier round, those of a later round first, each
    round's by their score there (equal scores share a rank, in ``everyone``'s order),
    numbered on from ``after``."""
    rows = []
    for round_ in sorted(set(stopped_in.values()), key=lambda r: -r.number):
        scores, means, code = earlier.get(round_.code, {}), earlier_means[round_.code], round_.code
        members = [(entry_id, entry_code, scores[entry_id]) for entry_id, entry_code in everyone
                   if stopped_in.get(entry_id) is round_ and scores.get(entry_id) is not None]
        keys = integer_keys([score for _, _, score in members])
        # Stable in reverse too: equal scores keep their given order.
        order = sorted(range(len(members)), key=keys.__getitem__, reverse=True)
        place, previous = 0, None
        for position, index in enumerate(order, start=1):
            if keys[index] != previous:
                place, previous = position, keys[index]
            entry_id, entry_code, score = members[index]
            rows.append(Stopped(entry_id, entry_code, score, means.get(entry_id), code, after + place))
        after += len(members)
    return rows


def load_entries(rows: list[RankingRow]) -> list[RankingRow]:
    """Attach each row's entry, with its authors and category, in a fixed number of queries."""
    wanted = {row.entry_id for row in rows if row.loaded is None}
    if wanted:
        # A long list of ids is more than SQLite takes in one statement: then the contest's all.
        where = (Entry.id.in_(wanted) if len(wanted) <= MAX_IDS
                 else Entry.contest_id == db.session.get(Entry, next(iter(wanted))).contest_id)
        loaded = {e.id: e for e in db.session.scalars(
            select(Entry).where(where).options(selectinload(Entry.authors), selectinload(Entry.category))
        ) if e.id in wanted}
        for row in rows:
            if row.loaded is None:
                row.loaded = loaded[row.entry_id]
    return rows


def ranking_records(ranking: Ranking) -> list[dict]:
    """The ranking as plain records: the JSON/CSV shape of ``contest results``."""
    load_entries(ranking.rows)
    return [
        {
            "rank": row.rank,
            "code": row.code,
            "title": row.entry.title,
            "authors": row.entry.author_names,
            "score": row.score_text,
            "tier": row.tier.code if row.tier else None,
            "boundary_tie": row.boundary_tie,
            "complete": row.complete,
            "raw_score": row.raw_score_text,
            "method": ranking.method,
            "round": row.round_code,
            "round_scores": {code: format_score(score) for code, score in row.round_scores.items()},
            "tier_if_mean": row.tier_if_mean.code if row.tier_if_mean else None,
            "disagreement": row.disagreement,
        }
        for row in ranking.rows
    ]
