"""Each contest's ranking version: a counter bumped in the same transaction as every write
that can change the contest's ranking, so any process can tell whether a ranking it keeps
is still the database's.

The session's flushes are watched (``after_flush``) for the models the ranking is computed
from, and for what its kept page shows besides: the entries' authors and categories, the
finalized results' snapshot, and the name of whoever ordered a tie (a user renamed moves on
the contests where they did); a bulk statement on those tables through the session counts
for every contest (one on users is not watched). The
counters are bumped once, at commit (``before_commit``), as the transaction's last
statement: on PostgreSQL a counter's row lock is then held only while the commit itself
runs, so thirty judges saving sheets at once queue for a moment at commit, not for their
whole transaction. Writes made outside the session (raw SQL, another program) are not seen.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, case, event, inspect, literal, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contest.models import (
    Advancement,
    Assignment,
    Category,
    Contest,
    Criterion,
    Entry,
    EntryAuthor,
    PrizeTier,
    RankingVersion,
    ResultSnapshot,
    Round,
    Score,
    TieResolution,
    TieResolutionEntry,
    User,
    round_criteria,
)

CHANGES_KEY = "ranking_changes"

# Model → (the key it names, the attribute holding it): the contest itself, or a row
# whose contest the database knows. Entry authors, categories and the snapshot are not
# ranked, but the kept ranking page shows them (results/views.py).
WATCHED = {
    Contest: ("contest", "id"),
    Entry: ("contest", "contest_id"),
    EntryAuthor: ("entry", "entry_id"),
    Category: ("contest", "contest_id"),
    Criterion: ("contest", "contest_id"),
    PrizeTier: ("contest", "contest_id"),
    Round: ("contest", "contest_id"),
    TieResolution: ("contest", "contest_id"),
    TieResolutionEntry: ("resolution", "resolution_id"),
    Advancement: ("round", "round_id"),
    Assignment: ("round", "round_id"),
    Score: ("assignment", "assignment_id"),
    ResultSnapshot: ("contest", "contest_id"),
}
WATCHED_TABLES = {model.__table__.name for model in WATCHED} | {round_criteria.name}


@dataclass
class RankingChanges:
    """What the session's transaction wrote that a ranking reads, until it commits."""

    keys: dict[str, set[int]] = field(default_factory=lambda: {
        "contest": set(), "round": set(), "assignment": set(), "resolution": set(), "entry": set(),
        "resolver": set()})
    every_contest: bool = False

    def __bool__(self) -> bool:
        return self.every_contest or any(self.keys.values())

    def note(self, obj) -> None:
        kind, attribute = WATCHED[type(obj)]
        history = inspect(obj).attrs[attribute].history
        # The value before the flush too: a row moved to another contest changes both.
        for value in (*history.sum(), getattr(obj, attribute)):
            if value is not None:
                self.keys[kind].add(value)


def changes_of(session: Session) -> RankingChanges | None:
    return session.info.get(CHANGES_KEY)


def has_unsaved_changes(session: Session) -> bool:
    """The session's transaction wrote, or is about to write, something a ranking reads:
    a ranking it computes now is not the committed one."""
    if changes_of(session):
        return True
    return any(type(obj) in WATCHED for obj in (*session.new, *session.dirty, *session.deleted))


def _changes(session: Session) -> RankingChanges:
    return session.info.setdefault(CHANGES_KEY, RankingChanges())


def _renamed(obj) -> bool:
    return type(obj) is User and inspect(obj).attrs["name"].history.has_changes()


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context) -> None:
    watched = [obj for obj in (*session.new, *session.dirty, *session.deleted) if type(obj) in WATCHED]
    renamed = [obj.id for obj in session.dirty if _renamed(obj)]
    if watched or renamed:
        changes = _changes(session)
        for obj in watched:
            changes.note(obj)
        changes.keys["resolver"].update(renamed)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state) -> None:
    """An UPDATE, INSERT or DELETE run through the session on a watched table: which
    contests it touches is not worked out, every contest's ranking counts as changed
    (unless the statement says ``ranking_unchanged``)."""
    if not (state.is_update or state.is_insert or state.is_delete):
        return
    if state.execution_options.get("ranking_unchanged"):
        return  # e.g. an UPDATE that only takes a row's lock
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        _changes(state.session).every_contest = True


def _touched_contests(changes: RankingChanges, version):
    """The ids of the contests the changes reach, as a SELECT (ordered: rows are locked in
    one order by every transaction, so two of them cannot wait for each other)."""
    keys = changes.keys
    if changes.every_contest:
        condition = true()
    else:
        condition = Contest.id.in_(keys["contest"])
        if keys["round"]:
            condition |= Contest.id.in_(select(Round.contest_id).where(Round.id.in_(keys["round"])))
        if keys["assignment"]:
            condition |= Contest.id.in_(select(Round.contest_id).join(Assignment, Assignment.round_id == Round.id)
                                        .where(Assignment.id.in_(keys["assignment"])))
        if keys["entry"]:
            condition |= Contest.id.in_(select(Entry.contest_id).where(Entry.id.in_(keys["entry"])))
        if keys["resolution"]:
            condition |= Contest.id.in_(select(TieResolution.contest_id)
                                        .where(TieResolution.id.in_(keys["resolution"])))
        if keys["resolver"]:
            condition |= Contest.id.in_(select(TieResolution.contest_id)
                                        .where(TieResolution.resolved_by_id.in_(keys["resolver"])))
    return select(Contest.id, version).where(condition).order_by(Contest.id)


def bump(session: Session, changes: RankingChanges) -> None:
    """Move on the counter of every contest the changes reach, in one statement.

    The new value is the old one plus one, or the clock in microseconds if that is more:
    a number no earlier state of the database was known by, even after a restore from a
    backup (its counters are older) or a deleted contest's id handed out again.
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = RankingVersion.__table__
    now = literal(time.time_ns() // 1000, BigInteger)
    statement = insert(table).from_select(["contest_id", "version"], _touched_contests(changes, now))
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.contest_id],
        set_={"version": case((table.c.version + 1 > now, table.c.version + 1), else_=now)}))


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # the outermost commit bumps
    session.flush()
    changes = session.info.pop(CHANGES_KEY, None)
    if changes:
        bump(session, changes)


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    session.info.pop(CHANGES_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it stays
        session.info.pop(CHANGES_KEY, None)


def ranking_version(session: Session, contest_id: int) -> int:
    """The contest's committed counter (0: nothing written since the counters began)."""
    return session.scalar(select(RankingVersion.version).where(RankingVersion.contest_id == contest_id)) or 0
