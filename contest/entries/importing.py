"""Import entries from a CSV or XLSX file: every row valid, or nothing imported.

``plan_entry_import`` checks a file and says what each row would create or
change, changing nothing (the organizer's preview); ``apply_entry_import``
stores the plan.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.entries.services import EntryFields, allocate_code
from contest.extensions import db
from contest.importing import CsvImportError, Problem, Where, check_header, read_table
from contest.models import AuthorKind, Contest, Entry, EntryAuthor, User
from contest.text import split_names

ENTRY_COLUMNS = ("code", "title", "category", "author_kind", "authors",
                 "organization", "district", "email", "phone")
REQUIRED_COLUMNS = ("title", "category", "author_kind", "authors")
# Columns the entries list's export adds: a downloaded file imports back, these ignored.
EXPORT_ONLY_COLUMNS = ("status", "submitted_at", "files", "likely_duplicate")
CODE_LENGTH = Entry.code.expression.type.length
AUTHOR_NAME_LENGTH = EntryAuthor.name.expression.type.length
LIMITS = (("title", 500), ("organization", 300), ("district", 100), ("phone", 30))


@dataclass
class ImportSummary:
    created: int
    updated: int


@dataclass
class PlannedEntry:
    """One row of the file: the entry it creates (no ``entry``) or updates, and what changes."""

    where: Where
    code: str
    fields: EntryFields
    entry: Entry | None = None

    @property
    def changes(self) -> dict[str, tuple[str, str]]:
        """Column → (current, new) for an existing entry; empty for a new one or an unchanged one."""
        if self.entry is None:
            return {}
        entry, fields = self.entry, self.fields
        now = {"title": (entry.title, fields.title),
               "category": (entry.category.code, fields.category.code),
               "author_kind": (str(entry.author_kind), str(fields.author_kind)),
               "authors": ("; ".join(entry.author_names), "; ".join(fields.authors))}
        for name in ("organization", "district", "email", "phone"):
            value = getattr(fields, name)
            if value is not None:
                now[name] = (getattr(entry, name), value)
        return {column: pair for column, pair in now.items() if pair[0] != pair[1]}


@dataclass
class EntryImportPlan:
    contest: Contest
    entries: list[PlannedEntry] = field(default_factory=list)
    read_as: str = ""

    @property
    def new(self) -> list[PlannedEntry]:
        return [p for p in self.entries if p.entry is None]

    @property
    def changing(self) -> list[PlannedEntry]:
        return [p for p in self.entries if p.entry is not None and p.changes]


def plan_entry_import(contest: Contest, raw: bytes, filename: str = "entries.csv") -> EntryImportPlan:
    """Check every row of ``raw`` and say what it creates or changes; CsvImportError lists every problem."""
    if contest.is_locked:
        raise CsvImportError([_l("contest %(slug)s is finalized: entries can no longer change",
                                 slug=contest.slug)])
    table = read_table(raw, filename)
    check_header(table, REQUIRED_COLUMNS, ENTRY_COLUMNS + EXPORT_ONLY_COLUMNS)
    if not table.rows:
        raise CsvImportError([_l("the file has no rows")])
    categories = {c.code: c for c in contest.categories}
    existing = {e.code: e for e in db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id)
        .options(selectinload(Entry.authors), selectinload(Entry.category)))}
    errors: list[Problem] = []
    plan = EntryImportPlan(contest, read_as=table.described())
    seen: dict[str, Where] = {}
    for where, row in table.rows:
        def bad(column: str, message: object) -> None:
            errors.append(Problem(where, column, message))

        code = row.get("code", "")
        if code:
            if code in seen:
                bad("code", _l("%(code)s already on %(where)s", code=code, where=seen[code]))
            seen[code] = where
            if len(code) > CODE_LENGTH:
                bad("code", _l("longer than %(limit)s characters", limit=CODE_LENGTH))
        if not row["title"]:
            bad("title", _l("empty"))
        category = categories.get(row["category"])
        if category is None:
            bad("category", _l("unknown category %(typed)s; known: %(known)s",
                               typed=repr(row["category"]), known=", ".join(categories)))
        try:
            kind = AuthorKind(row["author_kind"].lower())
        except ValueError:
            bad("author_kind", _l("%(typed)s is neither 'individual' nor 'collective'",
                                  typed=repr(row["author_kind"])))
            kind = None
        authors = split_names(row["authors"])
        if not authors:
            bad("authors", _l("at least one name (separate names with ';')"))
        for name in authors:
            if len(name) > AUTHOR_NAME_LENGTH:
                bad("authors", _l("%(name)s…: a name longer than %(limit)s characters",
                                  name=name[:40], limit=AUTHOR_NAME_LENGTH))
        email = row.get("email") or ""
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                bad("email", str(exc))
        for column, limit in LIMITS:
            if len(row.get(column) or "") > limit:
                bad(column, _l("longer than %(limit)s characters", limit=limit))
        if category is not None and kind is not None and authors:
            # A column left out of the file leaves that field of an existing entry alone.
            fields = EntryFields(
                title=row["title"], category=category, author_kind=kind, authors=authors,
                organization=row.get("organization"), district=row.get("district"),
                email=email if "email" in row else None, phone=row.get("phone"))
            plan.entries.append(PlannedEntry(where, code, fields, existing.get(code) if code else None))
    if errors:
        raise CsvImportError(errors)
    return plan


def apply_entry_import(plan: EntryImportPlan, actor: User | None = None) -> ImportSummary:
    """Create the new entries (allocating codes where the file gave none) and update the others."""
    created = updated = 0
    for planned in plan.entries:
        entry = planned.entry
        if entry is None:
            entry = Entry(contest=plan.contest, code=planned.code or allocate_code(plan.contest),
                          submitted_by=None)
            db.session.add(entry)
            created += 1
        else:
            updated += 1
        planned.fields.apply_to(entry)
    db.session.flush()
    record("entries.imported", contest=plan.contest, actor=actor, target=plan.contest.slug,
           created=created, updated=updated)
    return ImportSummary(created, updated)


def import_entries(contest: Contest, raw: bytes, actor: User | None = None,
                   filename: str = "entries.csv") -> ImportSummary:
    """Create or update (by code) the entries listed in ``raw``; all or nothing."""
    return apply_entry_import(plan_entry_import(contest, raw, filename), actor)
