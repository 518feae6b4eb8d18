"""Import entries from a CSV file: every row valid, or nothing imported."""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from contest.audit import record
from contest.entries.services import EntryFields, allocate_code
from contest.extensions import db
from contest.models import AuthorKind, Contest, Entry, EntryAuthor, User
from contest.importing import CsvImportError, check_header, read_csv
from contest.text import split_names

ENTRY_COLUMNS = ("code", "title", "category", "author_kind", "authors",
                 "organization", "district", "email", "phone")
REQUIRED_COLUMNS = ("title", "category", "author_kind", "authors")
CODE_LENGTH = Entry.code.expression.type.length
AUTHOR_NAME_LENGTH = EntryAuthor.name.expression.type.length


@dataclass
class ImportSummary:
    created: int
    updated: int


def import_entries(contest: Contest, raw: bytes, actor: User | None = None) -> ImportSummary:
    """Create or update (by code) the entries listed in ``raw``; all or nothing."""
    if contest.is_locked:
        raise CsvImportError([f"contest {contest.slug} is finalized: entries can no longer change"])
    header, rows = read_csv(raw)
    check_header(header, REQUIRED_COLUMNS, ENTRY_COLUMNS)
    if not rows:
        raise CsvImportError(["the file has no rows"])
    categories = {c.code: c for c in contest.categories}
    existing = {e.code: e for e in db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id))}
    errors: list[str] = []
    parsed: list[tuple[str, EntryFields]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        def bad(column: str, message: str) -> None:
            errors.append(f"line {line}, column '{column}': {message}")

        code = row.get("code", "")
        if code:
            if code in seen:
                bad("code", f"{code} already on line {seen[code]}")
            seen[code] = line
            if len(code) > CODE_LENGTH:
                bad("code", f"longer than {CODE_LENGTH} characters")
        if not row["title"]:
            bad("title", "empty")
        category = categories.get(row["category"])
        if category is None:
            bad("category", f"unknown category {row['category']!r}; known: {', '.join(categories)}")
        try:
            kind = AuthorKind(row["author_kind"].lower())
        except ValueError:
            bad("author_kind", f"{row['author_kind']!r} is neither 'individual' nor 'collective'")
            kind = None
        authors = split_names(row["authors"])
        if not authors:
            bad("authors", "at least one name (separate names with ';')")
        for name in authors:
            if len(name) > AUTHOR_NAME_LENGTH:
                bad("authors", f"{name[:40]}…: a name longer than {AUTHOR_NAME_LENGTH} characters")
        email = row.get("email") or ""
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                bad("email", str(exc))
        for column, limit in (("title", 500), ("organization", 300), ("district", 100), ("phone", 30)):
            if len(row.get(column) or "") > limit:
                bad(column, f"longer than {limit} characters")
        if category is not None and kind is not None and authors:
            # A column left out of the file leaves that field of an existing entry alone.
            parsed.append((code, EntryFields(
                title=row["title"], category=category, author_kind=kind, authors=authors,
                organization=row.get("organization"), district=row.get("district"),
                email=email if "email" in row else None, phone=row.get("phone"),
            )))
    if errors:
        raise CsvImportError(errors)

    created = updated = 0
    for code, fields in parsed:
        entry = existing.get(code) if code else None
        if entry is None:
            entry = Entry(contest=contest, code=code or allocate_code(contest), submitted_by=None)
            db.session.add(entry)
            created += 1
        else:
            updated += 1
        fields.apply_to(entry)
    db.session.flush()
    record("entries.imported", contest=contest, actor=actor, target=contest.slug,
           created=created, updated=updated)
    return ImportSummary(created, updated)
