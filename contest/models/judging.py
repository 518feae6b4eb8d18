"""Judging rounds, judge assignments and the scores judges give."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
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
from contest.models.types import FixedPoint, UTCDateTime, utcnow
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
