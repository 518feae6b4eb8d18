"""Create and edit entries, allocate entry codes, keep uploaded files."""
from __future__ import annotations

import hashlib
import mimetypes
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from contest.audit import record
from contest.entries.blinding import CannotClean, blind_copy
from contest.entries.content import ContentProblem, Mismatch, content_problem
from contest.entries.identity import IdentityTerm, extract_pages, find_identity
from contest.extensions import db
from contest.mail import absolute_url, queue_mail
from contest.models import (
    AuthorKind,
    Award,
    BlindStatus,
    Category,
    Certificate,
    COMPETING,
    CertificateStatus,
    Contest,
    ContestPhase,
    Entry,
    EntryFile,
    EntryResult,
    EntryStatus,
    User,
)
from contest.models.entries import DRAFT_CODE_PREFIX
from contest.models.types import utcnow
from contest.text import clean


class SubmissionClosed(Exception):
    """The contest does not accept new entries or edits right now."""


class AddressNotConfirmed(Exception):
    """The author has not confirmed their e-mail address yet: no submission until they do."""


class NotWithdrawable(Exception):
    """Only an entry in the competition can be withdrawn, and only before the deadline."""


class UploadRejected(ValueError):
    """A file refused: empty, too large, or not what its name says.

    ``name`` is the file's name as sent; ``message`` says why, lazily (str()
    words it in the page's language) and names the file.
    """

    def __init__(self, name: str, message: LazyString | None = None):
        super().__init__(name)
        self.name = name
        self.message = message or _l("The file “%(name)s” could not be accepted (empty, or not "
                                     "an accepted type).", name=name)


def mismatch_message(problem: ContentProblem, name: str, ext: str) -> LazyString:
    """Why a file whose content is not its extension is refused, naming the file."""
    params = dict(name=name, ext=ext, found=problem.found or "")
    if problem.mismatch is Mismatch.PROGRAM:
        return _l("The file “%(name)s” is a program, not a .%(ext)s file.", **params)
    if problem.mismatch is Mismatch.WEB_PAGE:
        return _l("The file “%(name)s” is a web page, not a .%(ext)s file.", **params)
    if problem.mismatch is Mismatch.OTHER_TYPE:
        return _l("The file “%(name)s” is a .%(found)s file renamed .%(ext)s. "
                  "Send it under its real type.", **params)
    return _l("The file “%(name)s” does not read as a .%(ext)s file: it may be damaged, "
              "or another type renamed.", **params)


def megabytes(n_bytes: int) -> str:
    """A limit in MB as people write it (50, 2.5)."""
    return f"{n_bytes / (1024 * 1024):.1f}".removesuffix(".0")


def max_file_bytes() -> int:
    return int(current_app.config["MAX_FILE_MB"] * 1024 * 1024)


def max_entry_bytes() -> int:
    return int(current_app.config["MAX_ENTRY_MB"] * 1024 * 1024)


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
    representative: str | None = ""
    model_name: str | None = ""
    model_commune: str | None = ""
    model_district: str | None = ""

    def apply_to(self, entry: Entry) -> None:
        entry.title = clean(self.title)
        entry.category = self.category
        entry.author_kind = self.author_kind
        entry.set_authors([clean(name) for name in self.authors if clean(name)])
        for name in ("organization", "district", "email", "phone", "description", "link",
                     "representative", "model_name", "model_commune", "model_district"):
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


def new_entry(contest: Contest, fields: EntryFields, uploads: list[FileStorage], **columns) -> Entry:
    """A new entry under the next code, with ``fields``, ``columns`` and the uploads stored and
    searched for the authors' identity; flushed, not yet audited."""
    entry = Entry(contest=contest, code=allocate_code(contest), **columns)
    fields.apply_to(entry)
    db.session.add(entry)
    entry.files.extend(store_uploads(contest, uploads))
    check_identity(entry)
    db.session.flush()
    return entry


def create_entry(
    contest: Contest,
    fields: EntryFields,
    uploads: list[FileStorage],
    submitted_by: User | None,
    now: datetime | None = None,
) -> Entry:
    """An author's submission: only while the contest accepts submissions."""
    now = now or utcnow()
    check_can_submit(contest, submitted_by, now)
    entry = new_entry(contest, fields, uploads, submitted_by=submitted_by, submitted_at=now)
    record("entry.submitted", contest=contest, actor=submitted_by, target=entry.code,
           files=len(entry.files))
    if submitted_by is not None:
        send_receipt(entry, submitted_by)
    return entry


def send_receipt(entry: Entry, author: User) -> None:
    """Mail the author the receipt: code, title, files, the time it was received."""
    queue_mail(author, "receipt", contest=entry.contest, entry=entry,
               receipt_url=absolute_url("entries.receipt", slug=entry.contest.slug, code=entry.code))


def check_can_submit(contest: Contest, author: User | None, now: datetime) -> None:
    if not contest.accepts_submissions(now):
        raise SubmissionClosed(contest.slug)
    if author is not None and author.email_confirmed_at is None:
        raise AddressNotConfirmed(author.email)


def save_draft(
    contest: Contest,
    fields: EntryFields,
    uploads: list[FileStorage],
    author: User,
    entry: Entry | None = None,
    remove_file_ids: set[int] = frozenset(),
    now: datetime | None = None,
) -> Entry:
    """Keep what the author has typed so far, files included, without submitting it.

    A draft has a stand-in code (``draft-…``) and no number: organizers and
    judges never see it, and it gets its entry code when it is submitted.
    """
    now = now or utcnow()
    if not contest.accepts_submissions(now):
        raise SubmissionClosed(contest.slug)
    if entry is None:
        entry = Entry(contest=contest, code=f"{DRAFT_CODE_PREFIX}{uuid.uuid4().hex[:12]}",
                      submitted_by=author, submitted_at=now, status=EntryStatus.DRAFT)
        db.session.add(entry)
    elif not entry.is_draft:
        raise ValueError(f"{entry.code} is not a draft")
    fields.apply_to(entry)
    replace_files(entry, uploads, remove_file_ids)
    entry.updated_at = now
    db.session.flush()
    record("entry.draft_saved", contest=contest, actor=author, target=entry.code,
           files=len(entry.files))
    return entry


def submit_draft(
    entry: Entry,
    fields: EntryFields,
    uploads: list[FileStorage],
    remove_file_ids: set[int],
    author: User,
    now: datetime | None = None,
) -> Entry:
    """Submit a draft: it gets its entry code and the time it was received; the receipt is mailed."""
    now = now or utcnow()
    check_can_submit(entry.contest, author, now)
    if not entry.is_draft:
        raise ValueError(f"{entry.code} is not a draft")
    fields.apply_to(entry)
    replace_files(entry, uploads, remove_file_ids)
    draft_code = entry.code
    entry.code = allocate_code(entry.contest)
    entry.status, entry.submitted_at, entry.updated_at = EntryStatus.SUBMITTED, now, now
    check_identity(entry)
    db.session.flush()
    record("entry.submitted", contest=entry.contest, actor=author, target=entry.code,
           files=len(entry.files), draft=draft_code)
    send_receipt(entry, author)
    return entry


def withdraw_entry(entry: Entry, reason: str, actor: User, now: datetime | None = None) -> None:
    """The author takes the entry out of the contest, with a reason, before the deadline.
    Nothing is deleted: organizers still see it, as withdrawn; judges no longer get it."""
    now = now or utcnow()
    reason = clean(reason)
    if not reason:
        raise ValueError("a reason is required")
    if entry.status not in COMPETING or not entry.contest.accepts_submissions(now):
        raise NotWithdrawable(entry.code)
    entry.status, entry.withdrawn_at, entry.withdrawn_reason = EntryStatus.WITHDRAWN, now, reason
    db.session.flush()
    record("entry.withdrawn", contest=entry.contest, actor=actor, target=entry.code, reason=reason)


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
    if entry.status in (EntryStatus.DRAFT, EntryStatus.WITHDRAWN):
        raise SubmissionClosed(entry.contest.slug)
    fields.apply_to(entry)
    removed, added = replace_files(entry, uploads, remove_file_ids)
    check_identity(entry)
    entry.updated_at = now
    db.session.flush()
    record("entry.updated", contest=entry.contest, actor=actor, target=entry.code,
           removed_files=removed, added_files=len(added))
    return entry


def replace_files(entry: Entry, uploads: list[FileStorage],
                  remove_file_ids: set[int]) -> tuple[list[dict], list[EntryFile]]:
    """Add the uploads and take the removed files off the entry: (removed, added).

    The file rows go, the files stay on disk: the audit keeps what is needed to find them again.
    """
    removed = [{"name": f.original_name, "stored_name": f.stored_name, "sha256": f.sha256,
                "size": f.size} for f in entry.files if f.id in remove_file_ids]
    kept = [f for f in entry.files if f.id not in remove_file_ids]
    added = store_uploads(entry.contest, uploads, kept_bytes=sum(f.size for f in kept))
    entry.files = kept + added
    return removed, added


def allowed_upload(filename: str) -> bool:
    ext = Path(filename).suffix.lower().lstrip(".")
    return ext in current_app.config["ALLOWED_UPLOAD_EXTENSIONS"]


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def upload_path(stored: EntryFile) -> Path:
    """The original, as the author sent it: for organizers and the author only."""
    return upload_folder() / stored.stored_name


def blind_path(stored: EntryFile) -> Path | None:
    """The copy judges read, beside the original; None when there is none to give them."""
    if not stored.judges_may_read:
        return None
    return upload_folder() / stored.blind_name


def store_uploads(contest: Contest, uploads: list[FileStorage], kept_bytes: int = 0) -> list[EntryFile]:
    """Store every upload, or none: files written before a rejected one are removed again.

    ``kept_bytes``: the entry's files already stored; with the new ones they may
    not pass ``MAX_ENTRY_MB``.
    """
    stored: list[EntryFile] = []
    try:
        total = kept_bytes
        for upload in uploads:
            stored.append(store_upload(contest, upload))
            total += stored[-1].size
            if total > max_entry_bytes():
                raise UploadRejected(stored[-1].original_name, _l(
                    "With “%(name)s” the files of this entry come to %(size)s MB: at most "
                    "%(limit)s MB are accepted per entry.", name=stored[-1].original_name,
                    size=megabytes(total), limit=megabytes(max_entry_bytes())))
    except UploadRejected:
        for done in stored:
            upload_path(done).unlink(missing_ok=True)
            if done.blind_name:
                (upload_folder() / done.blind_name).unlink(missing_ok=True)
        raise
    return stored


def store_upload(contest: Contest, upload: FileStorage) -> EntryFile:
    """Write the file under instance/uploads with a random name; keep its real name aside.

    Refused (UploadRejected, nothing left on disk): an empty file, one larger
    than ``MAX_FILE_MB``, one whose content is not what its extension says.
    """
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
    limit = max_file_bytes()
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.stream.read(64 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        target.unlink()
        raise UploadRejected(original, _l("The file “%(name)s” is larger than %(limit)s MB, "
                                          "the limit per file.", name=original, limit=megabytes(limit)))
    if size == 0:
        target.unlink()
        raise UploadRejected(original)
    problem = content_problem(target, ext)
    if problem is not None:
        target.unlink()
        raise UploadRejected(original, mismatch_message(problem, original, ext.lstrip(".")))
    content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    stored = EntryFile(original_name=original[:255], stored_name=stored_name,
                       content_type=content_type, size=size, sha256=digest.hexdigest())
    make_blind_copy(stored)
    return stored


def make_blind_copy(stored: EntryFile) -> BlindStatus:
    """Write the judges' copy beside the original (``<name>-blind.<ext>``) and set its status."""
    original = upload_path(stored)
    blind_name = f"{original.stem}-blind{original.suffix}"
    target = upload_folder() / blind_name
    try:
        blind_copy(original, target, stored.extension)
    except CannotClean:
        stored.blind_name, stored.blind_size = None, None
        stored.blind_status = BlindStatus.NEEDS_REVIEW
    else:
        stored.blind_name, stored.blind_size = blind_name, target.stat().st_size
        stored.blind_status = BlindStatus.CLEAN
    return stored.blind_status


def blind_missing_copies(contest: Contest) -> tuple[int, int]:
    """Blind copies (and the identity check) for the files of ``contest`` that have none,
    such as files uploaded before the app made them. Returns (made, still needing review)."""
    entries = db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id)
        .options(selectinload(Entry.files), selectinload(Entry.authors))
    )
    made = review = 0
    for entry in entries:
        waiting = [f for f in entry.files if f.blind_status is BlindStatus.NEEDS_REVIEW]
        for stored in waiting:
            if upload_path(stored).is_file() and make_blind_copy(stored) is BlindStatus.CLEAN:
                made += 1
            else:
                review += 1
        if waiting:
            check_identity(entry)
    db.session.flush()
    record("files.blinded", contest=contest, target=contest.slug, made=made, review=review)
    return made, review


def release_file(stored: EntryFile, actor: User | None) -> None:
    """An organizer checked a file the app could not clean: judges get it as it is."""
    blind_name = f"{Path(stored.stored_name).stem}-blind.{stored.extension}"
    shutil.copyfile(upload_path(stored), upload_folder() / blind_name)
    stored.blind_name, stored.blind_size = blind_name, stored.size
    stored.blind_status = BlindStatus.RELEASED
    db.session.flush()
    record("file.released", contest=stored.entry.contest, actor=actor, target=stored.entry.code,
           file=stored.original_name, sha256=stored.sha256)


def identity_terms(entry: Entry) -> list[IdentityTerm]:
    terms = [IdentityTerm("author", name) for name in entry.author_names]
    terms += [IdentityTerm(kind, value) for kind, value in (
        ("organization", entry.organization), ("email", entry.email), ("phone", entry.phone)) if value]
    if entry.submitted_by is not None:
        terms += [IdentityTerm("author", entry.submitted_by.name),
                  IdentityTerm("email", entry.submitted_by.email)]
    unique = {(t.kind, t.text): t for t in terms}
    return list(unique.values())


def check_identity(entry: Entry) -> None:
    """Look for the author's identity in the text of each file (organizers see the hits)."""
    terms = identity_terms(entry)
    for stored in entry.files:
        path = upload_path(stored)
        pages = extract_pages(path, stored.extension) if path.is_file() else []
        stored.identity_hits = find_identity(pages, terms)


@dataclass
class AuthorEntry:
    """One line of an author's list: the entry and, once published, its prize and documents."""

    entry: Entry
    award: Award | None
    certificates: list[Certificate]
    result: EntryResult | None = None


def author_entries(user: User) -> list[AuthorEntry]:
    """The entries ``user`` submitted, newest first, in a fixed number of queries."""
    entries = list(db.session.scalars(
        select(Entry).where(Entry.submitted_by_id == user.id)
        .options(selectinload(Entry.contest), selectinload(Entry.category))
        .order_by(Entry.submitted_at.desc(), Entry.id.desc())
    ))
    published = [e.id for e in entries if e.contest.phase is ContestPhase.PUBLISHED]
    awards: dict[int, Award] = {}
    certificates: dict[int, list[Certificate]] = {}
    results: dict[int, EntryResult] = {}
    if published:
        results = {r.entry_id: r for r in db.session.scalars(
            select(EntryResult).where(EntryResult.entry_id.in_(published)))}
        awards = {a.entry_id: a for a in db.session.scalars(
            select(Award).where(Award.entry_id.in_(published)).options(selectinload(Award.tier))
        )}
        for cert in db.session.scalars(
            select(Certificate).where(Certificate.entry_id.in_(published),
                                      Certificate.status == CertificateStatus.VALID)
            .options(selectinload(Certificate.document_kind)).order_by(Certificate.document_kind_id)
        ):
            certificates.setdefault(cert.entry_id, []).append(cert)
    return [AuthorEntry(e, awards.get(e.id), certificates.get(e.id, []), results.get(e.id))
            for e in entries]


def entry_in_contest(slug: str, code: str) -> Entry | None:
    return db.session.scalar(
        select(Entry).join(Contest).where(Contest.slug == slug, Entry.code == code)
    )


def contact_defaults(user: User) -> dict[str, str]:
    """What a new entry form starts with: the account's name and email, and the
    unit, district and phone of the author's last entry (most send several from one unit)."""
    defaults = {"authors": user.name, "email": user.email}
    last = db.session.scalar(
        select(Entry).where(Entry.submitted_by_id == user.id)
        .order_by(Entry.submitted_at.desc(), Entry.id.desc()).limit(1)
    )
    if last is not None:
        defaults.update(organization=last.organization, district=last.district, phone=last.phone)
    return defaults
