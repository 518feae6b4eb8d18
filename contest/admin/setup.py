"""Create or update a contest from a settings file (TOML) or the same plain data."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from contest.audit import record
from contest.domain.numbering import NumberFormatError, validate_number_format
from contest.extensions import db
from contest.models import (
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


class SetupError(ValueError):
    """The settings are wrong; ``errors`` says where, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class _Reader:
    errors: list[str]

    def text(self, table: dict, key: str, where: str, required: bool = True, default: str = "",
             limit: int | None = None) -> str:
        """Cleaned text; ``limit`` is the width of the column it goes into."""
        value = table.get(key)
        if value is None:
            if required:
                self.errors.append(f"{where}: '{key}' is required")
            return default
        if not isinstance(value, str):
            self.errors.append(f"{where}: '{key}' must be text")
            return default
        value = clean(value)
        if required and not value:
            self.errors.append(f"{where}: '{key}' must not be empty")
        if limit is not None and len(value) > limit:
            self.errors.append(f"{where}: '{key}' is longer than {limit} characters")
        return value

    def decimal(self, table: dict, key: str, where: str, default: Decimal | None = None,
                positive: bool = False, places: int = 2) -> Decimal | None:
        value = table.get(key)
        if value is None:
            if default is None and positive:
                self.errors.append(f"{where}: '{key}' is required")
            return default
        try:
            # str() first: 46.5 in the file means exactly 46.5, not its binary float.
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.errors.append(f"{where}: '{key}' must be a number, not {value!r}")
            return default
        if number >= 1_000_000:
            self.errors.append(f"{where}: '{key}' is too large")
            return default
        if number < 0 or (positive and number == 0):
            self.errors.append(f"{where}: '{key}' must be {'above' if positive else 'at least'} 0")
            return default
        if number != number.quantize(Decimal(1).scaleb(-places)):
            self.errors.append(f"{where}: '{key}' has more than {places} decimal places")
            return default
        return number

    def moment(self, table: dict, key: str, zone: ZoneInfo | None) -> datetime | None:
        value = table.get(key)
        if not isinstance(value, datetime):
            self.errors.append(
                f"'{key}' must be a date-time such as 2022-05-20T08:00:00, not {value!r}"
            )
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=zone) if zone else None
        return value


def parse_contest_file(raw: bytes | str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise SetupError(["the file is not UTF-8 text: save it as UTF-8"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SetupError([f"not valid TOML: {exc}"]) from None


def _width(attribute) -> int | None:
    """The length of a model's string column: longer text would not fit the database."""
    return getattr(attribute.expression.type, "length", None)


def _rows(data: dict, key: str, errors: list[str], required: bool = True) -> list[dict]:
    rows = data.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.append(f"[[{key}]] must be a list of tables")
        return []
    if required and not rows:
        errors.append(f"at least one [[{key}]] is required")
    # Compared as stored: " A" and "A" are the same code.
    codes = [clean(c) if isinstance(c, str) else c for c in (r.get("code") for r in rows)]
    duplicates = sorted({str(c) for c in codes if c is not None and codes.count(c) > 1})
    if duplicates:
        errors.append(f"[[{key}]]: duplicate code(s) {', '.join(duplicates)}")
    return rows


def apply_contest_settings(data: dict[str, Any], actor: User | None = None) -> Contest:
    """Validate everything first, then create or update the contest by slug."""
    errors: list[str] = []
    read = _Reader(errors)
    slug = read.text(data, "slug", "contest", limit=_width(Contest.slug))
    if slug and not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
        errors.append("contest: 'slug' may hold only ASCII letters, digits and '-'")
    timezone_name = read.text(data, "timezone", "contest", required=False, default="Asia/Ho_Chi_Minh",
                              limit=_width(Contest.timezone))
    try:
        zone = ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"contest: unknown timezone {timezone_name!r}")
        zone = None
    opens_at = read.moment(data, "opens_at", zone)
    closes_at = read.moment(data, "closes_at", zone)
    if opens_at and closes_at and closes_at <= opens_at:
        errors.append("'closes_at' must be after 'opens_at'")
    name = read.text(data, "name", "contest", limit=_width(Contest.name))
    organizer = read.text(data, "organizer", "contest", limit=_width(Contest.organizer))
    place = read.text(data, "place", "contest", required=False, limit=_width(Contest.place))
    code_prefix = read.text(data, "code_prefix", "contest", required=False,
                            default=slug.split("-")[0].upper(), limit=_width(Contest.code_prefix))

    categories = [
        (read.text(r, "code", f"categories[{i}]", limit=_width(Category.code)),
         read.text(r, "name", f"categories[{i}]", limit=_width(Category.name)))
        for i, r in enumerate(_rows(data, "categories", errors), 1)
    ]
    criteria = []
    for i, r in enumerate(_rows(data, "criteria", errors), 1):
        where = f"criteria[{i}]"
        criteria.append((
            read.text(r, "code", where, limit=_width(Criterion.code)),
            read.text(r, "name", where, limit=_width(Criterion.name)),
            read.decimal(r, "max", where, positive=True),
            read.decimal(r, "weight", where, default=Decimal(1), positive=True, places=3),
        ))
    tiers = []
    for i, r in enumerate(_rows(data, "tiers", errors), 1):
        where = f"tiers[{i}]"
        quota = r.get("quota")
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            errors.append(f"{where}: 'quota' must be a whole number ≥ 0")
            quota = 0
        tiers.append((read.text(r, "code", where, limit=_width(PrizeTier.code)),
                      read.text(r, "name", where, limit=_width(PrizeTier.name)), quota,
                      read.decimal(r, "min_score", where)))
    tier_codes = {t[0] for t in tiers}
    documents = []
    for i, r in enumerate(_rows(data, "documents", errors, required=False), 1):
        where = f"documents[{i}]"
        doc_tiers = r.get("tiers", [])
        if not isinstance(doc_tiers, list) or not doc_tiers:
            errors.append(f"{where}: 'tiers' must list tier codes, e.g. [\"A\", \"B\"]")
            doc_tiers = []
        for n, code in enumerate(doc_tiers):
            if code not in tier_codes:
                errors.append(f"{where}: unknown tier {code!r}")
            elif code in doc_tiers[:n]:
                errors.append(f"{where}: tier {code!r} listed twice")
        number_format = read.text(r, "number_format", where, limit=_width(DocumentKind.number_format))
        if number_format:
            try:
                validate_number_format(number_format)
            except NumberFormatError as exc:
                errors.append(f"{where}: 'number_format' {exc}")
        dated = r.get("date")
        if dated is not None and not (isinstance(dated, date) and not isinstance(dated, datetime)):
            errors.append(f"{where}: 'date' must be a date such as 2022-12-20")
            dated = None
        documents.append(dict(
            code=read.text(r, "code", where, limit=_width(DocumentKind.code)),
            title=read.text(r, "title", where, limit=_width(DocumentKind.title)),
            issuer=read.text(r, "issuer", where), preamble=read.text(r, "preamble", where, required=False),
            signer_title=read.text(r, "signer_title", where),
            signer_name=read.text(r, "signer_name", where, limit=_width(DocumentKind.signer_name)),
            number_format=number_format, dated=dated, tiers=doc_tiers,
        ))
    if errors:
        raise SetupError(errors)

    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    created = contest is None
    if created:
        contest = Contest(slug=slug, entry_seq=0)
        db.session.add(contest)
    elif contest.is_locked:
        raise SetupError([f"contest {slug} is finalized: its settings can no longer change"])
    else:
        # Checked before anything changes: the database would refuse it at flush anyway.
        errors.extend(_maxima_below_given_scores(contest, criteria))
        if errors:
            raise SetupError(errors)
    contest.name, contest.organizer, contest.place = name, organizer, place
    contest.timezone = timezone_name
    contest.opens_at, contest.closes_at = opens_at, closes_at
    contest.code_prefix = code_prefix

    _sync(contest.categories, Category, categories,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], position=pos),
          in_use=lambda obj: _exists(Entry.category_id == obj.id))
    _sync(contest.criteria, Criterion, criteria,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], max_points=row[2],
                                     weight=row[3], position=pos),
          in_use=lambda obj: _exists(Score.criterion_id == obj.id))
    _sync(contest.tiers, PrizeTier, tiers,
          lambda obj, row, pos: _set(obj, code=row[0], name=row[1], quota=row[2],
                                     min_score=row[3], position=pos),
          in_use=lambda obj: False)
    if not contest.rounds:
        contest.rounds.append(Round(number=1, name=clean(data.get("round_name", "")) or "1"))
    db.session.flush()
    tiers_by_code = {t.code: t for t in contest.tiers}
    _sync(contest.documents, DocumentKind, [(d["code"], d) for d in documents],
          lambda obj, row, pos: _set(obj, **{k: v for k, v in row[1].items() if k != "tiers"},
                                     tiers=[tiers_by_code[c] for c in row[1]["tiers"]]),
          in_use=lambda obj: False)
    db.session.flush()
    record("contest.created" if created else "contest.updated", contest=contest, actor=actor,
           target=slug)
    return contest


def _maxima_below_given_scores(contest: Contest, criteria: list[tuple]) -> list[str]:
    """A criterion's new maximum must not fall below a score a judge already gave."""
    highest = dict(db.session.execute(
        select(Criterion.code, func.max(Score.points))
        .join(Score, Score.criterion_id == Criterion.id)
        .where(Criterion.contest_id == contest.id)
        .group_by(Criterion.code)
    ).all())
    return [
        f"criteria[{i}]: 'max' {new_max} is below a score already given ({highest[code]})"
        for i, (code, _, new_max, _) in enumerate(criteria, 1)
        if code in highest and new_max is not None and new_max < highest[code]
    ]


def _set(obj, **values) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def _exists(condition) -> bool:
    return db.session.execute(select(1).where(condition).limit(1)).first() is not None


def _sync(current: list, model, rows: list[tuple], update, in_use) -> None:
    """Update rows matched by code, add new ones, remove the unused missing ones."""
    by_code = {obj.code: obj for obj in current}
    wanted = {row[0] for row in rows}
    for obj in list(current):
        if obj.code not in wanted:
            if in_use(obj):
                raise SetupError([f"{model.__tablename__} {obj.code!r} is in use and cannot be removed"])
            current.remove(obj)
    for position, row in enumerate(rows):
        obj = by_code.get(row[0])
        if obj is None:
            obj = model()
            current.append(obj)
        update(obj, row, position)
