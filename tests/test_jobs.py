"""Background jobs: queued only when the transaction commits, run in an app context,
their progress and failures kept in ``jobs`` rows; Huey on SQLite and on Redis."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from config import TestConfig
from contest import create_app
from contest.extensions import db
from contest.jobs import create_job, jobs, report_progress, running
from contest.audit import record
from contest.models import AuditEvent, Job, JobStatus
from tests.conftest import ON_POSTGRES, _empty_tables

CONTEST_SCRIPT = Path(sys.executable).with_name("contest")


@jobs.task()
def note(action: str) -> None:
    """Writes an audit event: proof that the task ran, in an app context, and committed."""
    record(action, target="job")
    db.session.commit()


@jobs.task()
def count_to(job_id: int, fail_at: int | None = None) -> None:
    with running(job_id) as job:
        for step in range(1, job.total + 1):
            if step == fail_at:
                raise RuntimeError(f"step {step} went wrong")
            report_progress(job, step)


def notes() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_task_is_queued_only_when_the_transaction_commits(app):
    jobs.enqueue_on_commit(note, "job.ran")
    assert jobs.pending_count() == 0
    db.session.commit()
    assert jobs.pending_count() == 1
    assert jobs.run_pending() == 1
    assert notes() == ["job.ran"]


def test_a_rolled_back_transaction_queues_nothing(app):
    jobs.enqueue_on_commit(note, "never")
    db.session.rollback()
    db.session.commit()
    assert jobs.pending_count() == 0
    assert jobs.run_pending() == 0
    assert notes() == []


def test_a_job_reports_progress_and_finishes(app):
    job = create_job("count", total=5)
    db.session.commit()
    count_to(job.id)
    assert db.session.get(Job, job.id).status is JobStatus.QUEUED
    jobs.run_pending()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.done, job.total, job.error) == (JobStatus.DONE, 5, 5, "")
    assert job.started_at is not None and job.finished_at >= job.started_at


def test_a_failing_job_is_marked_failed_with_its_error_and_keeps_its_progress(app):
    job = create_job("count", total=5)
    db.session.commit()
    count_to(job.id, fail_at=4)
    jobs.run_pending()  # Huey logs the exception; the worker goes on
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.FAILED
    assert job.done == 3
    assert job.error == "RuntimeError: step 4 went wrong"


def test_the_worker_command_drains_the_queue(app, runner):
    jobs.enqueue_on_commit(note, "one")
    jobs.enqueue_on_commit(note, "two")
    db.session.commit()
    result = runner.invoke(args=["worker", "--drain"])
    assert result.exit_code == 0, result.output
    assert "2 jobs run" in result.output
    assert notes() == ["one", "two"]


@pytest.fixture
def standalone_app(_schema, tmp_path):
    """An app of its own on a database other processes can open (a SQLite file, or PostgreSQL)."""
    made = []

    def make(**settings):
        settings.setdefault("INSTANCE_PATH", tmp_path / "instance")
        if not ON_POSTGRES:
            settings.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'shared.db'}")
        app = create_app(type("Config", (TestConfig,), settings))
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            if ON_POSTGRES:
                _empty_tables()
            db.engine.dispose()


def test_the_queue_lives_in_redis_when_redis_url_is_set(standalone_app):
    """Production: every web and worker process shares one queue in Redis."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CONTEST_REQUIRE_REDIS") == "1":
            pytest.fail("TEST_REDIS_URL is required here (CONTEST_REQUIRE_REDIS=1)")
        pytest.skip("no Redis for the tests (set TEST_REDIS_URL=redis://127.0.0.1:6379/15)")
    app = standalone_app(REDIS_URL=url, JOBS_QUEUE_NAME=f"contest-test-{uuid.uuid4().hex}")
    assert type(jobs.huey.storage).__name__ == "RedisStorage"
    try:
        with app.app_context():
            job = create_job("count", total=3)
            db.session.commit()
            count_to(job.id)
            assert jobs.pending_count() == 1
            assert jobs.run_pending() == 1
            db.session.expire_all()
            assert db.session.get(Job, job.id).status is JobStatus.DONE
    finally:
        jobs.huey.storage.flush_all()


def test_a_tests_queue_never_waits_for_the_disk_and_the_default_queue_does(standalone_app, tmp_path):
    def pragmas() -> tuple:
        conn = jobs.huey.storage.conn
        return conn.execute("pragma journal_mode").fetchone()[0], conn.execute("pragma synchronous").fetchone()[0]

    standalone_app()
    assert pragmas() == ("wal", 0)
    standalone_app(INSTANCE_PATH=tmp_path / "running", JOBS_SQLITE_SYNC=True)
    assert (tmp_path / "running" / "jobs.db").is_file()
    assert pragmas() == ("wal", 2)  # SQLite's default, FULL


def test_a_real_worker_process_takes_what_another_process_queued(standalone_app, tmp_path):
    """`contest worker` in its own process runs a job that `contest worker --check` queued."""
    app = standalone_app()
    env = {**os.environ, "CONTEST_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "worker-test"}
    env.pop("REDIS_URL", None)
    check = [str(CONTEST_SCRIPT), "worker", "--check", "--timeout", "3"]
    alone = subprocess.run(check, env=env, capture_output=True, text=True, timeout=60)
    assert alone.returncode != 0
    assert "no worker took the check job within 3 s" in alone.stderr

    worker = subprocess.Popen([str(CONTEST_SCRIPT), "worker", "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        check[-1] = "30"
        taken = subprocess.run(check, env=env, capture_output=True, text=True, timeout=60)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
    assert taken.returncode == 0, taken.stderr
    assert "a worker took the check job" in taken.stdout
    assert "contest.jobs.check_worker" in output
    with app.app_context():
        # The first check, never taken, is run by the worker once it starts.
        assert list(db.session.scalars(select(Job.status).order_by(Job.id))) == [
            JobStatus.DONE, JobStatus.DONE]
