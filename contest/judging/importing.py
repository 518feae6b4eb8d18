"""Import paper score sheets from CSV: one row per judge and entry; all or nothing."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from contest.audit import record
from contest.extensions import db
from contest.importing import CsvImportError, check_header, read_csv
from contest.judging.services import write_points
from contest.models import (
    Assignment,
    Contest,
    ContestPhase,
    Entry,
    EntryStatus,
    Role,
    User,
)
from contest.models.types import utcnow


@dataclass
class ScoreImportSummary:
    sheets: int
    judges_created: list[str]


def parse_points(text: str) -> Decimal | None:
    """46.5 or 46,5 (Vietnamese decimal comma) → Decimal; None when not a number."""
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def import_scores(
    contest: Contest, raw: bytes, create_judges: bool = False, actor: User | None = None
) -> ScoreImportSummary:
    """Store each row as a submitted sheet; the judge is assigned to the entry."""
    if contest.is_locked:
        raise CsvImportError([f"contest {contest.slug} is finalized: scores are locked"])
    if contest.phase is not ContestPhase.JUDGING:
        # Like a judge's own sheet: scores only once submissions are closed.
        raise CsvImportError([f"contest {contest.slug} is {contest.phase}: "
                              f"run `contest start-judging {contest.slug}` first"])
    criteria = contest.criteria
    header, rows = read_csv(raw)
    fixed = ("entry_code", "judge_email", "comment")
    check_header(header, ("entry_code", "judge_email", *(c.code for c in criteria)), None)
    unknown = [c for c in header if c not in fixed and c not in {k.code for k in criteria}]
    if unknown:
        raise CsvImportError([f"unknown criterion column '{c}'; criteria: "
                              f"{', '.join(k.code for k in criteria)}" for c in unknown])
    if not rows:
        raise CsvImportError(["the file has no rows"])
    entries = {e.code: e for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id))}
    errors: list[str] = []
    parsed = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        def bad(column: str, message: str) -> None:
            errors.append(f"line {line}, column '{column}': {message}")

        entry = entries.get(row["entry_code"])
        if entry is None:
            bad("entry_code", f"no entry {row['entry_code']!r} in {contest.slug}")
        elif entry.status is EntryStatus.INELIGIBLE:
            bad("entry_code", f"{entry.code} is ineligible")
        try:
            email = validate_email(row["judge_email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            bad("judge_email", str(exc))
            email = None
        key = (row["entry_code"], email)
        if email and key in seen:
            bad("judge_email", f"this judge already scored {row['entry_code']} on line {seen[key]}")
        seen[key] = line
        points = {}
        for criterion in criteria:
            value = parse_points(row[criterion.code])
            if value is None:
                bad(criterion.code, f"{row[criterion.code]!r} is not a number")
            elif not 0 <= value <= criterion.max_points:
                bad(criterion.code, f"{value} is outside 0–{criterion.max_points}")
            elif value != value.quantize(Decimal("0.01")):
                bad(criterion.code, f"{value} has more than 2 decimal places")
            else:
                points[criterion] = value
        if entry is not None and email:
            parsed.append((entry, email, points, row.get("comment") or ""))
    judges, created, judge_errors = _judges_for(sorted({p[1] for p in parsed}), create_judges)
    errors += judge_errors
    if errors:
        raise CsvImportError(errors)

    round_ = contest.current_round
    assignments = {(a.entry_id, a.judge_id): a for a in db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id))}
    now = utcnow()
    for entry, email, points, comment in parsed:
        judge = judges[email]
        assignment = assignments.get((entry.id, judge.id))
        if assignment is None:
            assignment = Assignment(round_id=round_.id, entry_id=entry.id, judge_id=judge.id)
            db.session.add(assignment)
        write_points(assignment, criteria, {c.id: value for c, value in points.items()})
        assignment.comment = comment
        assignment.submitted_at = now
    db.session.flush()
    record("scores.imported", contest=contest, actor=actor, target=contest.slug,
           sheets=len(parsed), judges_created=created)
    return ScoreImportSummary(len(parsed), created)


def _judges_for(emails: list[str], create: bool) -> tuple[dict[str, User], list[str], list[str]]:
    """Find the judges by e-mail; with ``create``, make accounts (or grant the role)."""
    users = {u.email.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))} if emails else {}
    judges: dict[str, User] = {}
    created: list[str] = []
    errors: list[str] = []
    for email in emails:
        user = users.get(email)
        if user is not None and user.has_role(Role.JUDGE):
            judges[email] = user
        elif not create:
            errors.append(f"{email} is not a judge here; add --create-judges to create the account")
        else:
            if user is None:
                user = User(email=email, name=email.split("@")[0])
                # A random password: the judge sets one with the organizer before logging in.
                user.set_password(secrets.token_urlsafe(24))
                db.session.add(user)
                created.append(email)
            user.add_role(Role.JUDGE)
            judges[email] = user
    return judges, created, errors
