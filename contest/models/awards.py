"""What judging produces: tie resolutions, awards and issued certificates."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest, DocumentKind, PrizeTier
from contest.models.entries import Entry
from contest.models.types import FixedPoint, UTCDateTime, enum_type, utcnow
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


class RankingVersion(db.Model):
    """A contest's ranking counter: bumped in the same transaction as every write that can
    change its ranking (contest/results/versions.py), so a ranking kept by any process is
    known fresh by comparing one number."""

    __tablename__ = "ranking_versions"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


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


class CertificateStatus(enum.StrEnum):
    """valid → revoked | reissued (replaced by a new number) | void (results unfinalized)."""

    VALID = "valid"
    REVOKED = "revoked"
    REISSUED = "reissued"
    VOID = "void"


class Certificate(db.Model):
    """An issued document: one line of the register. The printed texts are kept as
    issued, so a later edit of an entry never changes a certificate handed out;
    a correction is a reissue under a new number, and no row is ever deleted."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("document_kind_id", "seq"),
        UniqueConstraint("document_kind_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_kind_id: Mapped[int] = mapped_column(ForeignKey("document_kinds.id", ondelete="CASCADE"))
    # What it was issued for: an entry (with its award, for a prize) or a recognition list line.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("recipients.id"), index=True)
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    recipient: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(300), default="")
    entry_title: Mapped[str] = mapped_column(String(500), default="")
    tier_name: Mapped[str] = mapped_column(String(100), default="")
    # A recognition list's reason line, printed where an entry's title would be.
    reason: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[CertificateStatus] = mapped_column(
        enum_type(CertificateStatus), default=CertificateStatus.VALID
    )
    # Why and when it stopped being valid, and who decided.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The certificate this one was reissued in place of.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)

    document_kind: Mapped[DocumentKind] = relationship()
    entry: Mapped[Entry | None] = relationship()
    award: Mapped[Award | None] = relationship()
    status_changed_by: Mapped[User | None] = relationship()
    replaces: Mapped[Certificate | None] = relationship(
        remote_side=[id], back_populates="replaced_by", foreign_keys=[replaces_id]
    )
    replaced_by: Mapped[Certificate | None] = relationship(
        back_populates="replaces", foreign_keys=[replaces_id], uselist=False
    )

    @property
    def is_valid(self) -> bool:
        return self.status is CertificateStatus.VALID

    @property
    def what_for(self) -> str:
        """The line of the register that says what it was given for."""
        if self.entry_title:
            return f"{self.entry_title} — {self.tier_name}" if self.tier_name else self.entry_title
        return self.reason
