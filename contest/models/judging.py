"""Judging rounds, judge assignments and the scores judges give."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest, Criterion
from contest.models.entries import Entry
from contest.models.types import FixedPoint, UTCDateTime, enum_type, utcnow
from contest.models.users import User


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(100))

    contest: Mapped[Contest] = relationship(back_populates="rounds")


class Assignment(db.Model):
    """One judge reading one entry in one round; the score sheet hangs off it."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    # None while the sheet is a draft; set when the judge submits it.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship()
    scores: Mapped[list[Score]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def points_by_criterion(self) -> dict[int, Decimal]:
        return {s.criterion_id: s.points for s in self.scores}


class Score(db.Model):
    """Points for one criterion. The database checks 0 ≤ points ≤ the criterion's max.

    ``max_points`` is a copy of the criterion's maximum, kept honest by a
    foreign key to (criteria.id, criteria.max_points) with ON UPDATE CASCADE:
    lowering a maximum below a score already given fails the CHECK.
    """

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion_id"),
        ForeignKeyConstraint(
            ["criterion_id", "max_points"],
            ["criteria.id", "criteria.max_points"],
            onupdate="CASCADE",
            ondelete="CASCADE",
            name="fk_scores_criterion_max_points",
        ),
        CheckConstraint("points >= 0 AND points <= max_points", name="points_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    criterion_id: Mapped[int]
    max_points: Mapped[Decimal] = mapped_column(FixedPoint(2))
    points: Mapped[Decimal] = mapped_column(FixedPoint(2))

    assignment: Mapped[Assignment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ConflictSource(enum.StrEnum):
    JUDGE = "judge"            # declared by the judge on their sheet
    ORGANIZER = "organizer"    # added by an organizer


class Conflict(db.Model):
    """A judge who must not read an entry, declared by the judge or an organizer.

    It stays for every later round until an organizer lifts it (``lifted_at``).
    Conflicts that follow from the data (the judge is an author, or from the
    author's organization or district when the contest says so) are not stored:
    they are computed (judging/conflicts.py).
    """

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource))
    reason: Mapped[str] = mapped_column(Text)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    entry: Mapped[Entry] = relationship()
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class ScoreSource(enum.StrEnum):
    """Where a change of a score came from."""

    SHEET = "sheet"              # the judge's score page (draft, submit, correction)
    AUTOSAVE = "autosave"        # the score page saving a draft while the judge types
    IMPORT = "import"            # `contest import-scores` or an organizer's upload
    CORRECTION = "correction"    # an organizer withdrew, discarded or moved a sheet


class ScoreChange(db.Model):
    """One change of one judge's sheet for one entry: old → new per criterion code,
    and the comment before and after. Kept when the sheet itself goes."""

    __tablename__ = "score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[ScoreSource] = mapped_column(enum_type(ScoreSource))
    # {criterion code: [old, new]}, points as strings ("46.5"), None where there was none.
    points: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment_before: Mapped[str | None] = mapped_column(Text)
    comment_after: Mapped[str | None] = mapped_column(Text)
    # The sheet's state after the change: draft, submitted, or removed.
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def comment_changed(self) -> bool:
        return self.comment_before != self.comment_after
