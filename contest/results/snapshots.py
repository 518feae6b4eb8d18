"""The finalize snapshot: gathered from the database, stored with its hash, read back."""
from __future__ import annotations

import json
from datetime import datetime
from itertools import groupby
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.domain.scoring import CriterionRule, ScoreSheet, sheet_is_full
from contest.domain.snapshot import build_snapshot, canonical_json, snapshot_hash
from contest.extensions import db
from contest.models import Assignment, Contest, Entry, ResultSnapshot, Round, Score, TieResolution, User


def _points(value: Decimal) -> str:
    return f"{value:.2f}"


def _moment(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "name": user.name, "email": user.email}


def snapshot_inputs(contest: Contest, ranking, actor: User | None, now: datetime) -> dict[str, Any]:
    """Everything the results are computed from, as plain JSON values keyed by codes."""
    ranked_round = contest.current_round
    entry_code = {row.entry.id: row.entry.code for row in ranking.ranked}
    sheets, judges = _counted_sheets(contest, ranked_round, entry_code)
    resolutions = db.session.scalars(
        select(TieResolution).where(TieResolution.contest_id == contest.id)
        .options(selectinload(TieResolution.resolved_by)).order_by(TieResolution.id)
    )
    return {
        "contest": {"slug": contest.slug, "name": contest.name, "organizer": contest.organizer},
        "method": ranking.method,
        "rounds": [_round(r) for r in contest.rounds],
        "ranked_round": ranked_round.code,
        "criteria": [{"code": c.code, "name": c.name, "max": _points(c.max_points),
                      "weight": f"{c.weight:.3f}"} for c in contest.criteria],
        "tiers": [{"code": t.code, "name": t.name, "quota": t.quota,
                   "min_score": None if t.min_score is None else _points(t.min_score),
                   "share_ties": t.share_ties} for t in contest.tiers],
        "tie_breakers": list(contest.tie_breakers),
        "entries": [{"code": row.entry.code, "title": row.entry.title, "authors": row.entry.author_names,
                     "organization": row.entry.organization}
                    for row in sorted(ranking.ranked, key=lambda row: row.entry.code)],
        "judges": [{"id": judge_id, "name": name} for judge_id, name in sorted(judges.items())],
        "sheets": sheets,
        "resolutions": [
            {"order": [entry_code.get(m.entry_id, str(m.entry_id)) for m in r.members],
             "reason": r.reason, "by": r.resolved_by.name if r.resolved_by else None,
             "at": _moment(r.resolved_at)}
            for r in resolutions if all(m.entry_id in entry_code for m in r.members)
        ],
        "finalized_by": _person(actor),
        "finalized_at": _moment(now),
    }


def _counted_sheets(contest: Contest, ranked_round: Round,
                    entry_code: dict[int, str]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Every counted sheet of every round, in (round, entry, judge) order, and the judges' names.

    Read as plain rows (one query per round for the points), not as ORM objects: at
    50,000 entries a round holds 150,000 sheets and 450,000 points.
    """
    codes = dict(db.session.execute(select(Entry.id, Entry.code).where(Entry.contest_id == contest.id)).all())
    sheets, judge_ids = [], set()
    for round_ in contest.rounds:
        rubric = round_.rubric
        code_of = {c.id: c.code for c in rubric}
        rules = [CriterionRule(c.code, c.max_points, c.weight) for c in rubric]
        rows = db.session.execute(
            select(Assignment.id, Assignment.entry_id, Assignment.judge_id, Assignment.submitted_at,
                   Score.criterion_id, Score.points)
            .join(Score, Score.assignment_id == Assignment.id)
            .where(Assignment.round_id == round_.id)
            .order_by(Assignment.entry_id, Assignment.judge_id, Assignment.id)
        )
        for (_, entry_id, judge_id, submitted_at), group in groupby(rows, key=lambda r: tuple(r[:4])):
            points = {code_of[r.criterion_id]: r.points for r in group if r.criterion_id in code_of}
            if not sheet_is_full(ScoreSheet(judge_id, points, submitted_at is not None), rules):
                continue  # not counted: a draft or a sheet missing a criterion
            if round_ is ranked_round and entry_id not in entry_code:
                continue
            judge_ids.add(judge_id)
            sheets.append({"round": round_.code, "entry": codes[entry_id], "judge": judge_id,
                           "points": {code: _points(p) for code, p in sorted(points.items())}})
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(judge_ids))).all()) \
        if judge_ids else {}
    return sheets, names


def _round(round_: Round) -> dict[str, Any]:
    return {"code": round_.code, "number": round_.number, "name": round_.name,
            "method": str(round_.method), "weight": f"{round_.weight:.3f}",
            "criteria": [c.code for c in round_.rubric]}


def store_snapshot(contest: Contest, ranking, actor: User | None, now: datetime) -> ResultSnapshot:
    """Build the snapshot of the results being finalized and keep it with its SHA-256."""
    body = build_snapshot(snapshot_inputs(contest, ranking, actor, now))
    snapshot = ResultSnapshot(contest=contest, body=canonical_json(body), sha256=snapshot_hash(body),
                              finalized_at=now, finalized_by=actor)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def current_snapshot(contest: Contest) -> ResultSnapshot | None:
    """The snapshot of the results as they stand finalized (None while not finalized)."""
    if not contest.is_locked:
        return None
    return db.session.scalar(
        select(ResultSnapshot).where(ResultSnapshot.contest_id == contest.id,
                                     ResultSnapshot.released_at.is_(None))
        .order_by(ResultSnapshot.id.desc()).limit(1)
    )


def snapshot_body(snapshot: ResultSnapshot) -> dict[str, Any]:
    return json.loads(snapshot.body)
