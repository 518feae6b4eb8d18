"""Judging rounds, judge assignments and the scores judges give."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest, Criterion
from contest.models.entries import Entry
from contest.models.types import FixedPoint, UTCDateTime, enum_type, utcnow
from contest.models.users import User


class RoundStatus(enum.StrEnum):
    """pending → open → closed; exactly one round of a contest is open at a time."""

    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


class ScoreMethod(enum.StrEnum):
    """How a round turns its judges' totals into one score per entry."""

    MEAN = "mean"
    TRIMMED = "trimmed"
    MEDIAN = "median"
    ZSCORE = "zscore"


class AdvanceRule(enum.StrEnum):
    """Who goes on from a round to the next one."""

    TOP = "top"                            # the best N overall
    TOP_PER_CATEGORY = "top_per_category"  # the best N of each category
    MIN_SCORE = "min_score"                # every entry at or above a score
    PICK = "pick"                          # the organizer chooses


round_judges = Table(
    "round_judges",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

round_criteria = Table(
    "round_criteria",
    db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion_id", ForeignKey("criteria.id", ondelete="CASCADE"), primary_key=True),
)


class Round(db.Model):
    """One round of judging: who reads, how many per entry, how it is scored and who goes on.

    ``number`` is the round's position (1, 2, …). No judges listed means every
    judge of the contest; no criteria listed means the contest's whole rubric.
    ``per_entry`` None: every judge reads every entry. The last round has no
    advancement rule; ``weight`` is its share of the final score.
    """

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("contest_id", "number"),
        UniqueConstraint("contest_id", "code"),
        CheckConstraint("per_entry IS NULL OR per_entry >= 1", name="per_entry_positive"),
        CheckConstraint("disagreement >= 0 AND disagreement <= 1000", name="disagreement_share"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("advance_count IS NULL OR advance_count >= 1", name="advance_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus), default=RoundStatus.PENDING)
    per_entry: Mapped[int | None]
    method: Mapped[ScoreMethod] = mapped_column(enum_type(ScoreMethod), default=ScoreMethod.MEAN)
    # Share of the maximum total: judges' totals spreading wider are flagged.
    disagreement: Mapped[Decimal] = mapped_column(FixedPoint(3), default=Decimal("0.25"))
    weight: Mapped[Decimal] = mapped_column(FixedPoint(3), default=Decimal(1))
    advance_rule: Mapped[AdvanceRule | None] = mapped_column(enum_type(AdvanceRule))
    advance_count: Mapped[int | None]
    advance_min_score: Mapped[Decimal | None] = mapped_column(FixedPoint(2))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    judges: Mapped[list[User]] = relationship(secondary=round_judges, order_by="User.name, User.id")
    criteria: Mapped[list[Criterion]] = relationship(secondary=round_criteria,
                                                     order_by="Criterion.position")
    closed_by: Mapped[User | None] = relationship()
    advancements: Mapped[list[Advancement]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Advancement.position")

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN

    @property
    def is_first(self) -> bool:
        return self.contest.rounds[0] is self

    @property
    def is_last(self) -> bool:
        return self.contest.rounds[-1] is self

    @property
    def previous(self) -> Round | None:
        rounds = self.contest.rounds
        index = rounds.index(self)
        return rounds[index - 1] if index else None

    @property
    def next(self) -> Round | None:
        rounds = self.contest.rounds
        index = rounds.index(self)
        return rounds[index + 1] if index + 1 < len(rounds) else None

    @property
    def rubric(self) -> list[Criterion]:
        """The criteria judges score in this round: its own, else the contest's."""
        return list(self.criteria) or list(self.contest.criteria)

    def __repr__(self) -> str:
        return f"<Round {self.code}>"


class AdvanceReason(enum.StrEnum):
    """Why an entry went on to the next round."""

    RULE = "rule"    # inside the round's rule (top N, min score)
    TIE = "tie"      # equal to the last score inside the cut
    PICK = "pick"    # chosen by the organizer


class Advancement(db.Model):
    """An entry that went on from a closed round to the next, with its score there and why."""

    __tablename__ = "advancements"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    rank: Mapped[int | None]
    score: Mapped[Decimal | None] = mapped_column(FixedPoint(2))
    reason: Mapped[AdvanceReason] = mapped_column(enum_type(AdvanceReason))

    round: Mapped[Round] = relationship(back_populates="advancements")
    entry: Mapped[Entry] = relationship()


class Assignment(db.Model):
    """One judge reading one entry in one round; the score sheet hangs off it."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "judge_id"),
                      # A round's sheets as the ranking and the calibration read them, from the
                      # index alone: a sheet's row is wide (its comment).
                      Index("ix_assignments_round_id_sheet_totals",
                            "round_id", "entry_id", "judge_id", "submitted_at", "scored", "total"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    # None while the sheet is a draft; set when the judge submits it.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The sheet's scores on its round's rubric, summed where they are written (see
    # contest/judging/sheet_totals.py): Σ points × weight in 10⁻⁵ points, and how many.
    total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    scored: Mapped[int] = mapped_column(default=0, server_default="0")

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
