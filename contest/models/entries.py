"""Entries, their authors in order, and their uploaded files."""
from __future__ import annotations

import enum
from datetime import date, datetime

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from contest.domain.folding import duplicate_key, fold, search_text
from contest.extensions import db
from contest.models.contests import Category, Contest
from contest.models.types import UTCDateTime, enum_type, utcnow
from contest.models.users import Role, User


class AuthorKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class EntryStatus(enum.StrEnum):
    """draft → submitted → eligible | ineligible (screening); withdrawn by its author
    before the deadline. Only submitted and eligible entries are judged and ranked."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


# A draft's code until it is submitted and gets its number.
DRAFT_CODE_PREFIX = "draft-"


# What judges read and what is ranked: never an ineligible entry.
JUDGED_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE)
# The entries in the competition (judged, ranked, counted): the same statuses.
COMPETING = JUDGED_STATUSES


class ScreeningReason(enum.StrEnum):
    """Why the secretariat found an entry ineligible (the details go in ``ineligible_reason``)."""

    LATE = "late"
    OFF_TOPIC = "off_topic"
    INCOMPLETE = "incomplete"
    DUPLICATE = "duplicate"
    IDENTITY_VISIBLE = "identity_visible"
    OTHER = "other"


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("contest_id", "code"),
                      Index("ix_entries_contest_id_duplicate_key", "contest_id", "duplicate_key"),
                      # The judged entries of a contest from the index alone: an entry's row is wide.
                      Index("ix_entries_contest_id_status", "contest_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    author_kind: Mapped[AuthorKind] = mapped_column(enum_type(AuthorKind))
    organization: Mapped[str] = mapped_column(String(300), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The person who speaks for a collective author.
    representative: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The "Dân vận khéo" model the entry presents, and where it is.
    model_name: Mapped[str] = mapped_column(String(300), default="", server_default="")
    model_commune: Mapped[str] = mapped_column(String(100), default="", server_default="")
    model_district: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # A video (or other) link: with one, no file is required.
    link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus), default=EntryStatus.SUBMITTED)
    # Ineligible: the reason from the list, and the secretariat's own words.
    screening_reason: Mapped[ScreeningReason | None] = mapped_column(enum_type(ScreeningReason))
    ineligible_reason: Mapped[str] = mapped_column(Text, default="")
    # Entries sent by post: the day the secretariat received them (None: sent online).
    received_on: Mapped[date | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Kept by refresh_search_keys on every write (see the flush hook below), never typed:
    # the organizer's search, sort and duplicate flag, the same on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")
    title_key: Mapped[str] = mapped_column(String(500), default="")
    author_key: Mapped[str] = mapped_column(String(200), default="")
    duplicate_key: Mapped[str] = mapped_column(String(40), default="")

    contest: Mapped[Contest] = relationship()
    category: Mapped[Category] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    authors: Mapped[list[EntryAuthor]] = relationship(
        back_populates="entry", order_by="EntryAuthor.position", cascade="all, delete-orphan"
    )
    files: Mapped[list[EntryFile]] = relationship(
        back_populates="entry", order_by="EntryFile.id", cascade="all, delete-orphan"
    )

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]

    def set_authors(self, names: list[str]) -> None:
        """Replace the authors, keeping the given order.

        Rows are renamed in place rather than swapped for new ones: a flush
        inserts before it deletes, so new rows at the old positions would
        collide with the unique (entry, position) pair.
        """
        current = sorted(self.authors, key=lambda a: a.position)
        for position, name in enumerate(names):
            if position < len(current):
                current[position].name = name
            else:
                self.authors.append(EntryAuthor(position=position, name=name))
        for extra in current[len(names):]:
            self.authors.remove(extra)

    @hybrid_property
    def reaches_judges(self) -> bool:
        """Judges read, score and rank it: never an ineligible entry."""
        return self.status in JUDGED_STATUSES

    @reaches_judges.inplace.expression
    @classmethod
    def _reaches_judges_expression(cls):
        return cls.status.in_(JUDGED_STATUSES)
    def refresh_search_keys(self) -> None:
        names = self.author_names
        self.search_text = search_text(self.code or "", self.title or "", names, self.organization or "",
                                       self.district or "")
        self.title_key = fold(self.title or "")[:500]
        self.author_key = fold(names[0])[:200] if names else ""
        self.duplicate_key = duplicate_key(self.title or "", names)

    @property
    def is_ranked(self) -> bool:
        return self.reaches_judges

    @property
    def is_draft(self) -> bool:
        return self.status is EntryStatus.DRAFT

    def can_be_seen_by(self, user: User) -> bool:
        """Authors see their own entries; organizers see all. Judges: see Assignment."""
        if not user.is_authenticated:
            return False
        return user.has_role(Role.ORGANIZER) or self.submitted_by_id == user.id

    def __repr__(self) -> str:
        return f"<Entry {self.code}>"


class EntryAuthor(db.Model):
    __tablename__ = "entry_authors"
    __table_args__ = (UniqueConstraint("entry_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))

    entry: Mapped[Entry] = relationship(back_populates="authors")


class BlindStatus(enum.StrEnum):
    """What judges get of a file: its blind copy, or nothing until the secretariat looks."""

    CLEAN = "clean"                 # metadata removed: judges read the blind copy
    NEEDS_REVIEW = "needs_review"   # the app cannot clean this type: judges do not get it
    RELEASED = "released"           # an organizer checked it and released it to judges as is


class EntryFile(db.Model):
    """An uploaded file; kept under instance/uploads by ``stored_name``, never in static/.

    ``blind_name`` is the copy judges get, beside the original in the same folder.
    ``identity_hits`` lists where the author's identity shows in the text, for organizers.
    """

    __tablename__ = "entry_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blind_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    blind_status: Mapped[BlindStatus] = mapped_column(enum_type(BlindStatus),
                                                      default=BlindStatus.NEEDS_REVIEW)
    blind_size: Mapped[int | None]
    identity_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    entry: Mapped[Entry] = relationship(back_populates="files")

    @property
    def judges_may_read(self) -> bool:
        return self.blind_status is not BlindStatus.NEEDS_REVIEW and self.blind_name is not None

    @property
    def extension(self) -> str:
        return self.stored_name.rsplit(".", 1)[-1]


SEARCHED_COLUMNS = ("code", "title", "organization", "district")


@event.listens_for(Session, "before_flush")
def _refresh_search_keys(session: Session, context, instances) -> None:
    """Entries whose searched fields or authors changed get their search keys recomputed."""
    touched = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Entry):
            state = inspect(obj)
            if state.pending or any(state.attrs[name].history.has_changes()
                                    for name in (*SEARCHED_COLUMNS, "authors")):
                touched.add(obj)
        elif isinstance(obj, EntryAuthor) and obj.entry is not None:
            touched.add(obj.entry)
    with session.no_autoflush:
        for entry in touched:
            entry.refresh_search_keys()
