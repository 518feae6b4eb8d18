"""The secretariat's work: screening (eligible or ineligible with a reason, audited and
reversible) and entries received by post."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from contest.audit import record
from contest.domain.screening import (
    NOT_SCREENED,
    Decision,
    ScreeningProblem,
    changes_anything,
    screening_problem,
)
from contest.entries.services import EntryFields, check_identity, new_entry, store_uploads
from contest.extensions import db
from contest.labels import SCREENING_REASON_LABELS
from contest.models import Contest, Entry, EntryFile, EntryStatus, ScreeningReason, User
from contest.models.types import utcnow
from contest.text import clean

SCREENING_PER_PAGE = 100
SCREENED_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE)


class ScreeningError(ValueError):
    """A screening decision refused; nothing changed. The message is lazy."""


class PaperEntryError(ValueError):
    """A paper entry or its files refused; nothing changed. The message is lazy."""


def current_decision(entry: Entry) -> Decision:
    reason = entry.screening_reason.value if entry.screening_reason else None
    return Decision(entry.status.value, reason, entry.ineligible_reason or "")


@dataclass(frozen=True)
class ScreeningPage:
    """One page of the screening list and the count of entries in each status."""

    page: Pagination
    counts: Counter


def screening_page(contest: Contest, status: EntryStatus | None, number: int) -> ScreeningPage:
    """Entries of ``contest`` in ``status`` (all when None), by code: a fixed number of queries."""
    query = (
        select(Entry).where(Entry.contest_id == contest.id, Entry.status.in_(SCREENED_STATUSES))
        .options(joinedload(Entry.category), selectinload(Entry.authors), selectinload(Entry.files))
        .order_by(Entry.code)
    )
    if status is not None:
        query = query.where(Entry.status == status)
    page = db.paginate(query, page=number, per_page=SCREENING_PER_PAGE, error_out=False)
    counts = Counter(dict(db.session.execute(
        select(Entry.status, func.count(Entry.id))
        .where(Entry.contest_id == contest.id, Entry.status.in_(SCREENED_STATUSES))
        .group_by(Entry.status)
    ).all()))
    return ScreeningPage(page, counts)


PROBLEM_MESSAGES = {
    ScreeningProblem.UNKNOWN_DECISION: _l("Choose eligible, ineligible or not screened."),
    ScreeningProblem.REASON_NEEDED: _l("An ineligible entry needs a reason from the list."),
    ScreeningProblem.NOTE_NEEDED: _l("With the reason “Other”, say in the text what the reason is."),
}


def screen_entries(contest: Contest, entry_ids: list[int], wanted: Decision, why_change: str,
                   actor: User | None) -> list[Entry]:
    """Give the entries ``entry_ids`` of ``contest`` the decision ``wanted``.

    All or nothing: refused (ScreeningError) for a finalized contest, an
    incomplete decision, or an entry whose decision would change without
    ``why_change``. Each entry that changes gets an ``entry.screened`` audit
    event with the old and the new decision, and its author a mail saying the
    outcome (sent once the caller commits). Returns the entries that changed.
    """
    if contest.is_locked:
        raise ScreeningError(_l("This contest is finalized: its entries can no longer be screened."))
    entries = list(db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id, Entry.id.in_(entry_ids),
                            Entry.status.in_(SCREENED_STATUSES)).order_by(Entry.code)
    ))
    if not entries:
        raise ScreeningError(_l("Tick at least one entry."))
    wanted = Decision(wanted.status, wanted.reason, clean(wanted.note)).normalized()
    why_change = clean(why_change)
    needs_why = []
    for entry in entries:
        problem = screening_problem(current_decision(entry), wanted, why_change)
        if problem is ScreeningProblem.REVERSAL_REASON_NEEDED:
            needs_why.append(entry.code)
        elif problem is not None:
            raise ScreeningError(PROBLEM_MESSAGES[problem])
    if needs_why:
        raise ScreeningError(_l("%(codes)s already had a decision: say why it changes.",
                                codes=", ".join(needs_why)))
    changed = []
    for entry in entries:
        before = current_decision(entry)
        if not changes_anything(before, wanted):
            continue
        entry.status = EntryStatus(wanted.status)
        entry.screening_reason = ScreeningReason(wanted.reason) if wanted.reason else None
        entry.ineligible_reason = wanted.note
        record("entry.screened", contest=contest, actor=actor, target=entry.code,
               before={"status": before.status, "reason": before.reason, "note": before.note},
               after={"status": wanted.status, "reason": wanted.reason, "note": wanted.note},
               why_change=why_change)
        if wanted.status != NOT_SCREENED:
            tell_author(contest, entry)
        changed.append(entry)
    db.session.flush()
    return changed


def tell_author(contest: Contest, entry: Entry) -> None:
    """The screening outcome, by mail: to the author's account, or to the contact address
    of an entry sent by post (none when there is neither)."""
    from contest.mail import absolute_url, queue_mail

    to = entry.submitted_by or entry.email
    if not to:
        return
    receipt = absolute_url("entries.receipt", slug=contest.slug, code=entry.code) \
        if entry.submitted_by is not None else ""
    reason = SCREENING_REASON_LABELS[entry.screening_reason] if entry.screening_reason else ""
    queue_mail(to, "screening_outcome", contest=contest, entry=entry,
               eligible=entry.status is EntryStatus.ELIGIBLE, reason=reason,
               details=entry.ineligible_reason, receipt_url=receipt,
               recipient_name=", ".join(entry.author_names))


# --- entries received by post -------------------------------------------------------------

def enter_paper_entry(contest: Contest, fields: EntryFields, received_on: date, uploads: list[FileStorage],
                      actor: User | None, today: date | None = None) -> Entry:
    """An entry that came by post, typed in by the secretariat; its files may follow later.

    Refused (ScreeningError) once the contest is finalized, or for a day still
    to come. A day after the deadline is taken: screening decides whether it is late.
    """
    if contest.is_locked:
        raise PaperEntryError(_l("This contest is finalized: no entry can be added."))
    if received_on > (today or local_today(contest)):
        raise PaperEntryError(_l("The day it was received cannot be in the future."))
    entry = new_entry(contest, fields, uploads, submitted_by=None, received_on=received_on)
    record("entry.entered", contest=contest, actor=actor, target=entry.code,
           received_on=received_on.isoformat(), files=len(entry.files))
    return entry


def attach_files(entry: Entry, uploads: list[FileStorage], actor: User | None) -> list[EntryFile]:
    """Files of an entry, added by the secretariat (a paper entry's scans or disc, later)."""
    if entry.contest.is_locked:
        raise PaperEntryError(_l("This contest is finalized: its files can no longer change."))
    added = store_uploads(entry.contest, uploads, kept_bytes=sum(f.size for f in entry.files))
    entry.files.extend(added)
    check_identity(entry)
    db.session.flush()
    record("entry.files_attached", contest=entry.contest, actor=actor, target=entry.code,
           files=[{"name": f.original_name, "sha256": f.sha256, "size": f.size} for f in added])
    return added


def local_today(contest: Contest) -> date:
    return utcnow().astimezone(contest.tz).date()


def received_late(contest: Contest, entry: Entry) -> bool:
    """Received by post on a day after the one the contest closed (in its timezone)."""
    return entry.received_on is not None and \
        entry.received_on > contest.closes_at.astimezone(contest.tz).date()
