"""Rounds of judging: each round's entries and scores, closing a round, opening the next."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.domain import advancement
from contest.domain.advancement import AdvanceCandidate, AdvanceResult
from contest.domain.assignment import assign_balanced, assign_every_judge
from contest.domain.scoring import format_score, to_decimal
from contest.extensions import db
from contest.judging.conflicts import conflicted_pairs
from contest.models import (
    AdvanceReason,
    AdvanceRule,
    Advancement,
    Assignment,
    Contest,
    ContestPhase,
    Entry,
    Round,
    RoundStatus,
    User,
)
from contest.models.types import utcnow


class RoundError(ValueError):
    """A round cannot be closed (or a code is not a round); the message is lazy."""

    def __init__(self, message, missing: list | None = None):
        super().__init__(message)
        self.missing = missing or []


@dataclass
class RoundRow:
    """One entry of a round with its score there, its rank and whether it goes on;
    ``entry`` is there once ``load_round_entries`` ran for the row."""

    entry_id: int
    code: str
    score: Fraction | None
    rank: int | None
    reason: AdvanceReason | None
    entry: Entry | None = None

    @property
    def score_text(self) -> str | None:
        return format_score(self.score)


def load_round_entries(rows: list[RoundRow]) -> list[RoundRow]:
    """Attach each row's entry (with its category), in one query."""
    wanted = [row.entry_id for row in rows if row.entry is None]
    if wanted:
        loaded = {e.id: e for e in db.session.scalars(
            select(Entry).where(Entry.id.in_(wanted)).options(selectinload(Entry.category)))}
        for row in rows:
            row.entry = row.entry or loaded[row.entry_id]
    return rows


# The unfinished entries a plan loads, with who they wait for (all are counted).
MISSING_LOADED = 100


@dataclass
class AdvancePlan:
    """What closing the open round does: who goes on and why, or what is missing."""

    round: Round
    next: Round | None
    rows: list[RoundRow]
    result: AdvanceResult | None
    missing: list  # judging.services.UnfinishedEntry, the first MISSING_LOADED
    missing_count: int
    panel: list[User]
    assigned: int = 0  # sheets of the next round, once the round is closed

    @property
    def advancing(self) -> list[RoundRow]:
        return [r for r in self.rows if r.reason is not None]

    @property
    def ties(self) -> list[advancement.CutTie]:
        return self.result.ties if self.result else []

    def codes_of(self, keys) -> list[str]:
        by_id = {r.entry_id: r.code for r in self.rows}
        return [by_id[k] for k in keys]


def round_by_code(contest: Contest, code: str | None) -> Round:
    """The round with ``code``; the open round without one."""
    if code is None:
        return contest.current_round
    found = next((r for r in contest.rounds if r.code == code), None)
    if found is None:
        raise RoundError(_l("contest %(slug)s has no round %(code)s; its rounds: %(codes)s",
                            slug=contest.slug, code=code, codes=", ".join(r.code for r in contest.rounds)))
    return found


def round_entry_ids(round_: Round):
    """The entries a round reads, as a subquery: the rankable ones in the first round,
    those that went on from the round before in the others."""
    query = select(Entry.id).where(Entry.contest_id == round_.contest_id, Entry.reaches_judges)
    previous = round_.previous
    if previous is not None:
        query = query.where(Entry.id.in_(
            select(Advancement.entry_id).where(Advancement.round_id == previous.id)))
    return query


def round_panel(contest: Contest, round_: Round) -> list[User]:
    """Who reads in a round: its own judges, else those who read in the round before,
    else every judge account."""
    from contest.judging.services import judges

    if round_.judges:
        return list(round_.judges)
    previous = round_.previous
    if previous is not None:
        readers = list(db.session.scalars(
            select(User).where(User.id.in_(
                select(Assignment.judge_id).where(Assignment.round_id == previous.id)))
            .order_by(User.name, User.id)))
        if readers:
            return readers
    return judges()


def round_scores(round_: Round, entry_ids: list[int]) -> dict[int, Fraction | None]:
    """Each entry's score in ``round_`` under the round's method, as it is ranked there
    (exact; under zscore the shown score), from sheet totals the database sums."""
    from contest.results.totals import RoundSheets

    scores = RoundSheets.load(round_).ranking_scores(str(round_.method))
    return {entry_id: scores.get(entry_id) for entry_id in entry_ids}


def missing_sheets(round_: Round, entry_ids: list[int], loaded: int = MISSING_LOADED) -> tuple[list, int]:
    """The round's entries that have no judge or a sheet not yet submitted: the first
    ``loaded`` of them with who is missing, and how many there are. Four queries,
    whatever the size of the round."""
    from contest.judging.services import UnfinishedEntry

    counts = dict(db.session.execute(
        select(Assignment.entry_id, func.count()).where(Assignment.round_id == round_.id)
        .group_by(Assignment.entry_id)).all())
    waiting_ids = set(db.session.scalars(
        select(Assignment.entry_id).where(Assignment.round_id == round_.id, Assignment.submitted_at.is_(None))))
    unfinished = [i for i in entry_ids if not counts.get(i) or i in waiting_ids]
    first = unfinished[:loaded]
    if not first:
        return [], 0
    waiting: dict[int, list[User]] = {}
    for entry_id, judge in db.session.execute(
        select(Assignment.entry_id, User).join(User, User.id == Assignment.judge_id)
        .where(Assignment.round_id == round_.id, Assignment.submitted_at.is_(None),
               Assignment.entry_id.in_(first))
        .order_by(User.name, User.id)
    ):
        waiting.setdefault(entry_id, []).append(judge)
    entries = {e.id: e for e in db.session.scalars(select(Entry).where(Entry.id.in_(first)))}
    return ([UnfinishedEntry(entries[i], counts.get(i, 0), waiting.get(i, [])) for i in first],
            len(unfinished))


def _rule(round_: Round) -> advancement.AdvanceRule:
    return advancement.AdvanceRule(round_.advance_rule.value, round_.advance_count, round_.advance_min_score)


def plan_advance(contest: Contest, picked: list[str] | None = None) -> AdvancePlan:
    """Who would go on from the open round if it closed now (``picked``: entry codes
    for a round whose rule is the organizer's pick; None shows no pick yet)."""
    round_ = contest.current_round
    entries = db.session.execute(
        select(Entry.id, Entry.code, Entry.category_id).where(Entry.id.in_(round_entry_ids(round_)))
        .order_by(Entry.code)).all()
    ids = [entry_id for entry_id, _, _ in entries]
    scores = round_scores(round_, ids)
    missing, missing_count = missing_sheets(round_, ids)
    result = None
    if round_.next is not None and not missing_count:
        candidates = [AdvanceCandidate(i, scores[i], category) for i, _, category in entries]
        by_code = {code: i for i, code, _ in entries}
        unknown = [c for c in picked or [] if c not in by_code]
        if unknown:
            raise RoundError(_l("not entries of round %(round)s: %(codes)s",
                                round=round_.code, codes=", ".join(unknown)))
        if round_.advance_rule is not AdvanceRule.PICK or picked:
            result = advancement.select_advancing(candidates, _rule(round_),
                                                  {by_code[c] for c in picked or []})
    scored = [AdvanceCandidate(i, scores[i]) for i in ids if scores[i] is not None]
    ranks = result.ranks if result else {c.key: r for r, c in advancement.rank(scored)}
    reasons = {a.key: AdvanceReason(a.reason) for a in result.advancing} if result else {}
    rows = [RoundRow(i, code, scores[i], ranks.get(i), reasons.get(i)) for i, code, _ in entries]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    panel = round_panel(contest, round_.next) if round_.next is not None else []
    return AdvancePlan(round_, round_.next, rows, result, missing, missing_count, panel)


def close_round(contest: Contest, actor: User | None, picked: list[str] | None = None) -> AdvancePlan:
    """Close the open round: every sheet must be in. Records who goes on and why,
    opens the next round and assigns its judges (balanced, conflict-free, connected)."""
    if contest.phase is not ContestPhase.JUDGING:
        raise RoundError(_l("contest %(slug)s is not being judged: no round can close", slug=contest.slug))
    round_ = contest.current_round
    if round_.next is None:
        raise RoundError(_l("round %(round)s is the last round: finalize the results instead",
                            round=round_.code))
    plan = plan_advance(contest, picked)
    if plan.missing_count:
        raise RoundError(lazy_ngettext(
            "%(num)d entry is not fully scored in round %(round)s: %(codes)s",
            "%(num)d entries are not fully scored in round %(round)s: %(codes)s",
            plan.missing_count, round=round_.code, codes=missing_text(plan.missing, plan.missing_count)),
            plan.missing)
    if plan.result is None:
        raise RoundError(_l("round %(round)s goes on by the organizer's pick: choose the entries",
                            round=round_.code))
    nxt, panel = plan.next, plan.panel
    pairs = next_round_pairs(contest, nxt, panel, plan.result.keys)

    now = utcnow()
    round_.advancements = [
        Advancement(entry_id=row.entry_id, position=i, rank=row.rank,
                    score=to_decimal(row.score) if row.score is not None else None, reason=row.reason)
        for i, row in enumerate(plan.advancing)]
    round_.status, round_.closed_at, round_.closed_by = RoundStatus.CLOSED, now, actor
    nxt.status, nxt.opened_at = RoundStatus.OPEN, now
    db.session.flush()
    if pairs:  # one executemany: the next round's sheets are many (41 × 200 at the largest)
        db.session.execute(insert(Assignment), [{"round_id": nxt.id, "entry_id": e, "judge_id": j}
                                                for e, j in pairs])
    plan.assigned = len(pairs)
    record("round.closed", contest=contest, actor=actor, target=round_.code,
           advanced={row.code: row.reason.value for row in plan.advancing},
           ties=[plan.codes_of(t.keys) for t in plan.ties], next=nxt.code)
    record("judges.assigned", contest=contest, actor=actor, target=contest.slug, round=nxt.code,
           added=len(pairs), per_entry=nxt.per_entry, judges=[u.id for u in panel])
    return plan


def next_round_pairs(contest: Contest, round_: Round, panel: list[User], entry_ids: list[int]):
    """The next round's sheets, worked out before anything changes: AssignmentError if impossible."""
    from contest.judging.services import JudgingError

    if not panel:
        raise JudgingError(_l("round %(round)s has no judges", round=round_.code))
    judge_ids = [u.id for u in panel]
    excluded = conflicted_pairs(contest, panel, entry_ids)
    if round_.per_entry is None:
        return assign_every_judge(entry_ids, judge_ids, (), excluded)
    return assign_balanced(entry_ids, judge_ids, round_.per_entry, (), excluded)


def missing_text(missing: list, count: int, shown: int = 20) -> str:
    """Entries still waiting, as "DVK-0001 (Nguyễn Văn A, Trần Thị B)", "DVK-0002 (no judge)"."""
    parts = []
    for row in missing[:shown]:
        who = ", ".join(j.name for j in row.waiting_for) if row.assigned else str(_l("no judge"))
        parts.append(f"{row.entry.code} ({who})")
    return "; ".join(parts) + (" …" if count > shown else "")


def advancements_of(round_: Round) -> list[Advancement]:
    """Who went on from a closed round, in rank order, with their entries."""
    return list(db.session.scalars(
        select(Advancement).where(Advancement.round_id == round_.id)
        .options(selectinload(Advancement.entry)).order_by(Advancement.position)))


def stopped_rounds(contest: Contest, rankable: Iterable[int] | None = None) -> dict[int, Round]:
    """Each entry that did not go on from a closed round → that round (one query, two
    without ``rankable``: the ids of the contest's entries that reach the judges)."""
    closed = [r for r in contest.rounds if r.status is RoundStatus.CLOSED]
    if not closed:
        return {}
    went_on: dict[int, set[int]] = {r.id: set() for r in closed}
    for round_id, entry_id in db.session.execute(
        select(Advancement.round_id, Advancement.entry_id)
        .where(Advancement.round_id.in_(list(went_on)))
    ):
        went_on[round_id].add(entry_id)
    stopped: dict[int, Round] = {}
    reading = set(db.session.scalars(round_entry_ids(contest.rounds[0])) if rankable is None else rankable)
    for round_ in closed:
        stopped.update((entry_id, round_) for entry_id in reading - went_on[round_.id])
        reading &= went_on[round_.id]
    return stopped
