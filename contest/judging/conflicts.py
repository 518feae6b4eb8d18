"""Conflicts of interest: which judge may not read which entry, and what happens when
one is found (the sheet is withdrawn and the entry goes to another judge)."""
from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from contest.audit import record
from contest.extensions import db
from contest.judging.history import SheetSnapshot, lock_sheet, record_change
from contest.models import (
    Assignment,
    AuditEvent,
    Conflict,
    ConflictSource,
    Contest,
    Entry,
    Role,
    ScoreSource,
    User,
    UserRole,
)
from contest.models.types import utcnow


class ConflictError(ValueError):
    """A conflict action the data does not allow; the message is lazy."""


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and _fold(a) == _fold(b)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def automatic_reason(contest: Contest, judge: User, submitted_by_id: int | None, email: str,
                     organization: str, district: str) -> str | None:
    """Why the data alone rules ``judge`` out of an entry: "author", "organization",
    "district", or None."""
    if submitted_by_id == judge.id or (email and email.strip().lower() == judge.email.lower()):
        return "author"
    if contest.conflict_same_organization and _same(judge.organization, organization):
        return "organization"
    if contest.conflict_same_district and _same(judge.district, district):
        return "district"
    return None


# Entries looked up by id in one statement at most; more are read with their contest's.
MAX_IDS = 500


def conflicted_pairs(contest: Contest, judges: Iterable[User],
                     entry_ids: Collection[int] | None = None) -> set[tuple[int, int]]:
    """(entry id, judge id) for every judge in ``judges`` who may not read an entry of
    ``contest`` (of ``entry_ids`` only, when given): the rules on the entries' data, and
    the conflicts declared and not lifted.

    Two queries, whatever the size: entries are looked up by the judge's account,
    e-mail, organization and district rather than compared pair by pair.
    """
    judges = list(judges)
    if not judges:
        return set()
    where = [Entry.contest_id == contest.id]
    if entry_ids is not None and len(entry_ids) <= MAX_IDS:
        where.append(Entry.id.in_(list(entry_ids)))
    by_account: dict[int, list[int]] = {}
    by_email: dict[str, list[int]] = {}
    by_organization: dict[str, list[int]] = {}
    by_district: dict[str, list[int]] = {}
    for entry_id, submitted_by_id, email, organization, district in db.session.execute(
        select(Entry.id, Entry.submitted_by_id, Entry.email, Entry.organization, Entry.district).where(*where)
    ):
        if submitted_by_id is not None:
            by_account.setdefault(submitted_by_id, []).append(entry_id)
        if email:
            by_email.setdefault(email.strip().lower(), []).append(entry_id)
        if contest.conflict_same_organization and organization.strip():
            by_organization.setdefault(_fold(organization), []).append(entry_id)
        if contest.conflict_same_district and district.strip():
            by_district.setdefault(_fold(district), []).append(entry_id)
    pairs: set[tuple[int, int]] = set()
    for judge in judges:
        found = by_account.get(judge.id, []) + by_email.get(judge.email.lower(), [])
        if contest.conflict_same_organization and judge.organization.strip():
            found += by_organization.get(_fold(judge.organization), [])
        if contest.conflict_same_district and judge.district.strip():
            found += by_district.get(_fold(judge.district), [])
        pairs.update((entry_id, judge.id) for entry_id in found)
    ids = [j.id for j in judges]
    pairs.update(db.session.execute(
        select(Conflict.entry_id, Conflict.judge_id)
        .where(Conflict.contest_id == contest.id, Conflict.lifted_at.is_(None),
               Conflict.judge_id.in_(ids))
    ).all())
    return pairs


def conflict_of(entry: Entry, judge: User) -> str | None:
    """Why ``judge`` may not read ``entry`` ("author", "organization", "district",
    "declared"), or None."""
    reason = automatic_reason(entry.contest, judge, entry.submitted_by_id, entry.email,
                              entry.organization, entry.district)
    if reason is not None:
        return reason
    declared = db.session.scalar(
        select(Conflict.id).where(Conflict.entry_id == entry.id, Conflict.judge_id == judge.id,
                                  Conflict.lifted_at.is_(None)).limit(1))
    return "declared" if declared is not None else None


def active_conflicts(contest: Contest, entry: Entry | None = None) -> list[Conflict]:
    query = select(Conflict).where(Conflict.contest_id == contest.id)
    if entry is not None:
        query = query.where(Conflict.entry_id == entry.id)
    return list(db.session.scalars(query.order_by(Conflict.declared_at.desc(), Conflict.id.desc())))


def dropped_out(contest: Contest) -> set[int]:
    """Judges an organizer took off this contest's panel: they get no new sheets."""
    return {int(target) for target in db.session.scalars(
        select(AuditEvent.target).where(AuditEvent.contest_id == contest.id,
                                        AuditEvent.action == "judge.dropped_out"))}


def panel(contest: Contest) -> list[User]:
    """The judges of the current round (those with sheets in it), less the dropped out."""
    gone = dropped_out(contest)
    return [u for u in db.session.scalars(
        select(User).join(Assignment, Assignment.judge_id == User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.JUDGE))
        .where(Assignment.round_id == contest.current_round.id)
        .group_by(User.id).order_by(User.name, User.id)
    ) if u.id not in gone]


def least_loaded_judge(contest: Contest, entry: Entry, candidates: list[User],
                       excluding: set[int] = frozenset()) -> User | None:
    """The judge among ``candidates`` with the fewest sheets in the current round who
    is not on ``entry`` and has no conflict with it."""
    round_id = contest.current_round.id
    loads = dict(db.session.execute(
        select(Assignment.judge_id, db.func.count(Assignment.id))
        .where(Assignment.round_id == round_id).group_by(Assignment.judge_id)
    ).all())
    on_entry = set(db.session.scalars(
        select(Assignment.judge_id).where(Assignment.round_id == round_id,
                                          Assignment.entry_id == entry.id)))
    blocked = {j for e, j in conflicted_pairs(contest, candidates) if e == entry.id}
    free = [u for u in candidates
            if u.id not in on_entry and u.id not in blocked and u.id not in excluding]
    return min(free, key=lambda u: (loads.get(u.id, 0), u.name, u.id), default=None)


def withdraw_sheet(assignment: Assignment, actor: User | None, reason: str) -> None:
    """Remove a sheet, keeping what it held in the score history."""
    lock_sheet(assignment)
    before = SheetSnapshot.of(assignment)
    record_change(assignment, before, SheetSnapshot({}, "", "removed"), ScoreSource.CORRECTION,
                  actor, reason=reason)
    db.session.delete(assignment)
    db.session.flush()


def _reassign(contest: Contest, entry: Entry, actor: User | None,
              excluding: set[int] = frozenset()) -> User | None:
    judge = least_loaded_judge(contest, entry, panel(contest), excluding)
    if judge is not None:
        db.session.add(Assignment(round_id=contest.current_round.id, entry_id=entry.id,
                                  judge_id=judge.id))
        db.session.flush()
    return judge


def declare_conflict(contest: Contest, entry: Entry, judge: User, reason: str,
                     actor: User | None, source: ConflictSource) -> Conflict:
    """Record that ``judge`` may not read ``entry``; withdraw their sheet in the current
    round and give the entry to the least-loaded judge without a conflict."""
    reason = reason.strip()
    if not reason:
        raise ConflictError(_l("Give a reason for the conflict of interest."))
    if contest.is_locked:
        raise ConflictError(_l("The results are finalized: assignments can no longer change."))
    conflict = Conflict(contest_id=contest.id, judge_id=judge.id, entry_id=entry.id, source=source,
                        reason=reason, declared_by_id=actor.id if actor is not None else None)
    db.session.add(conflict)
    db.session.flush()
    sheet = db.session.scalar(select(Assignment).where(
        Assignment.round_id == contest.current_round.id, Assignment.entry_id == entry.id,
        Assignment.judge_id == judge.id))
    moved_to = None
    if sheet is not None:
        withdraw_sheet(sheet, actor, reason=f"conflict of interest: {reason}")
        moved_to = _reassign(contest, entry, actor, excluding={judge.id})
    record("conflict.declared", contest=contest, actor=actor, target=entry.code,
           judge=judge.email, source=source.value, reason=reason,
           withdrawn=sheet is not None, reassigned_to=moved_to.email if moved_to else None)
    return conflict


def lift_conflict(conflict: Conflict, reason: str, actor: User | None) -> None:
    if not conflict.active:
        raise ConflictError(_l("This conflict was already lifted."))
    if not reason.strip():
        raise ConflictError(_l("Give a reason for lifting the conflict."))
    conflict.lifted_at = utcnow()
    conflict.lifted_by_id = actor.id if actor is not None else None
    conflict.lift_reason = reason.strip()
    db.session.flush()
    record("conflict.lifted", contest=conflict.entry.contest, actor=actor,
           target=conflict.entry.code, judge=conflict.judge.email, reason=conflict.lift_reason)


def reassign_sheet(assignment: Assignment, to: User, actor: User | None, reason: str = "") -> Assignment:
    """Give a sheet that is not submitted to another judge (the draft's points go)."""
    contest = assignment.round.contest
    entry = assignment.entry
    if contest.is_locked:
        raise ConflictError(_l("The results are finalized: assignments can no longer change."))
    if assignment.is_submitted:
        raise ConflictError(_l("This sheet is submitted: discard it first, with a reason."))
    if not to.has_role(Role.JUDGE):
        raise ConflictError(_l("%(name)s is not a judge.", name=to.name))
    if conflict_of(entry, to) is not None:
        raise ConflictError(_l("%(name)s has a conflict of interest with this entry.", name=to.name))
    if db.session.scalar(select(Assignment.id).where(
            Assignment.round_id == assignment.round_id, Assignment.entry_id == entry.id,
            Assignment.judge_id == to.id)) is not None:
        raise ConflictError(_l("%(name)s already reads this entry.", name=to.name))
    old_judge = assignment.judge
    withdraw_sheet(assignment, actor, reason=reason or f"moved to {to.email}")
    new = Assignment(round_id=assignment.round_id, entry_id=entry.id, judge_id=to.id)
    db.session.add(new)
    db.session.flush()
    record("sheet.reassigned", contest=contest, actor=actor, target=entry.code,
           judge=old_judge.email, to=to.email, reason=reason)
    return new


def discard_sheet(assignment: Assignment, reason: str, actor: User | None) -> User | None:
    """Discard a submitted sheet (a reason is required) and give the entry to another judge."""
    contest = assignment.round.contest
    if contest.is_locked:
        raise ConflictError(_l("The results are finalized: assignments can no longer change."))
    if not reason.strip():
        raise ConflictError(_l("Give a reason for discarding a sheet."))
    entry, judge = assignment.entry, assignment.judge
    withdraw_sheet(assignment, actor, reason=f"discarded: {reason.strip()}")
    moved_to = _reassign(contest, entry, actor, excluding={judge.id})
    record("sheet.discarded", contest=contest, actor=actor, target=entry.code, judge=judge.email,
           reason=reason.strip(), reassigned_to=moved_to.email if moved_to else None)
    return moved_to


def drop_judge(contest: Contest, judge: User, actor: User | None, discard_submitted: bool = False,
               reason: str = "") -> tuple[int, int]:
    """A judge leaves the panel: their unsubmitted sheets go to others, their submitted
    sheets stay unless ``discard_submitted`` (with a reason). Returns (moved, discarded)."""
    if contest.is_locked:
        raise ConflictError(_l("The results are finalized: assignments can no longer change."))
    if discard_submitted and not reason.strip():
        raise ConflictError(_l("Give a reason for discarding submitted sheets."))
    sheets = list(db.session.scalars(select(Assignment).where(
        Assignment.round_id == contest.current_round.id, Assignment.judge_id == judge.id)
        .order_by(Assignment.entry_id)))
    record("judge.dropped_out", contest=contest, actor=actor, target=str(judge.id),
           judge=judge.email, reason=reason.strip(), discard_submitted=discard_submitted)
    db.session.flush()
    moved = discarded = 0
    for sheet in sheets:
        if sheet.is_submitted and not discard_submitted:
            continue
        entry = sheet.entry
        why = f"discarded: {reason.strip()}" if sheet.is_submitted else "the judge dropped out"
        discarded += sheet.is_submitted
        moved += not sheet.is_submitted
        withdraw_sheet(sheet, actor, reason=why)
        _reassign(contest, entry, actor, excluding={judge.id})
    return moved, discarded
