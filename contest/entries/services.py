"""Create and edit entries, allocate entry codes, keep uploaded files."""
from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from contest.audit import record
from contest.extensions import db
from contest.models import AuthorKind, Category, Contest, Entry, EntryFile, User
from contest.models.types import utcnow
from contest.text import clean


class SubmissionClosed(Exception):
    """The contest does not accept new entries or edits right now."""


class UploadRejected(ValueError):
    """A file of a type we do not take, or an empty one."""


@dataclass
class EntryFields:
    """What an author (or an organizer typing a paper entry) fills in."""

    title: str
    category: Category
    author_kind: AuthorKind
    authors: list[str]
    # None leaves the entry's current value alone (an import without that column).
    organization: str | None = ""
    district: str | None = ""
    email: str | None = ""
    phone: str | None = ""
    description: str | None = ""
    link: str | None = ""

    def apply_to(self, entry: Entry) -> None:
        entry.title = clean(self.title)
        entry.category = self.category
        entry.author_kind = self.author_kind
        entry.set_authors([clean(name) for name in self.authors if clean(name)])
        for name in ("organization", "district", "email", "phone", "description", "link"):
            value = getattr(self, name)
            if value is not None:
                setattr(entry, name, clean(value))


def allocate_code(contest: Contest) -> str:
    """The next free entry code, e.g. DVK-0042.

    The counter is bumped with an UPDATE, which holds the contest row's lock
    until commit, so two workers never hand out the same number.
    """
    while True:
        db.session.execute(
            update(Contest).where(Contest.id == contest.id).values(entry_seq=Contest.entry_seq + 1)
        )
        seq = db.session.scalar(select(Contest.entry_seq).where(Contest.id == contest.id))
        code = f"{contest.code_prefix}-{seq:04d}"
        taken = db.session.scalar(
            select(Entry.id).where(Entry.contest_id == contest.id, Entry.code == code)
        )
        if taken is None:
            return code


def create_entry(
    contest: Contest,
    fields: EntryFields,
    uploads: list[FileStorage],
    submitted_by: User | None,
    now: datetime | None = None,
) -> Entry:
    """An author's submission: only while the contest accepts submissions."""
    now = now or utcnow()
    if not contest.accepts_submissions(now):
        raise SubmissionClosed(contest.slug)
    entry = Entry(contest=contest, code=allocate_code(contest), submitted_by=submitted_by,
                  submitted_at=now)
    fields.apply_to(entry)
    db.session.add(entry)
    for upload in uploads:
        entry.files.append(store_upload(contest, upload))
    db.session.flush()
    record("entry.submitted", contest=contest, actor=submitted_by, target=entry.code,
           files=len(entry.files))
    return entry


def update_entry(
    entry: Entry,
    fields: EntryFields,
    uploads: list[FileStorage],
    remove_file_ids: set[int],
    actor: User | None,
    now: datetime | None = None,
) -> Entry:
    """An author's edit: only while the contest accepts submissions.

    Removed files leave the entry but stay on disk: nothing submitted is lost.
    """
    now = now or utcnow()
    if not entry.contest.accepts_submissions(now):
        raise SubmissionClosed(entry.contest.slug)
    fields.apply_to(entry)
    entry.files = [f for f in entry.files if f.id not in remove_file_ids]
    for upload in uploads:
        entry.files.append(store_upload(entry.contest, upload))
    entry.updated_at = now
    db.session.flush()
    record("entry.updated", contest=entry.contest, actor=actor, target=entry.code,
           removed_files=sorted(remove_file_ids), added_files=len(uploads))
    return entry


def allowed_upload(filename: str) -> bool:
    ext = Path(filename).suffix.lower().lstrip(".")
    return ext in current_app.config["ALLOWED_UPLOAD_EXTENSIONS"]


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def upload_path(stored: EntryFile) -> Path:
    return upload_folder() / stored.stored_name


def store_upload(contest: Contest, upload: FileStorage) -> EntryFile:
    """Write the file under instance/uploads with a random name; keep its real name aside."""
    original = clean(Path(upload.filename or "").name)
    if not original or not allowed_upload(original):
        raise UploadRejected(original)
    ext = Path(original).suffix.lower()
    stored_name = f"{uuid.uuid4().hex}{ext}"
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    target = folder / stored_name
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.stream.read(64 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size == 0:
        target.unlink()
        raise UploadRejected(original)
    content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    return EntryFile(original_name=original[:255], stored_name=stored_name,
                     content_type=content_type, size=size, sha256=digest.hexdigest())
