"""The organizer's entries list: folded search, filters, sort, pages, likely duplicates, XLSX export."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from contest.domain.folding import search_form
from contest.exporting import xlsx_bytes
from contest.extensions import db
from contest.i18n import local_time
from contest.models import Category, Contest, Entry, EntryStatus

ENTRIES_PER_PAGE = 50
# Far past any contest's last page (50 a page), far below what OFFSET holds.
MAX_PAGE = 1_000_000
# The export's columns: the import's (so the file imports back), then what the list adds.
EXPORT_COLUMNS = ("code", "title", "category", "author_kind", "authors", "organization", "district",
                  "email", "phone", "status", "submitted_at", "files", "likely_duplicate")
EXPORT_WIDTHS = (11, 60, 10, 11, 40, 36, 16, 28, 14, 11, 17, 6, 10)


# The entries list's sortable columns: URL name → what it orders by (the code breaks ties).
ENTRY_SORTS = {
    "code": (Entry.code,),
    "title": (Entry.title_key,),
    "category": (Category.position, Category.id),
    "authors": (Entry.author_key,),
    "status": (Entry.status,),
    "submitted": (Entry.submitted_at,),
}


@dataclass(frozen=True)
class EntryFilter:
    """The organizer's search: text in code, title, an author's name, organization or district
    (any case, with or without diacritics); category; status; likely duplicates only."""

    text: str = ""
    category: Category | None = None
    status: EntryStatus | None = None
    duplicates: bool = False

    @property
    def active(self) -> bool:
        return bool(self.text or self.category or self.status or self.duplicates)


def _duplicate_keys(contest: Contest) -> Select:
    """The duplicate keys shared by more than one entry of ``contest``."""
    return (select(Entry.duplicate_key).where(Entry.contest_id == contest.id)
            .group_by(Entry.duplicate_key).having(func.count(Entry.id) > 1))


def entries_query(contest: Contest, wanted: EntryFilter, sort: str = "code", descending: bool = False) -> Select:
    """Entries of ``contest`` matching ``wanted`` in the order asked, with what the list shows.

    The text is compared in its folded form with the stored ``search_text``
    (see contest.domain.folding), so "nguyen" finds "Nguyễn" and "dvk-12"
    finds DVK-0012 and DVK-0120, on SQLite and PostgreSQL alike.
    """
    query = (
        select(Entry)
        .join(Category, Category.id == Entry.category_id)
        # Drafts are the authors' own until they submit them: organizers do not see them.
        .where(Entry.contest_id == contest.id, Entry.status != EntryStatus.DRAFT)
        .options(contains_eager(Entry.category), selectinload(Entry.authors), selectinload(Entry.files))
    )
    needle = search_form(wanted.text)
    if needle:
        query = query.where(Entry.search_text.contains(needle, autoescape=True))
    if wanted.category is not None:
        query = query.where(Entry.category_id == wanted.category.id)
    if wanted.status is not None:
        query = query.where(Entry.status == wanted.status)
    if wanted.duplicates:
        query = query.where(Entry.duplicate_key.in_(_duplicate_keys(contest)))
    columns = ENTRY_SORTS.get(sort, ENTRY_SORTS["code"])
    order = [c.desc() if descending else c.asc() for c in columns]
    return query.order_by(*order, Entry.code.desc() if descending else Entry.code)


def likely_duplicates(contest: Contest, entries: list[Entry]) -> set[int]:
    """Ids of ``entries`` that share their folded title and authors with another entry (one query)."""
    keys = {e.duplicate_key for e in entries}
    if not keys:
        return set()
    shared = set(db.session.scalars(
        select(Entry.duplicate_key).where(Entry.contest_id == contest.id, Entry.duplicate_key.in_(keys))
        .group_by(Entry.duplicate_key).having(func.count(Entry.id) > 1)))
    return {e.id for e in entries if e.duplicate_key in shared}


def entries_workbook(contest: Contest, query: Select) -> bytes:
    """Every entry ``query`` finds, one row each, read a thousand at a time."""
    shared = set(db.session.scalars(_duplicate_keys(contest)))
    yes = _("yes")

    def rows():
        for entry in db.session.scalars(query.execution_options(yield_per=1000)):
            yield (entry.code, entry.title, entry.category.code, str(entry.author_kind),
                   "; ".join(entry.author_names), entry.organization, entry.district, entry.email,
                   entry.phone, str(entry.status), local_time(entry.submitted_at, contest.tz, with_zone=False),
                   len(entry.files), yes if entry.duplicate_key in shared else "")

    return xlsx_bytes(contest.slug, EXPORT_COLUMNS, rows(), EXPORT_WIDTHS)
