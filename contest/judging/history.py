"""The score history: every change of a sheet (old → new per criterion, the comment),
whoever made it and from where, and the pages that read it back."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from contest.audit import record
from contest.extensions import db
from contest.models import (
    Assignment,
    Contest,
    Criterion,
    Entry,
    ScoreChange,
    ScoreSource,
    User,
)

# The audit action per source of a change.
ACTIONS = {
    ScoreSource.SHEET: "score.sheet",
    ScoreSource.AUTOSAVE: "score.autosaved",
    ScoreSource.IMPORT: "score.imported",
    ScoreSource.CORRECTION: "score.corrected",
}
HISTORY_SHOWN = 500


@dataclass(frozen=True)
class SheetSnapshot:
    """What a sheet holds at one moment: points by criterion id, comment, state."""

    points: dict[int, Decimal]
    comment: str
    state: str  # "none" (no sheet), "draft", "submitted" or "removed"

    @classmethod
    def of(cls, assignment: Assignment | None) -> SheetSnapshot:
        if assignment is None:
            return cls({}, "", "none")
        return cls(assignment.points_by_criterion(), assignment.comment or "",
                   "submitted" if assignment.is_submitted else "draft")


def lock_sheet(assignment: Assignment) -> None:
    """Hold the sheet's row until commit and read it again as it is now.

    An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so
    two saves of one sheet run one after the other; the second sees the first's
    scores and never inserts them twice.
    """
    db.session.execute(
        update(Assignment).where(Assignment.id == assignment.id)
        .values(updated_at=Assignment.updated_at)
        .execution_options(synchronize_session=False, ranking_unchanged=True)
    )
    for score in list(assignment.scores):
        db.session.expire(score)
    db.session.expire(assignment)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def record_change(
    assignment: Assignment,
    before: SheetSnapshot,
    after: SheetSnapshot,
    source: ScoreSource,
    actor: User | None,
    reason: str = "",
) -> ScoreChange | None:
    """Keep what changed between ``before`` and ``after`` (None when nothing did)."""
    contest = assignment.round.contest
    points = {}
    for criterion in contest.criteria:
        old, new = before.points.get(criterion.id), after.points.get(criterion.id)
        if old != new:
            points[criterion.code] = [_text(old), _text(new)]
    comment_changed = before.comment != after.comment
    if not points and not comment_changed and before.state == after.state:
        return None
    change = ScoreChange(
        contest_id=contest.id, round_id=assignment.round_id, entry_id=assignment.entry_id,
        judge_id=assignment.judge_id, actor_id=actor.id if actor is not None else None,
        source=source, points=points,
        comment_before=before.comment if comment_changed else None,
        comment_after=after.comment if comment_changed else None,
        state=after.state, reason=reason,
    )
    db.session.add(change)
    judge = assignment.judge
    record(ACTIONS[source], contest=contest, actor=actor, target=assignment.entry.code,
           judge=judge.email, state=after.state, points=points,
           comment=[before.comment, after.comment] if comment_changed else None,
           **({"reason": reason} if reason else {}))
    return change


@dataclass(frozen=True)
class HistoryLine:
    change: ScoreChange
    # (criterion, old, new) in rubric order, only those that changed.
    points: list[tuple[Criterion, str | None, str | None]]


def _lines(contest: Contest, changes: list[ScoreChange]) -> list[HistoryLine]:
    by_code = {c.code: c for c in contest.criteria}
    lines = []
    for change in changes:
        changed = [(c, *change.points[c.code]) for c in contest.criteria if c.code in change.points]
        # A criterion removed from the rubric since: still shown, by its code.
        changed += [(Criterion(code=code, name=code), old, new)
                    for code, (old, new) in change.points.items() if code not in by_code]
        lines.append(HistoryLine(change, changed))
    return lines


def _history(contest: Contest, condition) -> list[HistoryLine]:
    changes = list(db.session.scalars(
        select(ScoreChange)
        .where(ScoreChange.contest_id == contest.id, condition)
        .options(joinedload(ScoreChange.entry), joinedload(ScoreChange.judge),
                 joinedload(ScoreChange.actor))
        .order_by(ScoreChange.created_at.desc(), ScoreChange.id.desc())
        .limit(HISTORY_SHOWN)
    ))
    return _lines(contest, changes)


def entry_history(entry: Entry) -> list[HistoryLine]:
    """Every change of every sheet of ``entry``, newest first."""
    return _history(entry.contest, ScoreChange.entry_id == entry.id)


def judge_history(contest: Contest, judge: User) -> list[HistoryLine]:
    """Every change of ``judge``'s sheets in ``contest``, newest first (the latest 500)."""
    return _history(contest, ScoreChange.judge_id == judge.id)
