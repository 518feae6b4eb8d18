"""Background jobs: a Huey queue in SQLite under instance/ by default, in Redis when
REDIS_URL is set, and the ``Job`` rows that pages show progress from.

A task is declared with ``@jobs.task()`` and runs inside an app context with a
database session of its own, so it commits its own work. Views and services
never call a task directly: ``jobs.enqueue_on_commit(task, ...)`` puts it on the
queue once the current transaction commits, so a worker never looks for rows
that are not there yet, and a rolled-back request leaves nothing queued.
Workers run as ``contest worker`` (one process or many, on one machine or
several when the queue is in Redis).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from contest.extensions import db
from contest.models.contests import Contest
from contest.models.jobs import Job, JobStatus
from contest.models.types import utcnow
from contest.models.users import User

log = logging.getLogger(__name__)

PENDING_KEY = "contest.jobs.pending"


class UnsyncedSqliteStorage(SqliteStorage):
    """Huey's SQLite queue that never waits for the disk: for throwaway queues (each test's)."""

    def _set_journal_mode(self, conn) -> None:
        # Before the switch to WAL too, which otherwise waits for the disk to write the new file.
        conn.execute("pragma synchronous=0")
        super()._set_journal_mode(conn)


class JobQueue:
    """The app's one Huey instance; its storage is chosen from the config in ``init_app``."""

    def __init__(self, name: str = "contest"):
        # Replaced in init_app; memory until then, so importing never connects anywhere.
        self.huey = Huey(name, storage_class=MemoryStorage, results=False)
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        name = app.config.get("JOBS_QUEUE_NAME", "contest")
        redis_url = app.config.get("REDIS_URL")
        if redis_url:
            from huey.storage import RedisStorage

            self.huey.storage = RedisStorage(name, url=redis_url)
        else:
            path = Path(app.config.get("JOBS_SQLITE_PATH") or Path(app.instance_path) / "jobs.db")
            path.parent.mkdir(parents=True, exist_ok=True)
            if app.config.get("JOBS_SQLITE_SYNC", True):
                self.huey.storage = SqliteStorage(name, filename=str(path))
            else:
                self.huey.storage = UnsyncedSqliteStorage(name, filename=str(path), fsync=False)
        self.huey.name = name
        self.app = app
        app.extensions["contest.jobs"] = self

    def task(self, **options: Any) -> Callable:
        """Declare a background task (Huey options such as ``retries`` and ``retry_delay``)."""

        def decorator(func: Callable) -> Any:
            @functools.wraps(func)
            def in_app_context(*args: Any, **kwargs: Any) -> Any:
                if self.app is None:
                    raise RuntimeError("the job queue is not bound to an app")
                with self.app.app_context():
                    try:
                        return func(*args, **kwargs)
                    finally:
                        db.session.remove()

            options.setdefault("name", f"{func.__module__}.{func.__name__}")
            return self.huey.task(**options)(in_app_context)

        return decorator

    def enqueue_on_commit(self, task: Any, *args: Any, **kwargs: Any) -> None:
        """Queue ``task(*args, **kwargs)`` when the current transaction commits."""
        session = db.session()
        if not session.in_transaction():
            session.begin()  # so that a rollback, too, is seen and forgets the task
        session.info.setdefault(PENDING_KEY, []).append((task, args, kwargs))

    def run_pending(self, limit: int | None = None) -> int:
        """Run queued tasks here, one after another, as a worker would; returns how many ran.

        ``contest worker --drain`` uses it, and so do the tests.
        """
        ran = 0
        while limit is None or ran < limit:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task)
            ran += 1
        return ran

    def pending_count(self) -> int:
        return self.huey.pending_count()


jobs = JobQueue()


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for task, args, kwargs in session.info.pop(PENDING_KEY, []):
        try:
            task(*args, **kwargs)
        except Exception:  # the queue is down: the work is committed, say so loudly
            log.exception("could not queue %s", getattr(task, "name", task))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing will commit
        session.info.pop(PENDING_KEY, None)


def create_job(kind: str, total: int, contest: Contest | None = None,
               actor: User | None = None) -> Job:
    """A queued job row for a page to follow (the caller commits, then queues the task)."""
    job = Job(kind=kind, total=total, contest_id=contest.id if contest is not None else None,
              created_by_id=actor.id if actor is not None else None)
    db.session.add(job)
    db.session.flush()
    return job


@contextmanager
def running(job_id: int) -> Iterator[Job]:
    """Inside a task: the job is running, then done, or failed with its error; each step committed."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise LookupError(f"no job {job_id}")
    job.status, job.started_at, job.error = JobStatus.RUNNING, utcnow(), ""
    db.session.commit()
    try:
        yield job
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    job.status, job.finished_at = JobStatus.DONE, utcnow()
    job.done = max(job.done, job.total)
    db.session.commit()


def report_progress(job: Job, done: int) -> None:
    """Record how many steps are done, so a progress bar can follow (commits)."""
    job.done = min(done, job.total) if job.total else done
    db.session.commit()


@jobs.task()
def check_worker(job_id: int) -> None:
    """Does nothing but finish: ``contest worker --check`` learns that a worker is running."""
    with running(job_id):
        pass
