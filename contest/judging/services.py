"""Start judging, assign judges, save score sheets, report progress."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from contest.audit import record
from contest.auth.services import normalize_email, upsert_user, user_by_email
from contest.domain.assignment import assign_balanced, assign_every_judge
from contest.domain.points import PointsProblem, points_problem
from contest.domain.progress import percent
from contest.extensions import db
from contest.judging.conflicts import conflict_of, conflicted_pairs
from contest.judging.history import SheetSnapshot, lock_sheet, record_change
from contest.judging.sheet_counts import SheetCounts, sheet_counts
from contest.judging.sheet_totals import store_sheet_total
from contest.models import (
    Assignment,
    Contest,
    ContestPhase,
    Criterion,
    Entry,
    Role,
    Score,
    ScoreSource,
    User,
    UserRole,
)
from contest.models.types import utcnow
from contest.text import clean


class JudgingError(ValueError):
    """A judging action that the contest's state or the input does not allow.

    Its message is lazy: str() words it in the current language.
    """


def start_judging(contest: Contest, actor: User | None) -> None:
    """Close submissions and open scoring."""
    if contest.phase is not ContestPhase.OPEN:
        slug = contest.slug
        raise JudgingError({
            ContestPhase.JUDGING: _l("contest %(slug)s is judging, not open", slug=slug),
            ContestPhase.FINALIZED: _l("contest %(slug)s is finalized, not open", slug=slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published, not open", slug=slug),
        }[contest.phase])
    contest.phase = ContestPhase.JUDGING
    record("contest.judging_started", contest=contest, actor=actor, target=contest.slug)


def judges() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.JUDGE).order_by(User.name, User.id)
    ))


def rankable_entries(contest: Contest) -> list[Entry]:
    """The entries the open round reads: every eligible one in the first round, those
    that went on in the later ones."""
    from contest.judging.rounds import round_entry_ids

    return list(db.session.scalars(
        select(Entry).where(Entry.id.in_(round_entry_ids(contest.current_round))).order_by(Entry.code)
    ))


def assign_judges(
    contest: Contest, panel: list[User], per_entry: int | None, actor: User | None
) -> int:
    """Assign ``panel`` to every rankable entry: all of them, or ``per_entry`` each.

    Existing assignments are kept and counted in the load. No judge is put on an
    entry they have a conflict with (their own, or one declared). Returns how
    many assignments were added.
    """
    if contest.phase is not ContestPhase.JUDGING:
        slug = contest.slug
        raise JudgingError({
            ContestPhase.OPEN: _l("contest %(slug)s is open: start judging first", slug=slug),
            ContestPhase.FINALIZED: _l("contest %(slug)s is finalized: start judging first", slug=slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published: start judging first", slug=slug),
        }[contest.phase])
    if not panel:
        raise JudgingError(_l("choose at least one judge"))
    round_ = contest.current_round
    entries = [e.id for e in rankable_entries(contest)]
    existing = list(db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id).where(Assignment.round_id == round_.id)
    ).all())
    judge_ids = [j.id for j in panel]
    excluded = conflicted_pairs(contest, panel)
    if per_entry is None:
        pairs = assign_every_judge(entries, judge_ids, existing, excluded)
    else:
        panel_existing = [(e, j) for e, j in existing if j in set(judge_ids)]
        pairs = assign_balanced(entries, judge_ids, per_entry, panel_existing, excluded)
    db.session.add_all(Assignment(round_id=round_.id, entry_id=e, judge_id=j) for e, j in pairs)
    db.session.flush()
    record("judges.assigned", contest=contest, actor=actor, target=contest.slug,
           added=len(pairs), per_entry=per_entry, judges=judge_ids)
    return len(pairs)


@dataclass
class SheetErrors(ValueError):
    """Per-criterion problems (PointsProblem values) by criterion id, plus general
    messages (lazy: str() words them in the current language)."""

    by_criterion: dict[int, str]
    general: list[LazyString]


def sheet_problems(criteria: list[Criterion], points: dict[int, Decimal | None],
                   complete: bool) -> dict[int, str]:
    """What is wrong with ``points``, by criterion id; ``complete``: every criterion needed."""
    errors: dict[int, str] = {}
    for criterion in criteria:
        value = points.get(criterion.id)
        if value is None:
            if complete:
                errors[criterion.id] = PointsProblem.MISSING
        elif (problem := points_problem(value, criterion.max_points, criterion.step)) is not None:
            errors[criterion.id] = problem
    return errors


def save_sheet(
    assignment: Assignment,
    points: dict[int, Decimal | None],
    comment: str,
    submit: bool,
    actor: User | None,
    now: datetime | None = None,
    source: ScoreSource = ScoreSource.SHEET,
) -> bool:
    """Save a judge's scores as a draft, or submit them (every criterion needed).

    A submitted sheet can be corrected and submitted again until the contest
    is finalized; it cannot go back to being a draft. Saving the same sheet
    twice at once is safe: the sheet's row is locked first. Returns whether
    anything changed (every change is kept in the score history).
    """
    contest = assignment.round.contest
    if contest.phase is not ContestPhase.JUDGING:
        slug = contest.slug
        raise SheetErrors({}, [{
            ContestPhase.OPEN: _l("contest %(slug)s is open: scores cannot change", slug=slug),
            ContestPhase.FINALIZED: _l("contest %(slug)s is finalized: scores cannot change", slug=slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published: scores cannot change", slug=slug),
        }[contest.phase]])
    if not assignment.round.is_open:
        raise SheetErrors({}, [_l("Round %(round)s is closed: its scores cannot change.",
                                  round=assignment.round.name)])
    if conflict_of(assignment.entry, assignment.judge) is not None:
        raise SheetErrors({}, [_l("You have a conflict of interest with this entry: "
                                  "it cannot be scored by you.")])
    criteria = assignment.round.rubric
    # Checked under the lock: another request may have submitted the sheet meanwhile.
    lock_sheet(assignment)
    before = SheetSnapshot.of(assignment)
    if before.state == "submitted" and source is ScoreSource.AUTOSAVE:
        raise SheetErrors({}, [_l("This sheet is submitted: correct it with the submit button.")])
    submit = submit or before.state == "submitted"  # a submitted sheet stays submitted
    errors = sheet_problems(criteria, points, complete=submit)
    if errors:
        raise SheetErrors(errors, [])
    write_points(assignment, criteria, points)
    assignment.comment = comment
    after = SheetSnapshot(
        {c.id: points[c.id] for c in criteria if points.get(c.id) is not None}, comment,
        "submitted" if submit else "draft")
    change = record_change(assignment, before, after, source, actor)
    if change is not None and submit:
        assignment.submitted_at = now or utcnow()
    db.session.flush()
    return change is not None


def write_points(assignment: Assignment, criteria: list[Criterion],
                 points: dict[int, Decimal | None]) -> None:
    """Put ``points`` (by criterion id) on the sheet, ``criteria`` its round's rubric;
    None removes a score. The sheet's stored total follows."""
    by_criterion = {s.criterion_id: s for s in assignment.scores}
    for criterion in criteria:
        value = points.get(criterion.id)
        score = by_criterion.get(criterion.id)
        if value is None:
            if score is not None:
                assignment.scores.remove(score)
        elif score is None:
            assignment.scores.append(Score(criterion_id=criterion.id,
                                           max_points=criterion.max_points, points=value))
        else:
            score.points = value
    store_sheet_total(assignment, criteria)


@dataclass(frozen=True)
class JudgeProgress:
    judge: User
    assigned: int
    submitted: int

    @property
    def percent(self) -> int:
        return percent(self.submitted, self.assigned)


def judge_loads(contest: Contest, counts: SheetCounts | None = None) -> list[JudgeProgress]:
    """Every judge account with its sheets in the current round, none included
    (sheets of entries screened ineligible do not count); ``counts``: the round's
    ``sheet_counts``, when the caller has them."""
    loads = (counts if counts is not None else sheet_counts(contest.current_round)).loads
    return [JudgeProgress(user, *loads.get(user.id, (0, 0))) for user in judges()]


def judging_progress(contest: Contest, counts: SheetCounts | None = None) -> list[JudgeProgress]:
    """The judges who have sheets in the current round, with how many are submitted."""
    return [load for load in judge_loads(contest, counts) if load.assigned]


def add_judge(email: str, name: str, password: str, actor: User | None,
              organization: str = "", district: str = "") -> tuple[User, bool]:
    """Create a judge account, or give an existing account the judge role.

    An existing account keeps its name and password: an organizer adding a
    judge must not be able to take over someone's login. Returns (user, created).
    """
    existing = user_by_email(normalize_email(email))
    if existing is not None:
        user, created = upsert_user(existing.email, existing.name, [Role.JUDGE], None, actor=actor), False
    else:
        user, created = upsert_user(email, name, [Role.JUDGE], password, actor=actor), True
    set_workplace(user, organization, district, actor)
    return user, created


def set_workplace(user: User, organization: str, district: str, actor: User | None) -> None:
    """Where a judge works, for the contests that keep judges off entries from there."""
    organization, district = clean(organization or ""), clean(district or "")
    if (organization, district) == (user.organization, user.district) or not (organization or district):
        return
    user.organization, user.district = organization or user.organization, district or user.district
    db.session.flush()
    record("user.workplace", actor=actor, target=user.email, organization=user.organization,
           district=user.district)


@dataclass(frozen=True)
class UnfinishedEntry:
    """A rankable entry some judge has not submitted yet (or that has no judge)."""

    entry: Entry
    assigned: int
    waiting_for: list[User]


@dataclass(frozen=True)
class JudgingOverview:
    entries: int
    sheets: int
    submitted: int
    fewest_judges: int
    most_judges: int
    unfinished_count: int
    # The first of them in code order, with who they wait for.
    unfinished: list[UnfinishedEntry]

    @property
    def percent(self) -> int:
        return percent(self.submitted, self.sheets)


UNFINISHED_SHOWN = 100


def judging_overview(contest: Contest, shown: int = UNFINISHED_SHOWN,
                     counts: SheetCounts | None = None) -> JudgingOverview:
    """Sheets and judges per rankable entry in the current round, from how many entries have
    so many sheets and so many submitted (``sheet_counts``: a few rows, whatever the size),
    with the first ``shown`` unfinished entries in code order loaded."""
    from contest.judging.rounds import round_entry_ids

    if counts is None:
        counts = sheet_counts(contest.current_round)
    kinds = counts.kinds
    bare = counts.entries - sum(count for _, _, count in kinds)
    unfinished_count = bare + sum(count for sheets, done, count in kinds if done < sheets)
    per_entry = [sheets for sheets, _, _ in kinds] + ([0] if bare else [])
    unfinished = (unfinished_entries(contest, round_entry_ids(contest.current_round), shown, bare > 0)
                  if unfinished_count and shown else [])
    return JudgingOverview(
        entries=counts.entries,
        sheets=sum(sheets * count for sheets, _, count in kinds),
        submitted=sum(done * count for _, done, count in kinds),
        fewest_judges=min(per_entry, default=0),
        most_judges=max(per_entry, default=0),
        unfinished_count=unfinished_count,
        unfinished=unfinished,
    )


def unfinished_entries(contest: Contest, judged, shown: int, bare: bool = True) -> list[UnfinishedEntry]:
    """The first ``shown`` entries of ``judged`` (a subquery of ids) in code order that have
    no sheet in the current round or one not yet submitted, with who they wait for;
    ``bare``: whether any has no sheet (if not, the round's sheets are not all read to
    find those)."""
    round_id = contest.current_round.id
    sheets = select(Assignment.entry_id).where(Assignment.round_id == round_id)
    assigned = (select(func.count(Assignment.id))
                .where(Assignment.round_id == round_id, Assignment.entry_id == Entry.id)
                .correlate(Entry).scalar_subquery())
    waiting = Entry.id.in_(sheets.where(Assignment.submitted_at.is_(None)))
    first = db.session.execute(
        select(Entry, assigned).where(Entry.id.in_(judged), waiting | Entry.id.not_in(sheets) if bare else waiting)
        .order_by(Entry.code).limit(shown)).all()
    if not first:
        return []
    waiting_for: dict[int, list[User]] = {e.id: [] for e, _ in first}
    for entry_id, judge in db.session.execute(
        select(Assignment.entry_id, User).join(User, User.id == Assignment.judge_id)
        .where(Assignment.round_id == round_id, Assignment.entry_id.in_(waiting_for),
               Assignment.submitted_at.is_(None))
        .order_by(User.name, User.id)
    ):
        waiting_for[entry_id].append(judge)
    return [UnfinishedEntry(e, count, waiting_for[e.id]) for e, count in first]
