"""A contest and its configuration: categories, rubric, prize tiers, documents."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.types import FixedPoint, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from contest.models.designs import CertificateDesign, Printer
    from contest.models.judging import Round


class ContestPhase(enum.StrEnum):
    """open → judging → finalized → published; each step is a service function."""

    OPEN = "open"
    JUDGING = "judging"
    FINALIZED = "finalized"
    PUBLISHED = "published"


class Contest(db.Model):
    __tablename__ = "contests"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    organizer: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    phase: Mapped[ContestPhase] = mapped_column(enum_type(ContestPhase), default=ContestPhase.OPEN)
    code_prefix: Mapped[str] = mapped_column(String(20))
    # Last entry number handed out; incremented with a row lock (see entries.services).
    entry_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Contest rules: a judge never reads an entry from their own organization / district.
    conflict_same_organization: Mapped[bool] = mapped_column(default=False)
    conflict_same_district: Mapped[bool] = mapped_column(default=False)
    # Applied in order to a boundary tie before an organizer is asked: "criterion:ND", "round:SK".
    tie_breakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The public results page and the authors' accounts show scores and ranks.
    show_scores: Mapped[bool] = mapped_column(default=False)
    # The office's documents: issuer, signer, the jury's meeting and members (settings `[paperwork]`).
    paperwork: Mapped[dict] = mapped_column(JSON, default=dict)

    categories: Mapped[list[Category]] = relationship(
        back_populates="contest", order_by="Category.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="contest", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    tiers: Mapped[list[PrizeTier]] = relationship(
        back_populates="contest", order_by="PrizeTier.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[DocumentKind]] = relationship(
        back_populates="contest", order_by="DocumentKind.id", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="contest", order_by="Round.number", cascade="all, delete-orphan"
    )
    printers: Mapped[list[Printer]] = relationship(
        back_populates="contest", order_by="Printer.name", cascade="all, delete-orphan"
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def accepts_submissions(self, now: datetime) -> bool:
        """Open phase and inside the window; the window is absolute (UTC) time."""
        return self.phase is ContestPhase.OPEN and self.opens_at <= now < self.closes_at

    @property
    def is_locked(self) -> bool:
        """Scores and awards can no longer change."""
        return self.phase in (ContestPhase.FINALIZED, ContestPhase.PUBLISHED)

    @property
    def current_round(self) -> Round:
        """The open round (judges score only in it); the last one once none is open."""
        from contest.models.judging import RoundStatus

        return next((r for r in self.rounds if r.status is RoundStatus.OPEN), self.rounds[-1])

    @property
    def has_rounds(self) -> bool:
        """Judged in more than one round."""
        return len(self.rounds) > 1

    def __repr__(self) -> str:
        return f"<Contest {self.slug}>"


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    contest: Mapped[Contest] = relationship(back_populates="categories")


class Criterion(db.Model):
    """A rubric line. (id, max_points) is unique so scores can reference both."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("contest_id", "code"),
        UniqueConstraint("id", "max_points"),
        CheckConstraint("max_points > 0", name="max_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
        # Stored in hundredths: steps of 1, 0.5, 0.25 or 0.1 points.
        CheckConstraint("step IN (100, 50, 25, 10)", name="step_allowed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    max_points: Mapped[Decimal] = mapped_column(FixedPoint(2))
    weight: Mapped[Decimal] = mapped_column(FixedPoint(3), default=Decimal(1))
    step: Mapped[Decimal] = mapped_column(FixedPoint(2), default=Decimal("0.5"))
    position: Mapped[int] = mapped_column(default=0)

    contest: Mapped[Contest] = relationship(back_populates="criteria")


class PrizeTier(db.Model):
    __tablename__ = "prize_tiers"
    __table_args__ = (
        UniqueConstraint("contest_id", "code"),
        CheckConstraint("quota >= 0", name="quota_not_negative"),
        CheckConstraint("min_score IS NULL OR min_score >= 0", name="min_score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    quota: Mapped[int]
    min_score: Mapped[Decimal | None] = mapped_column(FixedPoint(2))
    # on_tie = "share": equal scores straddling this tier's line all take it, beyond the quota.
    share_ties: Mapped[bool] = mapped_column(default=False)

    contest: Mapped[Contest] = relationship(back_populates="tiers")


document_kind_tiers = Table(
    "document_kind_tiers",
    db.metadata,
    Column("document_kind_id", ForeignKey("document_kinds.id", ondelete="CASCADE"), primary_key=True),
    Column("tier_id", ForeignKey("prize_tiers.id", ondelete="CASCADE"), primary_key=True),
)


class AwardedTo(enum.StrEnum):
    """Who receives a kind of document."""

    TIERS = "tiers"                    # the winners of the kind's prize tiers
    PARTICIPATION = "participation"    # every eligible entry
    LIST = "list"                      # a recognition list typed in or imported


class DocumentKind(db.Model):
    """A kind of certificate: who issues it, to whom, how it is numbered."""

    __tablename__ = "document_kinds"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    # Lines are separated by newlines, as printed in the top left corner.
    issuer: Mapped[str] = mapped_column(Text)
    # The sentence above the recipient, e.g. "Ban Tổ chức cuộc thi chứng nhận".
    preamble: Mapped[str] = mapped_column(Text, default="")
    signer_title: Mapped[str] = mapped_column(Text)
    signer_name: Mapped[str] = mapped_column(String(200))
    number_format: Mapped[str] = mapped_column(String(100))
    # The date printed on the document; the issue date when not set.
    dated: Mapped[date | None] = mapped_column(Date)
    awarded_to: Mapped[AwardedTo] = mapped_column(enum_type(AwardedTo), default=AwardedTo.TIERS)
    # One certificate per author of an entry instead of one naming them all.
    per_author: Mapped[bool] = mapped_column(default=False)
    # The last number of the series handed out; bumped with a row lock, never reused.
    last_seq: Mapped[int] = mapped_column(default=0)

    contest: Mapped[Contest] = relationship(back_populates="documents")
    design: Mapped[CertificateDesign | None] = relationship(
        back_populates="kind", cascade="all, delete-orphan", uselist=False
    )
    tiers: Mapped[list[PrizeTier]] = relationship(
        secondary=document_kind_tiers, order_by="PrizeTier.position"
    )
    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="document_kind", order_by="Recipient.position", cascade="all, delete-orphan"
    )


class Recipient(db.Model):
    """One line of a recognition list: a person or a collective, their unit, and why."""

    __tablename__ = "recipients"
    __table_args__ = (UniqueConstraint("document_kind_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_kind_id: Mapped[int] = mapped_column(ForeignKey("document_kinds.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    collective: Mapped[bool] = mapped_column(default=False)
    unit: Mapped[str] = mapped_column(String(300), default="")
    # What the document is for, printed under the name ("Đã có thành tích xuất sắc …").
    reason: Mapped[str] = mapped_column(Text, default="")

    document_kind: Mapped[DocumentKind] = relationship(back_populates="recipients")
