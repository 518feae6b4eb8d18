"""Create or update a contest from a settings file (TOML) or the same plain data."""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from contest.admin.design_setup import read_design, read_printers
from contest.admin.paperwork_settings import read_paperwork
from contest.audit import record
from contest.certificates.designs import save_printers, set_design
from contest.domain.numbering import FormatProblem, NumberFormatError, validate_number_format
from contest.domain.points import DEFAULT_STEP, STEPS
from contest.extensions import db
from contest.judging.sheet_totals import refresh_changed_rubrics, rubric_weights
from contest.models import (
    AwardedTo,
    Category,
    Contest,
    Criterion,
    DocumentKind,
    Entry,
    PrizeTier,
    Round,
    Score,
    User,
)
from contest.text import clean


# More prizes in one tier than any contest gives; far below what the column holds.
MAX_QUOTA = 100_000

# Each message may name the setting it is about as %(field)s: the command line
# says 'max', the settings page the field's label. Translated when shown.
REQUIRED = _l("%(field)s is required")
NOT_TEXT = _l("%(field)s must be text")
EMPTY = _l("%(field)s must not be empty")
TOO_LONG = _l("%(field)s is longer than %(limit)s characters")
NOT_A_NUMBER = _l("%(field)s must be a number, not %(value)s")
TOO_LARGE = _l("%(field)s is too large")
NOT_ABOVE_ZERO = _l("%(field)s must be above 0")
BELOW_ZERO = _l("%(field)s must be at least 0")
TOO_PRECISE = _l("%(field)s has more than %(places)s decimal places")
NOT_A_MOMENT = _l("%(field)s must be a date-time such as 2022-05-20T08:00:00, not %(value)s")
NOT_A_DATE = _l("%(field)s must be a date such as 2022-12-20")
BAD_STEP = _l("%(field)s must be one of 1, 0.5, 0.25, 0.1, not %(value)s")
NOT_A_FLAG = _l("%(field)s must be true or false")
NOT_A_QUOTA = _l("%(field)s must be a whole number ≥ 0")
NOT_A_TABLE_LIST = _l("%(field)s must be a list of tables")
NO_ROWS = _l("at least one %(field)s is required")
DUPLICATE_CODES = _l("%(field)s: duplicate code(s) %(codes)s")
BAD_SLUG = _l("%(field)s may hold only ASCII letters, digits and '-'")
UNKNOWN_TIMEZONE = _l("unknown timezone %(name)s")
CLOSES_BEFORE_OPENS = _l("%(field)s must be after 'opens_at'")
NO_TIER_LIST = _l("%(field)s must list tier codes, e.g. [\"A\", \"B\"]")
UNKNOWN_TIER = _l("unknown tier %(code)s")
TIER_TWICE = _l("tier %(code)s listed twice")
NOT_A_BREAKER_LIST = _l("%(field)s must list tie-breakers, e.g. [\"criterion:ND\", \"round:SK\"]")
BAD_BREAKER = _l("%(field)s: %(value)s is neither criterion:CODE nor round:CODE")
UNKNOWN_BREAKER_CRITERION = _l("%(field)s: %(value)s names no criterion of this contest")
UNKNOWN_BREAKER_ROUND = _l("%(field)s: %(value)s names no round of this contest")
BREAKER_TWICE = _l("%(field)s: %(value)s is listed twice")
BAD_ON_TIE = _l("%(field)s must be \"share\" or left out, not %(value)s")
UNKNOWN_AWARDED_TO = _l("%(field)s must be \"tiers\", \"participation\" or \"list\", not %(value)s")
TIERS_NOT_USED = _l("%(field)s is only for a document awarded to tiers")
NOT_UTF8 = _l("the file is not UTF-8 text: save it as UTF-8")
NOT_TOML = _l("not valid TOML: %(detail)s")
LOCKED = _l("contest %(slug)s is finalized: its settings can no longer change")
MAX_BELOW_SCORES = _l("%(field)s %(max)s is below a score already given (%(highest)s)")
CATEGORY_IN_USE = _l("categories %(code)s is in use and cannot be removed")
CRITERION_IN_USE = _l("criteria %(code)s is in use and cannot be removed")
NUMBER_FORMAT = {
    FormatProblem.MALFORMED: _l("%(field)s %(format)s: %(detail)s"),
    FormatProblem.POSITIONAL: _l("%(field)s %(format)s: positional field {}; use {seq} and {year}"),
    FormatProblem.UNKNOWN_FIELDS: _l("%(field)s %(format)s: unknown field(s) %(fields)s; use {seq} and {year}"),
    FormatProblem.NO_SEQ: _l("%(field)s %(format)s must contain {seq}, e.g. {seq:02d}/GCN-BTC"),
    FormatProblem.NESTED: _l("%(field)s %(format)s: a field inside a format specification is not allowed"),
    FormatProblem.SAME_NUMBER: _l("%(field)s %(format)s gives the same number to every certificate"),
    FormatProblem.TOO_LONG: _l("%(field)s %(format)s makes numbers longer than %(limit)s characters"),
}


@dataclass(frozen=True)
class SetupProblem:
    """One thing wrong with the settings, where it is, worded when shown.

    ``table`` is "contest", a list such as "criteria", or "" for the file as a
    whole; ``row`` counts that list's rows from 1 (None: the list itself);
    ``key`` is the setting the problem is about. str() gives the line the
    command line prints, in the current language: "criteria[2]: 'max' must be above 0".
    """

    message: LazyString  # may name its subject as %(field)s
    table: str = ""
    row: int | None = None
    key: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        if self.row is not None:
            return f"{self.table}[{self.row}]"
        return "contest" if self.table == "contest" else ""

    @property
    def subject(self) -> str:
        """How the settings file names what the problem is about: 'max' or [[criteria]]."""
        if self.key:
            return f"'{self.key}'"
        return f"[[{self.table}]]" if self.table and self.table != "contest" else ""

    def text(self, subject: str | None = None) -> str:
        """The problem without its place, naming its subject as ``subject`` (else as the file does)."""
        return str(self.message) % {"field": self.subject if subject is None else subject, **self.values}

    def __str__(self) -> str:
        return f"{self.where}: {self.text()}" if self.where else self.text()


class SetupError(ValueError):
    """The settings are wrong; ``errors`` says what and where, one problem each."""

    def __init__(self, errors: list[SetupProblem]):
        super().__init__()
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.errors)


# Where a setting is: a table of the file and its row (from 1), or the contest's own keys.
Place = tuple[str, int | None]
CONTEST: Place = ("contest", None)
TOP: Place = ("", None)


@dataclass
class _Reader:
    errors: list[SetupProblem]

    def problem(self, message: LazyString, where: Place, key: str, **values: Any) -> None:
        self.errors.append(SetupProblem(message, table=where[0], row=where[1], key=key, values=values))

    def text(self, table: dict, key: str, where: Place, required: bool = True, default: str = "",
             limit: int | None = None) -> str:
        """Cleaned text; ``limit`` is the width of the column it goes into."""
        value = table.get(key)
        if value is None:
            if required:
                self.problem(REQUIRED, where, key)
            return default
        if not isinstance(value, str):
            self.problem(NOT_TEXT, where, key)
            return default
        value = clean(value)
        if required and not value:
            self.problem(EMPTY, where, key)
        if limit is not None and len(value) > limit:
            self.problem(TOO_LONG, where, key, limit=limit)
        return value

    def decimal(self, table: dict, key: str, where: Place, default: Decimal | None = None,
                positive: bool = False, places: int = 2) -> Decimal | None:
        value = table.get(key)
        if value is None:
            if default is None and positive:
                self.problem(REQUIRED, where, key)
            return default
        try:
            # str() first: 46.5 in the file means exactly 46.5, not its binary float.
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problem(NOT_A_NUMBER, where, key, value=repr(value))
            return default
        if number >= 1_000_000:
            self.problem(TOO_LARGE, where, key)
            return default
        if number < 0 or (positive and number == 0):
            self.problem(NOT_ABOVE_ZERO if positive else BELOW_ZERO, where, key)
            return default
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.problem(TOO_PRECISE, where, key, places=places)
            return default
        return number

    def step(self, table: dict, where: Place) -> Decimal:
        """A criterion's step: 1, 0.5, 0.25 or 0.1 (0.5 when not given)."""
        value = table.get("step")
        if value is None:
            return DEFAULT_STEP
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number not in STEPS:
            self.problem(BAD_STEP, where, "step", value=repr(value))
            return DEFAULT_STEP
        return number

    def flag(self, table: dict, key: str, where: Place) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.problem(NOT_A_FLAG, where, key)
            return False
        return value

    def moment(self, table: dict, key: str, zone: ZoneInfo | None) -> datetime | None:
        value = table.get(key)
        if not isinstance(value, datetime):
            self.problem(NOT_A_MOMENT, TOP, key, value=repr(value))
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=zone) if zone else None
        return value


def parse_contest_file(raw: bytes | str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise SetupError([SetupProblem(NOT_UTF8)]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SetupError([SetupProblem(NOT_TOML, values={"detail": str(exc)})]) from None


def _width(attribute) -> int | None:
    """The length of a model's string column: longer text would not fit the database."""
    return getattr(attribute.expression.type, "length", None)


def _rows(data: dict, key: str, errors: list[SetupProblem], required: bool = True) -> list[dict]:
    rows = data.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.append(SetupProblem(NOT_A_TABLE_LIST, table=key))
        return []
    if required and not rows:
        errors.append(SetupProblem(NO_ROWS, table=key))
    # Compared as stored: " A" and "A" are the same code.
    codes = [clean(c) if isinstance(c, str) else c for c in (r.get("code") for r in rows)]
    duplicates = sorted({str(c) for c in codes if c is not None and codes.count(c) > 1})
    if duplicates:
        errors.append(SetupProblem(DUPLICATE_CODES, table=key, values={"codes": ", ".join(duplicates)}))
    return rows


def apply_contest_settings(data: dict[str, Any], actor: User | None = None) -> Contest:
    """Validate everything first, then create or update the contest by slug."""
    errors: list[SetupProblem] = []
    read = _Reader(errors)
    slug = read.text(data, "slug", CONTEST, limit=_width(Contest.slug))
    if slug and not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
        read.problem(BAD_SLUG, CONTEST, "slug")
    timezone_name = read.text(data, "timezone", CONTEST, required=False, default="Asia/Ho_Chi_Minh",
                              limit=_width(Contest.timezone))
    try:
        zone = ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        read.problem(UNKNOWN_TIMEZONE, CONTEST, "timezone", name=repr(timezone_name))
        zone = None
    opens_at = read.moment(data, "opens_at", zone)
    closes_at = read.moment(data, "closes_at", zone)
    if opens_at and closes_at and closes_at <= opens_at:
        read.problem(CLOSES_BEFORE_OPENS, TOP, "closes_at")
    name = read.text(data, "name", CONTEST, limit=_width(Contest.name))
    organizer = read.text(data, "organizer", CONTEST, limit=_width(Contest.organizer))
    place = read.text(data, "place", CONTEST, required=False, limit=_width(Contest.place))
    code_prefix = read.text(data, "code_prefix", CONTEST, required=False,
                            default=slug.split("-")[0].upper(), limit=_width(Contest.code_prefix))

    same_organization = read.flag(data, "conflict_same_organization", CONTEST)
    same_district = read.flag(data, "conflict_same_district", CONTEST)
    show_scores = read.flag(data, "show_scores", CONTEST)
    categories = [
        (read.text(r, "code", ("categories", i), limit=_width(Category.code)),
         read.text(r, "name", ("categories", i), limit=_width(Category.name)))
        for i, r in enumerate(_rows(data, "categories", errors), 1)
    ]
    criteria = []
    for i, r in enumerate(_rows(data, "criteria", errors), 1):
        where = ("criteria", i)
        criteria.append((
            read.text(r, "code", where, limit=_width(Criterion.code)),
            read.text(r, "name", where, limit=_width(Criterion.name)),
            read.decimal(r, "max", where, positive=True),
            read.decimal(r, "weight", where, default=Decimal(1), positive=True, places=3),
            read.step(r, where),
        ))
    tiers = []
    for i, r in enumerate(_rows(data, "tiers", errors), 1):
        where = ("tiers", i)
        quota = r.get("quota")
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            read.problem(NOT_A_QUOTA, where, "quota")
            quota = 0
        elif quota > MAX_QUOTA:
            read.problem(TOO_LARGE, where, "quota")
            quota = 0
        on_tie = r.get("on_tie")
        if on_tie not in (None, "share"):
            read.problem(BAD_ON_TIE, where, "on_tie", value=repr(on_tie))
        tiers.append((read.text(r, "code", where, limit=_width(PrizeTier.code)),
                      read.text(r, "name", where, limit=_width(PrizeTier.name)), quota,
                      read.decimal(r, "min_score", where), on_tie == "share"))
    tier_codes = {t[0] for t in tiers}
    documents = []
    for i, r in enumerate(_rows(data, "documents", errors, required=False), 1):
        where = ("documents", i)
        awarded_to = r.get("awarded_to", AwardedTo.TIERS.value)
        if awarded_to not in {a.value for a in AwardedTo}:
            read.problem(UNKNOWN_AWARDED_TO, where, "awarded_to", value=repr(awarded_to))
            awarded_to = AwardedTo.TIERS.value
        doc_tiers = r.get("tiers", [])
        if awarded_to != AwardedTo.TIERS and doc_tiers:
            read.problem(TIERS_NOT_USED, where, "tiers")
            doc_tiers = []
        elif awarded_to == AwardedTo.TIERS and (not isinstance(doc_tiers, list) or not doc_tiers):
            read.problem(NO_TIER_LIST, where, "tiers")
            doc_tiers = []
        for n, code in enumerate(doc_tiers):
            if code not in tier_codes:
                read.problem(UNKNOWN_TIER, where, "tiers", code=repr(code))
            elif code in doc_tiers[:n]:
                read.problem(TIER_TWICE, where, "tiers", code=repr(code))
        number_format = read.text(r, "number_format", where, limit=_width(DocumentKind.number_format))
        if number_format:
            try:
                validate_number_format(number_format)
            except NumberFormatError as exc:
                read.problem(NUMBER_FORMAT[exc.problem], where, "number_format",
                             format=repr(exc.format), **exc.details)
        dated = r.get("date")
        if dated is not None and not (isinstance(dated, date) and not isinstance(dated, datetime)):
            read.problem(NOT_A_DATE, where, "date")
            dated = None
        documents.append(dict(
            design=read_design(r, where, read),
            code=read.text(r, "code", where, limit=_width(DocumentKind.code)),
            title=read.text(r, "title", where, limit=_width(DocumentKind.title)),
            issuer=read.text(r, "issuer", where), preamble=read.text(r, "preamble", where, required=False),
            signer_title=read.text(r, "signer_title", where),
            signer_name=read.text(r, "signer_name", where, limit=_width(DocumentKind.signer_name)),
            number_format=number_format, dated=dated, tiers=doc_tiers,
            awarded_to=AwardedTo(awarded_to), per_author=read.flag(r, "per_author", where),
        ))
    from contest.admin.round_settings import default_round, judges_by_email, read_rounds, sync_rounds

    rounds = read_rounds(data, read, _rows(data, "rounds", errors, required=False),
                         {c[0] for c in criteria})
    round_judges, unknown_judges = judges_by_email(rounds)
    errors.extend(unknown_judges)
    tie_breakers = _tie_breakers(read, data, {c[0] for c in criteria}, _round_codes(slug, rounds))
    printers = read_printers(data, read)
    paperwork = read_paperwork(data, read)
    if errors:
        raise SetupError(errors)

    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    created = contest is None
    weights_before = {} if created else rubric_weights(contest)
    if created:
        contest = Contest(slug=slug, entry_seq=0)
        db.session.add(contest)
    elif contest.is_locked:
        raise SetupError([SetupProblem(LOCKED, values={"slug": slug})])
    else:
        # Checked before anything changes: the database would refuse it at flush anyway.
        errors.extend(_maxima_below_given_scores(contest, criteria))
        if errors:
            raise SetupError(errors)
    contest.name, contest.organizer, contest.place = name, organizer, place
    contest.timezone = timezone_name
    contest.opens_at, contest.closes_at = opens_at, closes_at
    contest.code_prefix = code_prefix
    contest.conflict_same_organization = same_organization
    contest.conflict_same_district = same_district
    contest.tie_breakers = tie_breakers
    contest.show_scores = show_scores
    if paperwork is not None:
        contest.paperwork = paperwork

    _sync(contest.categories, Category, categories,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], position=pos),
          in_use=lambda obj: _exists(Entry.category_id == obj.id), in_use_message=CATEGORY_IN_USE)
    _sync(contest.criteria, Criterion, criteria,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], max_points=row[2],
                                     weight=row[3], step=row[4], position=pos),
          in_use=lambda obj: _exists(Score.criterion_id == obj.id), in_use_message=CRITERION_IN_USE)
    _sync(contest.tiers, PrizeTier, tiers,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], quota=row[2],
                                     min_score=row[3], share_ties=row[4], position=pos))
    if rounds:
        errors.extend(sync_rounds(contest, rounds, round_judges))
        if errors:
            raise SetupError(errors)
    elif not contest.rounds:
        contest.rounds.append(default_round(clean(data.get("round_name", ""))))
    db.session.flush()
    refresh_changed_rubrics(contest, weights_before)
    tiers_by_code = {t.code: t for t in contest.tiers}
    _sync(contest.documents, DocumentKind, [(d["code"], d) for d in documents],
          lambda obj, row, pos: _set(obj, **{k: v for k, v in row[1].items() if k not in ("tiers", "design")},
                                     tiers=[tiers_by_code[c] for c in row[1]["tiers"]]))
    db.session.flush()
    for kind, row in zip(contest.documents, documents):
        if row["design"]:
            set_design(kind, row["design"])
    if printers is not None:
        save_printers(contest, printers, actor=actor, audit=False)
    record("contest.created" if created else "contest.updated", contest=contest, actor=actor,
           target=slug)
    return contest


def _round_codes(slug: str, rounds: list) -> set[str]:
    """The rounds the settings give, else those the contest has (a new one gets round "1")."""
    if rounds:
        return {r.code for r in rounds}
    stored = set(db.session.scalars(select(Round.code).join(Contest).where(Contest.slug == slug)))
    return stored or {"1"}


def _tie_breakers(read: _Reader, data: dict, criterion_codes: set[str],
                  round_codes: set[str]) -> list[str]:
    """``tie_breakers``: "criterion:CODE" or "round:CODE", each once, naming the contest's own."""
    value = data.get("tie_breakers", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        read.problem(NOT_A_BREAKER_LIST, CONTEST, "tie_breakers")
        return []
    breakers = []
    for raw in value:
        kind, _, code = clean(raw).partition(":")
        name = f"{kind}:{code}"
        if kind not in ("criterion", "round") or not code:
            read.problem(BAD_BREAKER, CONTEST, "tie_breakers", value=repr(raw))
        elif kind == "criterion" and code not in criterion_codes:
            read.problem(UNKNOWN_BREAKER_CRITERION, CONTEST, "tie_breakers", value=repr(raw))
        elif kind == "round" and code not in round_codes:
            read.problem(UNKNOWN_BREAKER_ROUND, CONTEST, "tie_breakers", value=repr(raw))
        elif name in breakers:
            read.problem(BREAKER_TWICE, CONTEST, "tie_breakers", value=repr(raw))
        else:
            breakers.append(name)
    return breakers


def _maxima_below_given_scores(contest: Contest, criteria: list[tuple]) -> list[SetupProblem]:
    """A criterion's new maximum must not fall below a score a judge already gave."""
    highest = dict(db.session.execute(
        select(Criterion.code, func.max(Score.points))
        .join(Score, Score.criterion_id == Criterion.id)
        .where(Criterion.contest_id == contest.id)
        .group_by(Criterion.code)
    ).all())
    return [
        SetupProblem(MAX_BELOW_SCORES, table="criteria", row=i, key="max",
                     values={"max": new_max, "highest": highest[code]})
        for i, (code, _, new_max, *_) in enumerate(criteria, 1)
        if code in highest and new_max is not None and new_max < highest[code]
    ]


def _set(obj, **values) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def _exists(condition) -> bool:
    return db.session.execute(select(1).where(condition).limit(1)).first() is not None


def _sync(current: list, model, rows: list[tuple], update,
          in_use: Callable[[Any], bool] | None = None, in_use_message: LazyString | None = None) -> None:
    """Update rows matched by code, add new ones, remove the missing ones not ``in_use``."""
    by_code = {obj.code: obj for obj in current}
    wanted = {row[0] for row in rows}
    for obj in list(current):
        if obj.code not in wanted:
            if in_use is not None and in_use(obj):
                raise SetupError([SetupProblem(in_use_message, table=model.__tablename__,
                                               values={"code": repr(obj.code)})])
            current.remove(obj)
    for position, row in enumerate(rows):
        obj = by_code.get(row[0])
        if obj is None:
            obj = model()
            current.append(obj)
        update(obj, row, position)
