"""Background jobs as people see them: what runs, how far along it is, what it produced."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.extensions import db
from contest.models.types import UTCDateTime, enum_type, utcnow
from contest.models.users import User


class JobStatus(enum.StrEnum):
    """queued → running → done | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One run of a background task, with its progress (``done`` of ``total`` steps).

    The task itself lives in the queue (contest.jobs); this row is what pages
    show, and it stays after the queue has forgotten the task.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("done >= 0 AND total >= 0", name="progress_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int | None] = mapped_column(
        ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # Why it failed, in English (the log has the traceback).
    error: Mapped[str] = mapped_column(Text, default="")
    # A file the job wrote under instance/jobs/, if any.
    result_name: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
