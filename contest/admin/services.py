"""What the organizer pages read (counts, score sheets), the settings edit and new contests."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from contest.admin.setup import SetupError, SetupProblem, apply_contest_settings
from contest.domain.editions import a_year_later, next_edition, next_edition_paperwork
from contest.domain.progress import percent
from contest.domain.scoring import CriterionRule, judge_total
from contest.extensions import db
from contest.models import (
    Assignment,
    Contest,
    Entry,
    EntryStatus,
    Round,
    RoundStatus,
    User,
)

SLUG_TAKEN = _l("%(field)s: a contest with this address already exists")


@dataclass(frozen=True)
class SheetCounts:
    """Score sheets of a contest's current round: one per judge × entry."""

    judges: int = 0
    assigned: int = 0
    submitted: int = 0

    @property
    def percent(self) -> int:
        return percent(self.submitted, self.assigned)


@dataclass(frozen=True)
class ContestSummary:
    contest: Contest
    entries: int
    sheets: SheetCounts


def _current_round_ids() -> Select:
    """The id of each contest's open round."""
    return select(Round.id).where(Round.status == RoundStatus.OPEN)


def _sheet_counts_by_contest(contest_ids: list[int]) -> dict[int, SheetCounts]:
    rows = db.session.execute(
        select(Round.contest_id, func.count(func.distinct(Assignment.judge_id)),
               func.count(Assignment.id), func.count(Assignment.submitted_at))
        .join(Assignment, Assignment.round_id == Round.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Round.contest_id.in_(contest_ids), Round.id.in_(_current_round_ids()), Entry.reaches_judges)
        .group_by(Round.contest_id)
    ).all()
    return {cid: SheetCounts(judges, assigned, submitted) for cid, judges, assigned, submitted in rows}


def contest_summaries() -> list[ContestSummary]:
    """Every contest, newest first, with its entry and sheet counts (three queries)."""
    contests = list(db.session.scalars(select(Contest).order_by(Contest.opens_at.desc(), Contest.id)))
    ids = [c.id for c in contests]
    entries = dict(db.session.execute(
        select(Entry.contest_id, func.count(Entry.id))
        .where(Entry.contest_id.in_(ids), Entry.status != EntryStatus.DRAFT).group_by(Entry.contest_id)
    ).all())
    sheets = _sheet_counts_by_contest(ids)
    return [ContestSummary(c, entries.get(c.id, 0), sheets.get(c.id, SheetCounts())) for c in contests]


@dataclass
class DashboardCounts:
    """Entries per category and status, and the judging sheets."""

    by_category: dict[int, Counter] = field(default_factory=dict)
    by_status: Counter = field(default_factory=Counter)
    sheets: SheetCounts = SheetCounts()

    @property
    def entries(self) -> int:
        return sum(self.by_status.values())


def dashboard_counts(contest: Contest) -> DashboardCounts:
    counts = DashboardCounts(by_category={c.id: Counter() for c in contest.categories})
    for category_id, status, n in db.session.execute(
        select(Entry.category_id, Entry.status, func.count(Entry.id))
        .where(Entry.contest_id == contest.id, Entry.status != EntryStatus.DRAFT)
        .group_by(Entry.category_id, Entry.status)
    ):
        counts.by_category.setdefault(category_id, Counter())[status] += n
        counts.by_status[status] += n
    counts.sheets = _sheet_counts_by_contest([contest.id]).get(contest.id, SheetCounts())
    return counts


def entry_of(contest: Contest, code: str) -> Entry:
    """The entry with ``code`` in ``contest``, or 404: codes of other contests are not found."""
    return db.one_or_404(
        select(Entry).where(Entry.contest_id == contest.id, Entry.code == code)
        .options(selectinload(Entry.authors), selectinload(Entry.files))
    )


@dataclass(frozen=True)
class SheetView:
    """One judge's sheet for an entry, as the organizer reads it."""

    assignment: Assignment
    # Aligned with contest.criteria; None where the judge gave nothing yet.
    points: list[Fraction | None]
    # Σ points × weight, once every criterion has points.
    total: Fraction | None

    @property
    def judge(self) -> User:
        return self.assignment.judge

    @property
    def started(self) -> bool:
        return any(p is not None for p in self.points)


def sheets_of(entry: Entry) -> list[SheetView]:
    """Every judge's sheet for ``entry``, in round order, then by judge name."""
    criteria = entry.contest.criteria
    rules = [CriterionRule(c.code, c.max_points, c.weight) for c in criteria]
    assignments = db.session.scalars(
        select(Assignment).join(Round).join(User, User.id == Assignment.judge_id)
        .where(Assignment.entry_id == entry.id)
        .options(joinedload(Assignment.judge), joinedload(Assignment.round))
        .order_by(Round.number, User.name, User.id)
    )
    sheets = []
    for a in assignments:
        given = a.points_by_criterion()
        points = [Fraction(given[c.id]) if c.id in given else None for c in criteria]
        full = all(p is not None for p in points)
        total = judge_total({c.code: given[c.id] for c in criteria}, rules) if full and criteria else None
        sheets.append(SheetView(a, points, total))
    return sheets


def current_settings(contest: Contest) -> dict[str, Any]:
    """The contest's settings in the shape a settings file gives them."""
    return {
        "slug": contest.slug,
        "name": contest.name,
        "organizer": contest.organizer,
        "place": contest.place,
        "timezone": contest.timezone,
        "code_prefix": contest.code_prefix,
        "opens_at": contest.opens_at,
        "closes_at": contest.closes_at,
        "categories": [{"code": c.code, "name": c.name} for c in contest.categories],
        "conflict_same_organization": contest.conflict_same_organization,
        "conflict_same_district": contest.conflict_same_district,
        "tie_breakers": list(contest.tie_breakers),
        "show_scores": contest.show_scores,
        "criteria": [{"code": c.code, "name": c.name, "max": c.max_points, "weight": c.weight,
                      "step": c.step} for c in contest.criteria],
        "tiers": [_tier_settings(t.code, t.name, t.quota, t.min_score, t.share_ties)
                  for t in contest.tiers],
        "documents": [
            {"code": d.code, "title": d.title, "issuer": d.issuer, "preamble": d.preamble,
             "signer_title": d.signer_title, "signer_name": d.signer_name,
             "number_format": d.number_format, "tiers": [t.code for t in d.tiers],
             "awarded_to": d.awarded_to.value, "per_author": d.per_author,
             **({"date": d.dated} if d.dated else {})}
            for d in contest.documents
        ],
    }


def _tier_settings(code: str, name: str, quota: int, min_score: Decimal | None,
                   share_ties: bool = False) -> dict[str, Any]:
    tier = {"code": code, "name": name, "quota": quota}
    if min_score is not None:
        tier["min_score"] = min_score
    if share_ties:
        tier["on_tie"] = "share"
    return tier


def next_edition_settings(source: Contest) -> dict[str, Any]:
    """``source``'s settings for next year's edition: years in its name and address one on, its
    window a year later; categories, rubric, tiers, certificates and conflict rules as they are
    (the certificates' fixed date dropped). Never its entries, judges or scores."""
    settings = current_settings(source)
    settings["slug"] = next_edition(source.slug)
    settings["name"] = next_edition(source.name)
    settings["opens_at"] = a_year_later(source.opens_at.astimezone(source.tz))
    settings["closes_at"] = a_year_later(source.closes_at.astimezone(source.tz))
    for document in settings["documents"]:
        document.pop("date", None)
    return settings


def create_contest(settings: dict[str, Any], actor: User | None,
                   edition_of: Contest | None = None) -> Contest:
    """A new contest from ``settings``, validated as a settings file is; never one that exists.
    Next year's edition of ``edition_of`` also takes its paperwork (next_edition_paperwork).

    Raises SetupError, possibly after changing the session: the caller rolls back.
    """
    slug = settings.get("slug")
    if slug and db.session.scalar(select(Contest.id).where(Contest.slug == slug)) is not None:
        raise SetupError([SetupProblem(SLUG_TAKEN, table="contest", key="slug")])
    if edition_of is not None and edition_of.paperwork:
        settings = {**settings, "paperwork": next_edition_paperwork(edition_of.paperwork)}
    return apply_contest_settings(settings, actor=actor)


def update_contest_settings(contest: Contest, changes: dict[str, Any], actor: User | None) -> Contest:
    """Apply an organizer's edits on top of the current settings, validated as a settings file is.

    ``changes["documents"]``, when given, maps a document code to the fields
    that change; the other document fields stay. Raises SetupError, possibly
    after changing the session: the caller rolls back.
    """
    settings = current_settings(contest)
    changes = dict(changes)
    document_changes = changes.pop("documents", {})
    # The page does not edit on_tie: a tier keeps what the settings file said, by its code.
    sharing = {t.code for t in contest.tiers if t.share_ties}
    for tier in changes.get("tiers", []):
        if tier.get("code") in sharing and "on_tie" not in tier:
            tier["on_tie"] = "share"
    settings.update(changes)
    for document in settings["documents"]:
        document.update(document_changes.get(document["code"], {}))
    settings["slug"] = contest.slug
    return apply_contest_settings(settings, actor=actor)
