"""Rank a contest from its stored scores, resolve ties, finalize and publish."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.domain.scoring import (
    CriterionRule,
    ScoreSheet,
    entry_score,
    format_score,
    to_decimal,
)
from contest.domain.tiering import Candidate, TierRule, rank_and_fill
from contest.extensions import db
from contest.models import (
    Assignment,
    Award,
    Contest,
    ContestPhase,
    Entry,
    EntryStatus,
    PrizeTier,
    TieResolution,
    TieResolutionEntry,
    User,
)
from contest.models.types import utcnow


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
    tie_resolved: bool = False

    @property
    def score_text(self) -> str | None:
        return format_score(self.score)


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
class Ranking:
    contest: Contest
    ranked: list[RankingRow]
    incomplete: list[RankingRow]
    ties: list[TieGroup]

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

    def equal_groups(self) -> list[list[RankingRow]]:
        groups: dict[Fraction, list[RankingRow]] = {}
        for row in self.ranked:
            groups.setdefault(row.score, []).append(row)
        return [g for g in groups.values() if len(g) > 1]


def compute_ranking(contest: Contest) -> Ranking:
    """Read entries, sheets and resolutions in a few queries and rank them."""
    entries = list(db.session.scalars(
        select(Entry)
        .where(Entry.contest_id == contest.id, Entry.status != EntryStatus.INELIGIBLE)
        .options(selectinload(Entry.authors), selectinload(Entry.category))
        .order_by(Entry.code)
    ))
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.round_id == contest.current_round.id)
    )
    code_of = {c.id: c.code for c in contest.criteria}
    rules = [CriterionRule(c.code, c.max_points, c.weight) for c in contest.criteria]
    sheets: dict[int, list[ScoreSheet]] = {}
    for a in assignments:
        sheets.setdefault(a.entry_id, []).append(ScoreSheet(
            judge=a.judge_id,
            points={code_of[s.criterion_id]: s.points for s in a.scores},
            submitted=a.is_submitted,
        ))
    rows = {}
    for entry in entries:
        agg = entry_score(sheets.get(entry.id, []), rules)
        rows[entry.id] = RankingRow(entry, agg.score, agg.complete, agg.counted, agg.assigned)

    resolutions = db.session.scalars(
        select(TieResolution).where(TieResolution.contest_id == contest.id)
        .order_by(TieResolution.id)
    )
    tiers = {t.code: t for t in contest.tiers}
    result = rank_and_fill(
        [Candidate(e.id, rows[e.id].score) for e in entries if rows[e.id].complete],
        [TierRule(t.code, t.quota, t.min_score) for t in contest.tiers],
        [r.entry_ids for r in resolutions],
    )
    ranked = []
    for p in result.placements:
        row = rows[p.key]
        row.rank, row.tier = p.rank, tiers.get(p.tier) if p.tier else None
        row.boundary_tie, row.tie_resolved = p.boundary_tie, p.tie_resolved
        row.contested = tuple(tiers.get(code) if code else None for code in p.contested_tiers)
        ranked.append(row)
    ties = [
        TieGroup(t.score, [rows[k] for k in t.keys],
                 tuple(tiers.get(code) if code else None for code in t.tiers))
        for t in result.boundary_ties
    ]
    incomplete = [rows[e.id] for e in entries if not rows[e.id].complete]
    return Ranking(contest, ranked, incomplete, ties)


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
    group = next((g for g in ranking.equal_groups() if {r.entry.code for r in g} == set(codes)), None)
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
    contest.phase = ContestPhase.FINALIZED
    contest.finalized_at = now
    db.session.flush()
    issued = issue_certificates(contest, awards, now)
    record("contest.finalized", contest=contest, actor=actor, target=contest.slug,
           awards={row.entry.code: row.tier.code for row in ranking.winners},
           certificates=len(issued))
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
