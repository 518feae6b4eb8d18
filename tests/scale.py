"""A judged contest of any size in a few bulk statements, for tests that count queries."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import insert, select, update

from contest.auth.services import upsert_user
from contest.extensions import db
from contest.judging.sheet_totals import points_units, weight_units
from contest.models import (
    Assignment,
    AuthorKind,
    Contest,
    Entry,
    EntryAuthor,
    EntryStatus,
    Role,
    Score,
    User,
)
from tests.conftest import PASSWORD


def bulk_judge(contest: Contest, entries: int, judges: int, per_entry: int = 3,
               seed: int = 6, submitted: float = 1.0) -> list[User]:
    """Add ``entries`` eligible entries, ``judges`` judges and ``per_entry`` sheets per
    entry (judges in rotation); the first ``submitted`` share of sheets submitted with
    points for every criterion. The contest must be in judging."""
    rng = random.Random(seed)  # nosec B311 # repeatable test data
    panel = [upsert_user(f"bulk{contest.id}.{n}@example.vn", f"Giám khảo {n:03d}", [Role.JUDGE], PASSWORD)
             for n in range(judges)]
    db.session.flush()
    now = datetime.now(timezone.utc)
    first = contest.entry_seq + 1
    contest.entry_seq += entries
    rows = [dict(contest_id=contest.id, code=f"{contest.code_prefix}-{n:05d}", title=f"Mô hình số {n}",
                 category_id=contest.categories[n % len(contest.categories)].id,
                 author_kind=AuthorKind.INDIVIDUAL, status=EntryStatus.ELIGIBLE, submitted_at=now)
            for n in range(first, first + entries)]
    entry_ids = list(db.session.scalars(insert(Entry).returning(Entry.id, sort_by_parameter_order=True),
                                        rows))
    db.session.execute(insert(EntryAuthor), [dict(entry_id=e, position=0, name=f"Tác giả {e}")
                                             for e in entry_ids])
    round_id = contest.current_round.id
    sheets = [dict(round_id=round_id, entry_id=e, judge_id=panel[(i * per_entry + k) % judges].id)
              for i, e in enumerate(entry_ids) for k in range(per_entry)]
    cut = int(len(sheets) * submitted)
    for sheet in sheets[:cut]:
        sheet["submitted_at"] = now
    sheet_ids = list(db.session.scalars(
        insert(Assignment).returning(Assignment.id, sort_by_parameter_order=True), sheets))
    scores = [dict(assignment_id=a, criterion_id=c.id, max_points=c.max_points,
                   points=Decimal(rng.randint(0, int(c.max_points) * 2)) / 2)
              for a in sheet_ids[:cut] for c in contest.criteria]
    db.session.execute(insert(Score), scores)
    # Each sheet's stored total, as the score form would leave it.
    weights = {c.id: weight_units(c) for c in contest.criteria}
    totals: dict[int, int] = {}
    for s in scores:
        totals[s["assignment_id"]] = (totals.get(s["assignment_id"], 0)
                                      + points_units(s["points"]) * weights[s["criterion_id"]])
    db.session.execute(update(Assignment), [dict(id=a, total=t, scored=len(weights)) for a, t in totals.items()])
    db.session.commit()
    return list(db.session.scalars(select(User).where(User.id.in_([u.id for u in panel]))))
