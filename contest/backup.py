"""Backups: the whole database and every uploaded file in one archive, and their exact restore.

The archive is a gzipped tar holding ``manifest.json`` (format, schema revision,
row counts, every file's size and SHA-256), one ``tables/<name>.jsonl`` per table
(one JSON array per row, in the manifest's column order) and the upload folder
under ``uploads/``. Rows are read and written through the models' own column
types, so a backup made on SQLite restores on PostgreSQL and back, value for
value; on PostgreSQL the id sequences are moved past the restored ids.
"""
from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import Date, Enum, LargeBinary, Table, func, insert, inspect, select, text

from contest.extensions import db
from contest.models.types import FixedPoint, UTCDateTime

FORMAT = "contest-backup"
VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """A backup cannot be made or restored as asked; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    rows: dict[str, int]
    files: int
    bytes: int
    revision: str | None


# Reading and writing values ---------------------------------------------------------------


def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decoder(column):
    """How a column's JSON value becomes what its type takes again."""
    kind = column.type
    if isinstance(kind, FixedPoint):
        return Decimal
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class
    return None


# Not data: the rankings' freshness counters. A restore's writes move them on past every
# value kept by a process (contest/results/versions.py), and older backups lack the table.
NOT_BACKED_UP = {"ranking_versions"}


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _files_under(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def database_revision() -> str | None:
    """The Alembic revision the database is at (None without a schema)."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


# Backup -----------------------------------------------------------------------------------


@contextmanager
def _snapshot():
    """A connection that sees every table as of one moment, even while the site runs."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                yield conn
    else:
        # SQLite: the session's own connection (an in-memory database has only that one);
        # its read transaction holds one snapshot until the rollback.
        try:
            yield db.session.connection()
        finally:
            db.session.rollback()


def write_backup(target: Path) -> BackupSummary:
    """Write the database and the upload folder to ``target`` (which must not exist yet)."""
    if target.exists():
        raise BackupError(f"{target} exists already: give a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: there is no folder {target.parent}")
    revision = database_revision()
    tables, rows = {}, {}
    staging = tempfile.TemporaryDirectory(prefix="contest-backup-")
    try:
        with _snapshot() as conn:
            for table in _tables():
                columns = [c.name for c in table.columns]
                out = Path(staging.name) / f"{table.name}.jsonl"
                count = 0
                with out.open("w", encoding="utf-8") as handle:
                    order = list(table.primary_key.columns) or list(table.columns)
                    for row in conn.execute(select(table).order_by(*order)):
                        handle.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                        count += 1
                tables[table.name] = columns
                rows[table.name] = count
        files = {name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                 for name, path in _files_under(upload_root())}
        manifest = {"format": FORMAT, "version": VERSION,
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "dialect": db.engine.dialect.name, "revision": revision,
                    "columns": tables, "rows": rows, "files": files}
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(time.time())
            archive.addfile(info, io.BytesIO(data))
            for name in tables:
                archive.add(Path(staging.name) / f"{name}.jsonl", arcname=f"tables/{name}.jsonl")
            for name, path in _files_under(upload_root()):
                if name in files:
                    archive.add(path, arcname=f"uploads/{name}")
        os.replace(partial, target)
    finally:
        staging.cleanup()
    return BackupSummary(rows=rows, files=len(files), bytes=sum(f["size"] for f in files.values()),
                         revision=revision)


# Restore ----------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, json.JSONDecodeError):
        raise BackupError("this is not a contest backup (no manifest.json)") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("this is not a contest backup of a version this app reads")
    return manifest


def is_empty() -> bool:
    """No row in any table and no uploaded file."""
    for table in _tables():
        if db.session.scalar(select(func.count()).select_from(table)):
            return False
    return next(_files_under(upload_root()), None) is None


def _unpack_files(archive: tarfile.TarFile, manifest: dict, into: Path) -> None:
    """Every file of the manifest, checked against its size and SHA-256, into ``into``."""
    wanted = manifest["files"]
    for member in archive.getmembers():
        if not member.name.startswith("uploads/"):
            continue
        name = member.name[len("uploads/"):]
        parts = PurePosixPath(name).parts
        if not member.isfile() or name not in wanted or ".." in parts or PurePosixPath(name).is_absolute():
            raise BackupError(f"the backup holds an unexpected entry: {member.name}")
        path = into.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(member) as source, path.open("wb") as out:
            shutil.copyfileobj(source, out)
    for name, facts in wanted.items():
        path = into.joinpath(*PurePosixPath(name).parts)
        if not path.is_file() or path.stat().st_size != facts["size"] or _sha256(path) != facts["sha256"]:
            raise BackupError(f"the backup is damaged: file {name} is missing or differs")


def _empty_database() -> None:
    tables = _tables()
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())


def _insert_rows(archive: tarfile.TarFile, manifest: dict) -> None:
    known = {t.name: t for t in _tables()}
    for name, columns in manifest["columns"].items():
        table = known.get(name)
        if table is None or [c.name for c in table.columns] != columns:
            raise BackupError(f"table {name} in the backup does not match this version's schema")
    for table in _tables():
        columns = [table.c[name] for name in manifest["columns"][table.name]]
        decoders = [_decoder(c) for c in columns]
        batch = []
        for line in archive.extractfile(f"tables/{table.name}.jsonl"):
            values = json.loads(line)
            batch.append({c.key: (d(v) if d is not None and v is not None else v)
                          for c, d, v in zip(columns, decoders, values)})
            if len(batch) >= BATCH:
                db.session.execute(insert(table), batch)
                batch = []
        if batch:
            db.session.execute(insert(table), batch)


def _move_sequences() -> None:
    """PostgreSQL hands out ids from sequences: start them after the restored rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                     {"t": table.name, "c": keys[0].name})
        if sequence:
            highest = select(func.max(keys[0])).scalar_subquery()
            db.session.execute(select(func.setval(sequence, func.coalesce(highest, 0) + 1, False)))


def restore_backup(source: Path, force: bool = False) -> BackupSummary:
    """Replace the database and the upload folder with the backup's; commits when done.

    Refused (nothing changed) when the database or the upload folder holds
    anything, unless ``force``; when the backup is damaged; or when it was made
    at another schema revision than this version of the app.
    """
    import flask_migrate

    if not source.is_file():
        raise BackupError(f"no such file: {source}")
    try:
        archive = tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError):
        raise BackupError(f"{source} is not a contest backup (not a .tar.gz archive)") from None
    with archive:
        manifest = _read_manifest(archive)
        head = head_revision()
        if manifest["revision"] != head:
            raise BackupError(
                f"the backup is at schema revision {manifest['revision']}, this version of the app at "
                f"{head}: restore it with the version that made it, then upgrade (docs/operations.md)")
        current = database_revision()
        if current is None and inspect(db.engine).get_table_names():
            raise BackupError("the database has tables but no schema revision: "
                              "restore into a new database, or run `contest db upgrade` on this one")
        if current is None:
            flask_migrate.upgrade()
        elif current != head:
            raise BackupError(f"the database is at schema revision {current}: run `contest db upgrade` first")
        if not force and not is_empty():
            raise BackupError("the database or the upload folder is not empty: "
                              "restore only into an empty one, or add --force to replace everything")
        root = upload_root()
        root.parent.mkdir(parents=True, exist_ok=True)
        incoming = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
        try:
            _unpack_files(archive, manifest, incoming)
            _empty_database()
            _insert_rows(archive, manifest)
            _move_sequences()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            shutil.rmtree(incoming, ignore_errors=True)
            raise
    # The database is restored; now swap the upload folder for the backup's.
    if root.exists():
        old = root.with_name(f".replaced-{root.name}-{int(time.time())}")
        root.rename(old)
        incoming.rename(root)
        shutil.rmtree(old, ignore_errors=True)
    else:
        incoming.rename(root)
    return BackupSummary(rows=manifest["rows"], files=len(manifest["files"]),
                         bytes=sum(f["size"] for f in manifest["files"].values()),
                         revision=manifest["revision"])
