"""`contest backup` and `contest restore`: the database and every uploaded file, exactly, on
SQLite and PostgreSQL; never over a database that holds something unless --force."""
from __future__ import annotations

import hashlib
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import func, select, text, update

from contest.auth.services import upsert_user
from contest.backup import NOT_BACKED_UP, upload_root
from contest.entries.services import upload_folder
from contest.extensions import db
from contest.models import Contest, Entry, EntryFile, RankingVersion, Role, Score
from contest.results.services import compute_ranking, ranking_records
from tests.conftest import app_on_empty_database

RESTORE_SCHEMA = "restore_check"


def snapshot() -> dict:
    """Everything a restore must bring back: every row of every table, every score,
    every file's bytes, and the ranking of every contest."""
    rows = {t.name: sorted(tuple(str(v) for v in row) for row in db.session.execute(select(t)))
            for t in db.metadata.sorted_tables if t.name not in NOT_BACKED_UP}
    scores = sorted((s.assignment_id, s.criterion_id, s.points) for s in db.session.scalars(select(Score)))
    root = upload_root()
    files = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(root.rglob("*")) if p.is_file()}
    rankings = {c.slug: ranking_records(compute_ranking(c)) for c in db.session.scalars(select(Contest))}
    return {"counts": {name: len(r) for name, r in rows.items()}, "rows": rows, "scores": scores,
            "files": files, "rankings": rankings}


@pytest.fixture
def filled(finalized_demo):
    """The finalized demo with uploaded files: entry files, and nested folders such as
    blind copies and certificate images keep."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    entry = db.session.scalar(select(Entry).where(Entry.contest_id == finalized_demo.id).order_by(Entry.id))
    body = "Bài dự thi “Dân vận khéo” — Kiến Thụy".encode() * 500
    (folder / "a1b2c3.pdf").write_bytes(body)
    entry.files.append(EntryFile(original_name="bài dự thi.pdf", stored_name="a1b2c3.pdf",
                                 content_type="application/pdf", size=len(body),
                                 sha256=hashlib.sha256(body).hexdigest()))
    (folder / "blind" / "dvk-2022").mkdir(parents=True)
    (folder / "blind" / "dvk-2022" / f"{entry.code}.pdf").write_bytes(b"%PDF-1.4 blind copy")
    (folder / "certificates" / "designs").mkdir(parents=True)
    (folder / "certificates" / "designs" / "nen.png").write_bytes(bytes(range(256)) * 64)
    db.session.commit()
    flask_migrate.stamp()  # the test schema comes from create_all; `contest db upgrade` stamps it
    db.session.commit()
    return finalized_demo


def test_backup_and_restore_round_trip(app, runner, filled, tmp_path):
    before = snapshot()
    assert before["counts"]["scores"] > 100 and len(before["files"]) == 3
    archive = tmp_path / "dvk-2022.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"{sum(before['counts'].values())} rows" in result.output and "3 files" in result.output

    # Over a database that holds something: refused, nothing changed.
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    assert snapshot() == before

    # Things go wrong after the backup: a score changed, a file lost, an account added.
    db.session.execute(update(Score).where(Score.id == 1).values(points=0))
    (upload_root() / "a1b2c3.pdf").unlink()
    (upload_root() / "stray.txt").write_text("not in the backup")
    upsert_user("moi@example.vn", "Người Mới", [Role.AUTHOR], "mot-mat-khau-dai")
    db.session.commit()
    assert snapshot() != before

    versions = dict(db.session.execute(select(RankingVersion.contest_id, RankingVersion.version)).all())
    result = runner.invoke(args=["restore", str(archive), "--force"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert snapshot() == before
    # A ranking kept before the restore is never taken for the restored one.
    restored = dict(db.session.execute(select(RankingVersion.contest_id, RankingVersion.version)).all())
    assert restored.keys() == versions.keys() and all(restored[c] > versions[c] for c in versions)

    # New rows get fresh ids after the restored ones (PostgreSQL's sequences moved on).
    newest = db.session.scalar(select(func.max(Score.id)))
    user = upsert_user("sau@example.vn", "Sau Khôi Phục", [Role.AUTHOR], "mot-mat-khau-dai")
    db.session.commit()
    assert user.id > len(before["rows"]["users"])
    assert newest == before["counts"]["scores"]


def test_restore_into_a_new_database_builds_the_schema(app, runner, filled, tmp_path):
    before = snapshot()
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    # Another database with no schema yet, and another (empty) upload folder.
    with app_on_empty_database(tmp_path, RESTORE_SCHEMA) as fresh:
        result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert snapshot() == before
        assert fresh.test_client().get("/c/dvk-2022/").status_code == 200


def test_a_backup_never_overwrites_a_file(runner, tmp_path):
    target = tmp_path / "old.tar.gz"
    target.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert target.read_bytes() == b"yesterday's backup"


@pytest.mark.parametrize("content", [b"not an archive", b""])
def test_restoring_something_else_is_refused_plainly(runner, tmp_path, content):
    source = tmp_path / "x.tar.gz"
    source.write_bytes(content)
    result = runner.invoke(args=["restore", str(source)])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output and "Traceback" not in result.output


def test_a_damaged_file_in_the_backup_changes_nothing(app, runner, filled, tmp_path):
    import io
    import tarfile

    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "uploads/a1b2c3.pdf":
                data = b"tampered" + data[8:]
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    before = snapshot()
    result = runner.invoke(args=["restore", str(damaged), "--force"])
    assert result.exit_code == 1 and "damaged" in result.output
    db.session.expire_all()
    assert snapshot() == before
    assert not [p for p in Path(upload_root()).parent.iterdir() if p.name.startswith(".restore-")]


def test_a_database_without_a_schema_revision_is_refused(app, runner, tmp_path, finalized_demo):
    """Tables made some other way than by the migrations: the restore would not know them."""
    archive = tmp_path / "backup.tar.gz"
    flask_migrate.stamp()
    db.session.commit()
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(archive), "--force"])
    assert result.exit_code == 1 and "no schema revision" in result.output
