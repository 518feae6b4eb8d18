"""Rank a contest from its stored scores, resolve ties, finalize and publish."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.domain.scoring import format_score, to_decimal
from contest.extensions import db
from contest.jobs import jobs
from contest.models import (
    Assignment,
    Award,
    Category,
    Contest,
    ContestPhase,
    Entry,
    EntryAuthor,
    EntryResult,
    PrizeTier,
    TieResolution,
    TieResolutionEntry,
    User,
)
from contest.models.types import utcnow
from contest.results.cache import cached_ranking
from contest.results.notify import tell_authors
from contest.results.ranking import (  # noqa: F401 # the ranking's names, where callers look for them
    MAX_IDS,
    Ranking,
    RankingRow,
    TieDecision,
    TieGroup,
    compute_ranking,
    load_entries,
    ranking_records,
    tier_rules,
)


class ResultsError(ValueError):
    """A results action the contest's state or the input does not allow.

    Its message is lazy: str() words it in the current language.
    """


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
    ranking = cached_ranking(contest)
    by_code = {row.code: row for row in ranking.ranked}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise ResultsError(_l("not ranked entries of %(slug)s: %(codes)s",
                              slug=contest.slug, codes=", ".join(unknown)))
    # What the tie-breakers left equal, or a whole group of equal scores.
    groups = ([t.rows for t in ranking.ties] + [d.rows for d in ranking.decided if d.by_organizer]
              + ranking.equal_groups())
    group = next((g for g in groups if {r.code for r in g} == set(codes)), None)
    if group is None:
        if not ranking.ties:
            raise ResultsError(_l("these codes are not exactly one group of equal scores; "
                                  "boundary ties now: none"))
        raise ResultsError(_l("these codes are not exactly one group of equal scores; "
                              "boundary ties now: %(ties)s",
                              ties="; ".join(" ".join(t.codes) for t in ranking.ties)))
    ids = {by_code[c].entry_id for c in codes}
    for old in db.session.scalars(select(TieResolution).where(TieResolution.contest_id == contest.id)):
        if set(old.entry_ids) == ids:
            db.session.delete(old)
    resolution = TieResolution(contest=contest, reason=reason, resolved_by=actor, members=[
        TieResolutionEntry(entry_id=by_code[c].entry_id, position=i) for i, c in enumerate(codes)
    ])
    db.session.add(resolution)
    db.session.flush()
    record("tie.resolved", contest=contest, actor=actor, target=" ".join(codes),
           order=codes, reason=reason, score=format_score(group[0].score))
    return resolution


def add_reader(contest: Contest, code: str, actor: User | None) -> User:
    """Give an entry one more judge in the current round (a re-read, when its judges
    disagree): the panel's least-loaded judge not on it yet and without a conflict."""
    from contest.judging.conflicts import least_loaded_judge, panel

    _require_judging(contest)
    entry = db.session.scalar(select(Entry).where(Entry.contest_id == contest.id, Entry.code == code,
                                                  Entry.reaches_judges))
    if entry is None:
        raise ResultsError(_l("no entry %(code)s is ranked in %(slug)s", code=code, slug=contest.slug))
    judge = least_loaded_judge(contest, entry, panel(contest))
    if judge is None:
        raise ResultsError(_l("every judge of the round already reads %(code)s or has a conflict "
                              "with it", code=code))
    db.session.add(Assignment(round_id=contest.current_round.id, entry_id=entry.id, judge_id=judge.id))
    db.session.flush()
    record("sheet.reread", contest=contest, actor=actor, target=entry.code, judge=judge.email)
    return judge


def finalize(contest: Contest, actor: User | None) -> list[Award]:
    """Lock scores, fix the awards and issue the certificates.

    Refused while any entry is incompletely scored or a boundary tie is open.
    """
    from contest.certificates.services import issue_certificates
    from contest.results.snapshots import store_snapshot

    _require_judging(contest)
    # Computed afresh, never taken from the cache: the snapshot is of what the database holds.
    ranking = compute_ranking(contest)
    if not ranking.prizes:
        round_ = contest.current_round
        raise ResultsError(_l("round %(round)s is open and is not the last round: close it first "
                              "(contest advance %(slug)s)", round=round_.code, slug=contest.slug))
    if ranking.incomplete:
        codes = [r.code for r in ranking.incomplete]
        raise ResultsError(lazy_ngettext(
            "%(num)d entry is not fully scored: %(codes)s", "%(num)d entries are not fully scored: %(codes)s",
            len(codes), codes=", ".join(codes[:20]) + (" …" if len(codes) > 20 else "")))
    if ranking.ties:
        raise ResultsError(_l("unresolved boundary ties: %(ties)s",
                              ties="; ".join(" ".join(t.codes) for t in ranking.ties)))
    now = utcnow()
    load_entries(ranking.ranked)
    awards = [
        Award(contest=contest, entry=row.entry, tier=row.tier, rank=row.rank,
              score=to_decimal(row.score), awarded_at=now)
        for row in ranking.winners
    ]
    db.session.add_all(awards)
    db.session.add_all(EntryResult(entry_id=row.entry_id, contest_id=contest.id, rank=row.rank,
                                   score=to_decimal(row.score)) for row in ranking.ranked + ranking.stopped)
    contest.phase = ContestPhase.FINALIZED
    contest.finalized_at = now
    db.session.flush()
    issued = issue_certificates(contest, awards, now)
    snapshot = store_snapshot(contest, ranking, actor, now)
    record("contest.finalized", contest=contest, actor=actor, target=contest.slug,
           awards={row.code: row.tier.code for row in ranking.winners},
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


@dataclass(frozen=True)
class RankingFigures:
    """What the ranking page shows of the whole ranking, beside its page of rows."""

    disagreements: int
    tier_counts: dict[str, int]
    codes_by_id: dict[int, str]


def ranking_figures(ranking: Ranking) -> RankingFigures:
    return RankingFigures(ranking.disagreements, dict(ranking.tier_counts()),
                          ranking.codes_by_id())


@dataclass(frozen=True)
class EntryLine:
    """What the ranking page shows of an entry beside its scores."""

    title: str
    authors: tuple[str, ...]
    category: str


def entry_lines(contest: Contest, entry_ids: Collection[int]) -> dict[int, EntryLine]:
    """Each of the contest's entries ``entry_ids``: its title, authors and category, read
    as plain rows in two queries (no entry object is built)."""
    ids = set(entry_ids)
    if not ids:
        return {}
    # A long list of ids is more than SQLite takes in one statement: then the contest's all.
    wanted = Entry.id.in_(ids) if len(ids) <= MAX_IDS else Entry.contest_id == contest.id
    authors: dict[int, list[str]] = {}
    for entry_id, name in db.session.execute(
            select(EntryAuthor.entry_id, EntryAuthor.name).join(Entry, Entry.id == EntryAuthor.entry_id)
            .where(wanted).order_by(EntryAuthor.entry_id, EntryAuthor.position)):
        authors.setdefault(entry_id, []).append(name)
    rows = db.session.execute(select(Entry.id, Entry.title, Category.name)
                              .join(Category, Category.id == Entry.category_id).where(wanted))
    return {entry_id: EntryLine(title, tuple(authors.get(entry_id, ())), category)
            for entry_id, title, category in rows if entry_id in ids}


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
