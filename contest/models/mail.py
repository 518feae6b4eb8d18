"""The outbox: every mail the app sends, kept with its delivery status."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.contests import Contest
from contest.models.types import UTCDateTime, enum_type, utcnow


class MailStatus(enum.StrEnum):
    """queued → sent, or queued again after a failed attempt, or failed once attempts run out."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutgoingMail(db.Model):
    """One mail as rendered when it was asked for; a worker delivers it (contest.mail)."""

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int | None] = mapped_column(
        ForeignKey("contests.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus), default=MailStatus.QUEUED,
                                               index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed, in English (the SMTP server's answer).
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contest: Mapped[Contest | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.template} → {self.recipient} {self.status}>"
