"""Import paper score sheets from CSV or XLSX: one row per judge and entry; all or nothing.

A sheet a judge already submitted is changed only with ``overwrite``; every
sheet that changes is kept in the score history (old → new per criterion).
``plan_score_import`` checks a file and says what would change, without
changing anything (the organizer's preview); ``apply_score_import`` does it.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from contest.audit import record
from contest.domain.points import PointsError, parse_points, points_problem
from contest.extensions import db
from contest.importing import CsvImportError, Problem, Where, check_header, read_table
from contest.judging.conflicts import conflicted_pairs
from contest.judging.history import SheetSnapshot, lock_sheet, record_change
from contest.judging.rounds import round_entry_ids
from contest.judging.services import write_points
from contest.models import (
    COMPETING,
    Assignment,
    Contest,
    ContestPhase,
    Criterion,
    Entry,
    Role,
    Round,
    ScoreSource,
    User,
)
from contest.models.types import utcnow

FIXED_COLUMNS = ("entry_code", "judge_email", "comment")


@dataclass
class ScoreImportSummary:
    sheets: int
    judges_created: list[str]
    changed: int = 0


@dataclass
class PlannedSheet:
    """One row of the file: the sheet it fills and what changes on it."""

    where: Where
    entry: Entry
    email: str
    points: dict[int, Decimal]
    comment: str
    before: SheetSnapshot

    @property
    def after(self) -> SheetSnapshot:
        return SheetSnapshot(self.points, self.comment, "submitted")

    @property
    def is_new(self) -> bool:
        """Nothing on the sheet yet (or no sheet at all)."""
        before = self.before
        return before.state != "submitted" and not before.points and not before.comment

    @property
    def changes(self) -> bool:
        before, after = self.before, self.after
        return (before.points, before.comment, before.state) != (after.points, after.comment, after.state)


@dataclass
class ScoreImportPlan:
    contest: Contest
    criteria: list[Criterion]
    sheets: list[PlannedSheet]
    new_judges: list[str] = field(default_factory=list)
    round: Round | None = None

    @property
    def changing(self) -> list[PlannedSheet]:
        return [s for s in self.sheets if s.changes]


def plan_score_import(contest: Contest, raw: bytes, filename: str = "scores.csv",
                      create_judges: bool = False, overwrite: bool = False,
                      round_code: str | None = None) -> ScoreImportPlan:
    """Check every row and say what each sheet becomes; CsvImportError lists every problem.

    The sheets go into the round ``round_code`` (the open round when None), which
    must be the open one: a closed round's scores decided who went on.
    """
    if contest.is_locked:
        raise CsvImportError([f"contest {contest.slug} is finalized: scores are locked"])
    if contest.phase is not ContestPhase.JUDGING:
        # Like a judge's own sheet: scores only once submissions are closed.
        raise CsvImportError([f"contest {contest.slug} is {contest.phase}: "
                              f"run `contest start-judging {contest.slug}` first"])
    round_ = _open_round(contest, round_code)
    criteria = round_.rubric
    table = read_table(raw, filename)
    header, rows = table.header, table.rows
    check_header(table, ("entry_code", "judge_email", *(c.code for c in criteria)), None)
    unknown = [c for c in header if c not in FIXED_COLUMNS and c not in {k.code for k in criteria}]
    if unknown:
        raise CsvImportError([f"unknown criterion column '{c}'; criteria: "
                              f"{', '.join(k.code for k in criteria)}" for c in unknown])
    if not rows:
        raise CsvImportError(["the file has no rows"])
    entries = {e.code: e for e in db.session.scalars(select(Entry).where(Entry.contest_id == contest.id))}
    in_round = set(db.session.scalars(round_entry_ids(round_)))
    errors: list[str] = []
    parsed = []
    seen: dict[tuple[str, str], Where] = {}
    for where, row in rows:
        def bad(column: str, message: str) -> None:
            errors.append(Problem(where, column, message))

        entry = entries.get(row["entry_code"])
        if entry is None:
            bad("entry_code", f"no entry {row['entry_code']!r} in {contest.slug}")
        elif entry.status not in COMPETING:
            bad("entry_code", f"{entry.code} is {entry.status.value}")
        elif entry.id not in in_round:
            bad("entry_code", f"{entry.code} did not go on to round {round_.code}")
        try:
            email = validate_email(row["judge_email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            bad("judge_email", str(exc))
            email = None
        key = (row["entry_code"], email)
        if email and key in seen:
            bad("judge_email", f"this judge already scored {row['entry_code']} on {seen[key]}")
        seen[key] = where
        points = {}
        for criterion in criteria:
            typed = row[criterion.code]
            try:
                value = parse_points(typed)
            except PointsError:
                value = None
            problem = None if value is None else points_problem(value, criterion.max_points, criterion.step)
            if value is None:
                bad(criterion.code, f"{typed!r} is not a number")
            elif problem == "out_of_range":
                bad(criterion.code, f"{value} is outside 0–{criterion.max_points.normalize():f}")
            elif problem is not None:
                bad(criterion.code, f"{value} is not in steps of {criterion.step.normalize():f}")
            else:
                points[criterion.id] = value
        if entry is not None and email:
            parsed.append((where, entry, email, points, row.get("comment") or ""))
    judges, created, judge_errors = _judges_for(sorted({p[2] for p in parsed}), create_judges)
    errors += judge_errors
    if errors:
        raise CsvImportError(errors)

    blocked = conflicted_pairs(contest, [j for j in judges.values() if j.id is not None])
    sheets = {(a.entry_id, a.judge_id): a for a in db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id))}
    plan = ScoreImportPlan(contest, criteria, [], created, round_)
    for where, entry, email, points, comment in parsed:
        judge = judges[email]
        if (entry.id, judge.id) in blocked:
            errors.append(Problem(where, "judge_email", f"{email} may not score {entry.code} "
                                  "(conflict of interest)"))
            continue
        sheet = sheets.get((entry.id, judge.id))
        planned = PlannedSheet(where, entry, email, points, comment, SheetSnapshot.of(sheet))
        if planned.before.state == "submitted" and planned.changes and not overwrite:
            errors.append(Problem(where, None, f"{entry.code} by {email} is already submitted and "
                                  "would change; add --overwrite to replace it"))
        plan.sheets.append(planned)
    if errors:
        raise CsvImportError(errors)
    return plan


def apply_score_import(plan: ScoreImportPlan, actor: User | None = None) -> ScoreImportSummary:
    """Store each planned row as a submitted sheet, the judge assigned to the entry."""
    contest, criteria = plan.contest, plan.criteria
    emails = sorted({s.email for s in plan.sheets})
    judges, _, _ = _judges_for(emails, create=True)
    round_ = plan.round or contest.current_round
    sheets = {(a.entry_id, a.judge_id): a for a in db.session.scalars(
        select(Assignment).where(Assignment.round_id == round_.id))}
    now = utcnow()
    changed = 0
    for planned in plan.sheets:
        judge = judges[planned.email]
        sheet = sheets.get((planned.entry.id, judge.id))
        if sheet is None:
            sheet = Assignment(round_id=round_.id, entry_id=planned.entry.id, judge_id=judge.id)
            db.session.add(sheet)
            db.session.flush()
            before = SheetSnapshot.of(None)
        else:
            lock_sheet(sheet)
            before = SheetSnapshot.of(sheet)
        write_points(sheet, criteria, planned.points)
        sheet.comment = planned.comment
        if record_change(sheet, before, planned.after, ScoreSource.IMPORT, actor) is not None:
            sheet.submitted_at = now
            changed += 1
    db.session.flush()
    record("scores.imported", contest=contest, actor=actor, target=contest.slug, round=round_.code,
           sheets=len(plan.sheets), changed=changed, judges_created=plan.new_judges)
    return ScoreImportSummary(len(plan.sheets), plan.new_judges, changed)


def import_scores(contest: Contest, raw: bytes, create_judges: bool = False, actor: User | None = None,
                  overwrite: bool = False, filename: str = "scores.csv",
                  round_code: str | None = None) -> ScoreImportSummary:
    """Check the file, then store it: the command line's one step."""
    return apply_score_import(
        plan_score_import(contest, raw, filename, create_judges, overwrite, round_code), actor)


def _open_round(contest: Contest, code: str | None) -> Round:
    if code is None:
        return contest.current_round
    found = next((r for r in contest.rounds if r.code == code), None)
    if found is None:
        raise CsvImportError([f"contest {contest.slug} has no round {code!r}; its rounds: "
                              f"{', '.join(r.code for r in contest.rounds)}"])
    if not found.is_open:
        raise CsvImportError([f"round {code} is {found.status.value}: scores go only into the open round, "
                              f"{contest.current_round.code}"])
    return found


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
            db.session.flush()
            judges[email] = user
    return judges, created, errors
