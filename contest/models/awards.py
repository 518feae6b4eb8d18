"""What judging produces: tie resolutions, awards and issued certificates."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest, DocumentKind, PrizeTier
from contest.models.entries import Entry
from contest.models.types import FixedPoint, UTCDateTime, utcnow
from contest.models.users import User


class TieResolution(db.Model):
    """An organizer's ordering of a group of equally scored entries, with the reason.

    It applies while the group holds exactly these entries; when scores change
    and the group changes, the tie is reported again.
    """

    __tablename__ = "tie_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contest: Mapped[Contest] = relationship()
    resolved_by: Mapped[User | None] = relationship()
    members: Mapped[list[TieResolutionEntry]] = relationship(
        order_by="TieResolutionEntry.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def entry_ids(self) -> list[int]:
        return [m.entry_id for m in self.members]


class TieResolutionEntry(db.Model):
    __tablename__ = "tie_resolution_entries"
    __table_args__ = (UniqueConstraint("resolution_id", "position"),)

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("tie_resolutions.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]


class ResultSnapshot(db.Model):
    """The results as finalized: one canonical JSON document and its SHA-256.

    Kept when the results are reopened (``released_at``): a later finalization
    stores a new one.
    """

    __tablename__ = "result_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    finalized_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    release_reason: Mapped[str] = mapped_column(Text, default="")

    contest: Mapped[Contest] = relationship()
    finalized_by: Mapped[User | None] = relationship(foreign_keys=[finalized_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])


class EntryResult(db.Model):
    """Every ranked entry's rank and score as finalized, prize or not (for its authors)."""

    __tablename__ = "entry_results"

    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    score: Mapped[Decimal] = mapped_column(FixedPoint(2))


class Award(db.Model):
    """A prize fixed at finalization, with the rank and score it was given on."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("prize_tiers.id"))
    rank: Mapped[int]
    score: Mapped[Decimal] = mapped_column(FixedPoint(2))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contest: Mapped[Contest] = relationship()
    entry: Mapped[Entry] = relationship()
    tier: Mapped[PrizeTier] = relationship()


class Certificate(db.Model):
    """An issued document. The printed texts are kept as issued, so a later
    edit of an entry never changes a certificate already handed out."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("document_kind_id", "seq"),
        UniqueConstraint("document_kind_id", "number"),
        UniqueConstraint("document_kind_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_kind_id: Mapped[int] = mapped_column(ForeignKey("document_kinds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(300), default="")
    entry_title: Mapped[str] = mapped_column(String(500))
    tier_name: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document_kind: Mapped[DocumentKind] = relationship()
    entry: Mapped[Entry] = relationship()
    award: Mapped[Award] = relationship()
