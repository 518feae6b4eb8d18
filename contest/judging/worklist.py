"""What a judge has to read: their contests, their score sheets, and where to go next.

Every query here selects entry columns explicitly through the assignment, and
never touches authors, organization or contact details: judges read blind.
An entry screened ineligible leaves every judge's list, sheet and file route
(its sheets stay, and come back if the decision is reversed).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Integer, case, func, literal, select, type_coerce
from sqlalchemy.orm import contains_eager, joinedload

from contest.domain.progress import percent
from contest.domain.scoring import CriterionRule, judge_total
from contest.extensions import db
from contest.models import Assignment, Category, Contest, Entry, Round, RoundStatus, Score, User

# A sheet's total as the database sums it: hundredths of points × thousandths of weight.
TOTAL_UNIT = 100_000


class SheetState(enum.StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


class SheetFilter(enum.StrEnum):
    """The judge's list: what is left to do, what is handed in, or everything."""

    TODO = "todo"
    DONE = "done"
    ALL = "all"


@dataclass(frozen=True)
class JudgeContest:
    contest: Contest
    assigned: int
    submitted: int

    @property
    def percent(self) -> int:
        return percent(self.submitted, self.assigned)


@dataclass(frozen=True)
class SheetRow:
    """One line of a judge's list: the entry, how far the sheet is, the judge's total."""

    code: str
    title: str
    category: str
    state: SheetState
    scored: int
    total: Fraction | None

    def shown_by(self, which: SheetFilter) -> bool:
        if which is SheetFilter.TODO:
            return self.state is not SheetState.SUBMITTED
        if which is SheetFilter.DONE:
            return self.state is SheetState.SUBMITTED
        return True


@dataclass(frozen=True)
class Neighbours:
    """Where an entry sits in the judge's list, by entry code."""

    position: int
    count: int
    previous: str | None
    next: str | None


def _current_rounds():
    """Each contest's open round (exactly one per contest), as a subquery."""
    return select(Round.id).where(Round.status == RoundStatus.OPEN).scalar_subquery()


def judge_contests(judge: User) -> list[JudgeContest]:
    """Contests in which ``judge`` has sheets in the current round, with their counts."""
    rows = db.session.execute(
        select(Contest, func.count(Assignment.id), func.count(Assignment.submitted_at))
        .join(Round, Round.contest_id == Contest.id)
        .join(Assignment, Assignment.round_id == Round.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.judge_id == judge.id, Round.id.in_(_current_rounds()), Entry.reaches_judges)
        .group_by(Contest.id)
        .order_by(Contest.opens_at.desc(), Contest.id)
    ).all()
    return [JudgeContest(contest, assigned, submitted) for contest, assigned, submitted in rows]


def sheet_state(assignment: Assignment) -> SheetState:
    return _state(assignment.is_submitted, bool(assignment.scores or assignment.comment))


def sheet_total(contest: Contest, assignment: Assignment) -> Fraction | None:
    """The judge's weighted total, once every criterion has points."""
    points = {s.criterion_id: s.points for s in assignment.scores}
    if any(c.id not in points for c in contest.criteria):
        return None
    rules = [CriterionRule(str(c.id), c.max_points, c.weight) for c in contest.criteria]
    return judge_total({str(k): v for k, v in points.items()}, rules)


def judged_contest(slug: str) -> Contest | None:
    """The contest with its rounds and criteria, in one statement: all the judge's list reads
    of it besides their sheets (the open round, how many rounds, the rubric's weights)."""
    return db.session.execute(
        select(Contest).where(Contest.slug == slug)
        .options(joinedload(Contest.rounds), joinedload(Contest.criteria))
    ).unique().scalar_one_or_none()


def judge_sheets(contest: Contest, judge: User) -> list[SheetRow]:
    """The judge's sheets in the current round, by entry code, in one query: the database
    counts each sheet's scores and sums Σ points × weight (integers: hundredths of points
    × thousandths of weight, each criterion's weight written into the query)."""
    criteria = contest.criteria
    ids = [c.id for c in criteria]
    raw = type_coerce(Score.points, Integer)
    weight = (case({c.id: int(c.weight * 1000) for c in criteria}, value=Score.criterion_id, else_=0)
              if criteria else literal(0))
    rubric = case((Score.criterion_id.in_(ids), 1), else_=0) if ids else literal(0)
    rows = db.session.execute(
        select(Entry.code, Entry.title, Category.name, Assignment.submitted_at.is_not(None),
               Assignment.comment != "", func.count(Score.id), func.coalesce(func.sum(rubric), 0),
               func.coalesce(func.sum(raw * weight), 0))
        .select_from(Assignment)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(Category, Category.id == Entry.category_id)
        .outerjoin(Score, Score.assignment_id == Assignment.id)
        .where(Assignment.round_id == contest.current_round.id, Assignment.judge_id == judge.id,
               Entry.reaches_judges)
        .group_by(Assignment.id, Entry.id, Category.id)
        .order_by(Entry.code)
    )
    return [
        SheetRow(code, title, category, _state(submitted, scored > 0 or commented), scored,
                 Fraction(int(units), TOTAL_UNIT) if in_rubric == len(ids) else None)
        for code, title, category, submitted, commented, scored, in_rubric, units in rows
    ]


def _state(submitted: bool, started: bool) -> SheetState:
    if submitted:
        return SheetState.SUBMITTED
    return SheetState.DRAFT if started else SheetState.NOT_STARTED


def judge_assignment(contest: Contest, judge: User, code: str) -> Assignment | None:
    """The judge's sheet for entry ``code`` in the current round, if assigned."""
    return db.session.scalar(
        select(Assignment)
        .join(Assignment.entry)
        .where(
            Assignment.round_id == contest.current_round.id,
            Assignment.judge_id == judge.id,
            Entry.contest_id == contest.id,
            Entry.code == code,
            Entry.reaches_judges,
        )
        .options(contains_eager(Assignment.entry).joinedload(Entry.category),
                 contains_eager(Assignment.entry).selectinload(Entry.files))
    )


def _codes_and_states(contest: Contest, judge: User) -> list[tuple[str, bool]]:
    return [
        (code, submitted_at is not None)
        for code, submitted_at in db.session.execute(
            select(Entry.code, Assignment.submitted_at)
            .join(Assignment.entry)
            .where(Assignment.round_id == contest.current_round.id, Assignment.judge_id == judge.id,
                   Entry.reaches_judges)
            .order_by(Entry.code)
        )
    ]


def sheet_neighbours(contest: Contest, judge: User, code: str) -> Neighbours:
    codes = [c for c, _ in _codes_and_states(contest, judge)]
    i = codes.index(code)
    return Neighbours(
        position=i + 1,
        count=len(codes),
        previous=codes[i - 1] if i > 0 else None,
        next=codes[i + 1] if i + 1 < len(codes) else None,
    )


def next_to_do(contest: Contest, judge: User, after: str) -> str | None:
    """The next entry, after ``after`` and then from the top, whose sheet is not submitted."""
    rows = _codes_and_states(contest, judge)
    open_codes = [code for code, submitted in rows if not submitted and code != after]
    later = [code for code in open_codes if code > after]
    return (later or open_codes or [None])[0]
