"""The `[[rounds]]` of a settings file: read and checked, then matched to the stored rounds by code."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from contest.extensions import db
from contest.models import (
    AdvanceRule,
    Assignment,
    Contest,
    Role,
    Round,
    RoundStatus,
    ScoreMethod,
    User,
    UserRole,
)
from contest.text import clean

if TYPE_CHECKING:
    from contest.admin.setup import SetupProblem, _Reader

BAD_PER_ENTRY = _l("%(field)s must be a whole number ≥ 1 or \"all\"")
BAD_METHOD = _l("%(field)s must be one of mean, trimmed, median, zscore, not %(value)s")
SHARE_ABOVE_ONE = _l("%(field)s is a share of the maximum total: at most 1")
BAD_ADVANCE = _l("%(field)s must be one of { top = 40 }, { top_per_category = 5 }, "
                 "{ min_score = 70 }, { pick = true }")
ADVANCE_ON_LAST = _l("%(field)s: the last round has no advancement rule")
ADVANCE_MISSING = _l("%(field)s is required on every round but the last")
NO_WEIGHT = _l("%(field)s: at least one round must have a weight above 0")
NOT_A_LIST = _l("%(field)s must be a list of %(what)s")
UNKNOWN_JUDGE = _l("%(field)s: %(email)s is not a judge's account")
UNKNOWN_CRITERION = _l("%(field)s: unknown criterion %(code)s")
ROUND_IN_USE = _l("rounds %(code)s has started and cannot be removed")
ROUND_MOVED = _l("rounds %(code)s has started: the rounds before it cannot change")
ROUND_CLOSED = _l("rounds %(code)s is closed: its %(key)s can no longer change")


@dataclass
class RoundSettings:
    """One `[[rounds]]` table as plain values; judges by e-mail, criteria by code."""

    code: str
    name: str
    per_entry: int | None = None
    method: ScoreMethod = ScoreMethod.MEAN
    disagreement: Decimal = Decimal("0.25")
    weight: Decimal | None = None
    advance_rule: AdvanceRule | None = None
    advance_count: int | None = None
    advance_min_score: Decimal | None = None
    judges: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)


def read_rounds(data: dict[str, Any], read: _Reader, rows: list[dict],
                criterion_codes: set[str]) -> list[RoundSettings]:
    """Check every `[[rounds]]` table; problems go to ``read``. No tables: no rounds."""
    from contest.admin.setup import NOT_A_QUOTA

    rounds = []
    for i, r in enumerate(rows, 1):
        where = ("rounds", i)
        last = i == len(rows)
        settings = RoundSettings(
            code=read.text(r, "code", where, limit=30), name=read.text(r, "name", where, limit=100))
        per_entry = r.get("per_entry", "all")
        if per_entry != "all":
            if not isinstance(per_entry, int) or isinstance(per_entry, bool) or per_entry < 1:
                read.problem(BAD_PER_ENTRY, where, "per_entry")
            else:
                settings.per_entry = per_entry
        method = r.get("method", "mean")
        if method not in set(ScoreMethod):
            read.problem(BAD_METHOD, where, "method", value=repr(method))
        else:
            settings.method = ScoreMethod(method)
        disagreement = read.decimal(r, "disagreement", where, default=Decimal("0.25"), places=3)
        if disagreement is not None and disagreement > 1:
            read.problem(SHARE_ABOVE_ONE, where, "disagreement")
        else:
            settings.disagreement = disagreement
        settings.weight = read.decimal(r, "weight", where, default=Decimal(1 if last else 0), places=3)
        advance = r.get("advance")
        if last:
            if advance is not None:
                read.problem(ADVANCE_ON_LAST, where, "advance")
        elif advance is None:
            read.problem(ADVANCE_MISSING, where, "advance")
        elif not isinstance(advance, dict) or len(advance) != 1 or next(iter(advance)) not in set(AdvanceRule):
            read.problem(BAD_ADVANCE, where, "advance")
        else:
            (key, value), = advance.items()
            settings.advance_rule = AdvanceRule(key)
            if settings.advance_rule is AdvanceRule.PICK:
                if value is not True:
                    read.problem(BAD_ADVANCE, where, "advance")
            elif settings.advance_rule is AdvanceRule.MIN_SCORE:
                settings.advance_min_score = read.decimal(advance, "min_score", where)
            elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
                read.problem(NOT_A_QUOTA, where, f"advance.{key}")
            else:
                settings.advance_count = value
        settings.judges = _text_list(read, r, "judges", where, _l("e-mail addresses"))
        settings.criteria = _text_list(read, r, "criteria", where, _l("criterion codes"))
        for code in settings.criteria:
            if code not in criterion_codes:
                read.problem(UNKNOWN_CRITERION, where, "criteria", code=repr(code))
        rounds.append(settings)
    if rounds and all(r.weight == 0 for r in rounds if r.weight is not None):
        read.problem(NO_WEIGHT, ("rounds", None), "weight")
    return rounds


def _text_list(read: _Reader, table: dict, key: str, where, what) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        read.problem(NOT_A_LIST, where, key, what=what)
        return []
    return [clean(v) for v in value]


def judges_by_email(rounds: list[RoundSettings]) -> tuple[dict[str, User], list[SetupProblem]]:
    """The judge accounts the rounds name, and a problem for each e-mail that is not one."""
    from contest.admin.setup import SetupProblem
    from contest.auth.services import normalize_email

    wanted = {normalize_email(e) for r in rounds for e in r.judges}
    found = {u.email: u for u in db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.JUDGE, User.email.in_(wanted)))}
    problems = [
        SetupProblem(UNKNOWN_JUDGE, table="rounds", row=i, key="judges", values={"email": repr(e)})
        for i, r in enumerate(rounds, 1) for e in r.judges if normalize_email(e) not in found
    ]
    return found, problems


def sync_rounds(contest: Contest, rounds: list[RoundSettings], judges: dict[str, User]) -> list[SetupProblem]:
    """Make the contest's rounds those of the file, matched by code.

    A new contest opens its first round. A round that has started (open or
    closed, or holding sheets) cannot be removed, and the rounds up to it keep
    their order; a closed round keeps how it was read and who went on.
    """
    from contest.admin.setup import SetupProblem
    from contest.auth.services import normalize_email

    existing = {r.code: r for r in contest.rounds}
    wanted = [r.code for r in rounds]
    with_sheets = set(db.session.scalars(
        select(Assignment.round_id).where(Assignment.round_id.in_([r.id for r in contest.rounds if r.id]))
        .distinct()))
    started = [r for r in contest.rounds if r.status is not RoundStatus.PENDING or r.id in with_sheets]
    problems = []
    for r in started:
        if r.code not in wanted:
            problems.append(SetupProblem(ROUND_IN_USE, table="rounds", values={"code": repr(r.code)}))
        elif wanted.index(r.code) != contest.rounds.index(r):
            problems.append(SetupProblem(ROUND_MOVED, table="rounds", values={"code": repr(r.code)}))
    for settings in rounds:
        old = existing.get(settings.code)
        if old is not None and old.status is RoundStatus.CLOSED:
            for key, same in (("per_entry", old.per_entry == settings.per_entry),
                              ("method", old.method is settings.method),
                              ("advance", (old.advance_rule, old.advance_count, old.advance_min_score)
                               == (settings.advance_rule, settings.advance_count,
                                   settings.advance_min_score))):
                if not same:
                    problems.append(SetupProblem(ROUND_CLOSED, table="rounds",
                                                 values={"code": repr(old.code), "key": key}))
    if problems:
        return problems

    for old in list(contest.rounds):
        if old.code not in wanted:
            contest.rounds.remove(old)
    # Numbers are unique per contest: move the kept rounds out of the way first.
    for n, old in enumerate(contest.rounds, 1):
        old.number = -n
    db.session.flush()
    ordered = []
    for number, settings in enumerate(rounds, 1):
        round_ = existing.get(settings.code) or Round(code=settings.code, status=RoundStatus.PENDING)
        round_.number, round_.name = number, settings.name
        round_.per_entry, round_.method = settings.per_entry, settings.method
        round_.disagreement, round_.weight = settings.disagreement, settings.weight
        round_.advance_rule = settings.advance_rule
        round_.advance_count, round_.advance_min_score = settings.advance_count, settings.advance_min_score
        round_.judges = [judges[normalize_email(e)] for e in settings.judges]
        by_code = {c.code: c for c in contest.criteria}
        round_.criteria = [by_code[c] for c in settings.criteria]
        ordered.append(round_)
    contest.rounds[:] = ordered
    if not any(r.status is not RoundStatus.PENDING for r in ordered):
        ordered[0].status = RoundStatus.OPEN
    return []


def default_round(name: str) -> Round:
    """The one round of a contest whose settings name none: every judge, the mean."""
    return Round(number=1, code="1", name=name or "1", status=RoundStatus.OPEN, weight=Decimal(1))
