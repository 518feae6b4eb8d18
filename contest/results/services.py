"""Rank a contest from its stored scores, resolve ties, finalize and publish."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.domain.ranking import RoundSheets, rank_sheets
from contest.domain.scoring import CriterionRule, ScoreSheet, format_score, to_decimal
from contest.domain.tiering import BY_ORGANIZER, SHARED, TierRule
from contest.extensions import db
from contest.jobs import jobs
from contest.models import (
    Assignment,
    Award,
    Contest,
    ContestPhase,
    Criterion,
    Entry,
    EntryResult,
    PrizeTier,
    Round,
    TieResolution,
    TieResolutionEntry,
    User,
)
from contest.models.types import utcnow
from contest.results.notify import tell_authors


class ResultsError(ValueError):
    """A results action the contest's state or the input does not allow.

    Its message is lazy: str() words it in the current language.
    """


@dataclass
class RankingRow:
    entry: Entry
    score: Fraction | None
    complete: bool
    counted: int
    assigned: int
    rank: int | None = None
    tier: PrizeTier | None = None
    boundary_tie: bool = False
    contested: tuple[PrizeTier | None, ...] = ()
    decided_by: str | None = None

    @property
    def score_text(self) -> str | None:
        return format_score(self.score)

    @property
    def tie_resolved(self) -> bool:
        return self.decided_by == BY_ORGANIZER


@dataclass
class TieGroup:
    """A boundary tie: equal scores on both sides of a tier line."""

    score: Fraction
    rows: list[RankingRow]
    tiers: tuple[PrizeTier | None, ...]

    @property
    def codes(self) -> list[str]:
        return [r.entry.code for r in self.rows]


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
        return [r.entry.code for r in self.rows]

    @property
    def shared(self) -> bool:
        return self.decided_by == SHARED

    @property
    def by_organizer(self) -> bool:
        return self.decided_by == BY_ORGANIZER

    @property
    def value_texts(self) -> list[str | None]:
        return [format_score(v) for v in self.values]


@dataclass
class Ranking:
    contest: Contest
    ranked: list[RankingRow]
    incomplete: list[RankingRow]
    ties: list[TieGroup]
    decided: list[TieDecision] = field(default_factory=list)
    # Tier code → entries beyond its quota, for a tier that shared a tie.
    grown: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[RankingRow]:
        return self.ranked + self.incomplete

    @property
    def winners(self) -> list[RankingRow]:
        return [r for r in self.ranked if r.tier is not None]

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


def criterion_rules(criteria: list[Criterion]) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.max_points, c.weight) for c in criteria]


def round_sheets(round_: Round, criteria: list[Criterion]) -> dict[int, list[ScoreSheet]]:
    """A round's score sheets by entry id, points by criterion code, in one query."""
    code_of = {c.id: c.code for c in criteria}
    sheets: dict[int, list[ScoreSheet]] = {}
    for a in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)):
        sheets.setdefault(a.entry_id, []).append(ScoreSheet(
            judge=a.judge_id,
            points={code_of[s.criterion_id]: s.points for s in a.scores if s.criterion_id in code_of},
            submitted=a.is_submitted,
        ))
    return sheets


def earlier_rounds(contest: Contest) -> dict[str, RoundSheets]:
    """The sheets of the rounds the contest's "round:" tie-breakers name."""
    wanted = {b.partition(":")[2] for b in contest.tie_breakers if b.startswith("round:")}
    return {
        r.code: RoundSheets(round_sheets(r, r.rubric), criterion_rules(r.rubric))
        for r in contest.rounds if r.code in wanted
    }


def compute_ranking(contest: Contest) -> Ranking:
    """Read entries, sheets and resolutions in a few queries and rank them."""
    entries = list(db.session.scalars(
        select(Entry)
        .where(Entry.contest_id == contest.id, Entry.reaches_judges)
        .options(selectinload(Entry.authors), selectinload(Entry.category))
        .order_by(Entry.code)
    ))
    rules = criterion_rules(contest.criteria)
    sheets = round_sheets(contest.current_round, contest.criteria)
    resolutions = db.session.scalars(
        select(TieResolution).where(TieResolution.contest_id == contest.id)
        .order_by(TieResolution.id)
    )
    scores, result = rank_sheets(
        {e.id: sheets.get(e.id, []) for e in entries}, rules, tier_rules(contest),
        contest.tie_breakers, [r.entry_ids for r in resolutions], earlier_rounds(contest),
    )
    rows = {
        e.id: RankingRow(e, scores[e.id].score, scores[e.id].complete, scores[e.id].counted,
                         scores[e.id].assigned)
        for e in entries
    }
    tiers = {t.code: t for t in contest.tiers}

    def tier_list(codes) -> tuple[PrizeTier | None, ...]:
        return tuple(tiers.get(code) if code else None for code in codes)

    ranked = []
    for p in result.placements:
        row = rows[p.key]
        row.rank, row.tier = p.rank, tiers.get(p.tier) if p.tier else None
        row.boundary_tie, row.decided_by = p.boundary_tie, p.decided_by
        row.contested = tier_list(p.contested_tiers)
        ranked.append(row)
    ties = [TieGroup(t.score, [rows[k] for k in t.keys], tier_list(t.tiers))
            for t in result.boundary_ties]
    decided = [TieDecision(d.score, [rows[k] for k in d.keys], tier_list(d.tiers), d.decided_by,
                           d.values) for d in result.decided_ties]
    incomplete = [rows[e.id] for e in entries if not rows[e.id].complete]
    return Ranking(contest, ranked, incomplete, ties, decided, dict(result.grown))


def tier_rules(contest: Contest) -> list[TierRule]:
    return [TierRule(t.code, t.quota, t.min_score, t.share_ties) for t in contest.tiers]


def ranking_records(ranking: Ranking) -> list[dict]:
    """The ranking as plain records: the JSON/CSV shape of ``contest results``."""
    return [
        {
            "rank": row.rank,
            "code": row.entry.code,
            "title": row.entry.title,
            "authors": row.entry.author_names,
            "score": row.score_text,
            "tier": row.tier.code if row.tier else None,
            "boundary_tie": row.boundary_tie,
            "complete": row.complete,
        }
        for row in ranking.rows
    ]


def _require_judging(contest: Contest) -> None:
    if contest.phase is not ContestPhase.JUDGING:
        slug = contest.slug
        raise ResultsError({
            ContestPhase.OPEN: _l("contest %(slug)s is open, not judging", slug=slug),
            ContestPhase.FINALIZED: _l("contest %(slug)s is finalized, not judging", slug=slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published, not judging", slug=slug),
        }[contest.phase])


def resolve_tie(contest: Contest, codes: list[str], reason: str, actor: User | None) -> TieResolution:
    """Order one group of equal scores, best first, for a stated reason."""
    _require_judging(contest)
    reason = reason.strip()
    if not reason:
        raise ResultsError(_l("give the reason for this order"))
    if len(set(codes)) != len(codes):
        raise ResultsError(_l("each entry code may appear only once"))
    ranking = compute_ranking(contest)
    by_code = {row.entry.code: row for row in ranking.ranked}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise ResultsError(_l("not ranked entries of %(slug)s: %(codes)s",
                              slug=contest.slug, codes=", ".join(unknown)))
    # What the tie-breakers left equal, or a whole group of equal scores.
    groups = ([t.rows for t in ranking.ties] + [d.rows for d in ranking.decided if d.by_organizer]
              + ranking.equal_groups())
    group = next((g for g in groups if {r.entry.code for r in g} == set(codes)), None)
    if group is None:
        if not ranking.ties:
            raise ResultsError(_l("these codes are not exactly one group of equal scores; "
                                  "boundary ties now: none"))
        raise ResultsError(_l("these codes are not exactly one group of equal scores; "
                              "boundary ties now: %(ties)s",
                              ties="; ".join(" ".join(t.codes) for t in ranking.ties)))
    ids = {by_code[c].entry.id for c in codes}
    for old in db.session.scalars(select(TieResolution).where(TieResolution.contest_id == contest.id)):
        if set(old.entry_ids) == ids:
            db.session.delete(old)
    resolution = TieResolution(contest=contest, reason=reason, resolved_by=actor, members=[
        TieResolutionEntry(entry_id=by_code[c].entry.id, position=i) for i, c in enumerate(codes)
    ])
    db.session.add(resolution)
    db.session.flush()
    record("tie.resolved", contest=contest, actor=actor, target=" ".join(codes),
           order=codes, reason=reason, score=format_score(group[0].score))
    return resolution


def finalize(contest: Contest, actor: User | None) -> list[Award]:
    """Lock scores, fix the awards and issue the certificates.

    Refused while any entry is incompletely scored or a boundary tie is open.
    """
    from contest.certificates.services import issue_certificates
    from contest.results.snapshots import store_snapshot

    _require_judging(contest)
    ranking = compute_ranking(contest)
    if ranking.incomplete:
        codes = [r.entry.code for r in ranking.incomplete]
        raise ResultsError(lazy_ngettext(
            "%(num)d entry is not fully scored: %(codes)s", "%(num)d entries are not fully scored: %(codes)s",
            len(codes), codes=", ".join(codes[:20]) + (" …" if len(codes) > 20 else "")))
    if ranking.ties:
        raise ResultsError(_l("unresolved boundary ties: %(ties)s",
                              ties="; ".join(" ".join(t.codes) for t in ranking.ties)))
    now = utcnow()
    awards = [
        Award(contest=contest, entry=row.entry, tier=row.tier, rank=row.rank,
              score=to_decimal(row.score), awarded_at=now)
        for row in ranking.winners
    ]
    db.session.add_all(awards)
    db.session.add_all(EntryResult(entry_id=row.entry.id, contest_id=contest.id, rank=row.rank,
                                   score=to_decimal(row.score)) for row in ranking.ranked)
    contest.phase = ContestPhase.FINALIZED
    contest.finalized_at = now
    db.session.flush()
    issued = issue_certificates(contest, awards, now)
    snapshot = store_snapshot(contest, ranking, actor, now)
    record("contest.finalized", contest=contest, actor=actor, target=contest.slug,
           awards={row.entry.code: row.tier.code for row in ranking.winners},
           certificates=len(issued), sha256=snapshot.sha256)
    return awards


def publish(contest: Contest, actor: User | None) -> None:
    if contest.phase is not ContestPhase.FINALIZED:
        slug = contest.slug
        raise ResultsError({
            ContestPhase.OPEN: _l("contest %(slug)s is open: finalize it first", slug=slug),
            ContestPhase.JUDGING: _l("contest %(slug)s is judging: finalize it first", slug=slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published: finalize it first", slug=slug),
        }[contest.phase])
    contest.phase = ContestPhase.PUBLISHED
    contest.published_at = utcnow()
    record("contest.published", contest=contest, actor=actor, target=contest.slug)
    # Every author is told, by the worker once this commits.
    jobs.enqueue_on_commit(tell_authors, contest.id)


def tie_resolutions(contest: Contest) -> list[TieResolution]:
    """The organizers' tie orderings, newest first, with who made them."""
    return list(db.session.scalars(
        select(TieResolution).where(TieResolution.contest_id == contest.id)
        .options(selectinload(TieResolution.resolved_by))
        .order_by(TieResolution.resolved_at.desc(), TieResolution.id.desc())
    ))


def awards_of(contest: Contest) -> list[Award]:
    """Awards in prize order: tier, then rank."""
    return list(db.session.scalars(
        select(Award).join(PrizeTier).join(Entry)
        .where(Award.contest_id == contest.id)
        .options(selectinload(Award.entry).selectinload(Entry.authors))
        .order_by(PrizeTier.position, Award.rank, Entry.code)
    ))
