"""Time the judging pages and count their queries on an existing instance (docs/benchmarks.md).

Run it against a loaded demo (e.g. `contest demo --entries 50000 --judges 200` into
another instance folder):

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_judging_pages.py --runs 3
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contest.extensions import db  # noqa: E402
from contest.models import Assignment, Entry, ScoreChange, User  # noqa: E402
from scripts.benchmarking import Instance, arguments  # noqa: E402


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    slug = bench.slug
    with bench.app.app_context():
        sheets = db.session.scalar(select(func.count(Assignment.id)))
        changes = db.session.scalar(select(func.count(ScoreChange.id)))
        judge = db.session.scalar(select(User).where(User.email == "giamkhao1@dvk2022.vn"))
        mine = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.judge_id == judge.id))
        code = db.session.scalar(select(Entry.code).join(Assignment, Assignment.entry_id == Entry.id)
                                 .where(Assignment.judge_id == judge.id).order_by(Entry.code).limit(1))
        judge_id = judge.id
        db.session.remove()
    print(f"{bench.entries:,} entries, {sheets:,} sheets, {changes:,} score changes; "
          f"giamkhao1 reads {mine:,} entries")
    judge_client = bench.client("giamkhao1@dvk2022.vn")
    organizer = bench.client("bantochuc@dvk2022.vn")
    bench.page_table([
        ("judge's sheet list (all)", judge_client, f"/c/{slug}/judge/?show=all"),
        ("score page", judge_client, f"/c/{slug}/judge/{code}"),
        ("organizer's entry page", organizer, f"/c/{slug}/organize/entries/{code}"),
        ("entry's score history", organizer, f"/c/{slug}/organize/entries/{code}/history"),
        ("judge's score history", organizer, f"/c/{slug}/organize/judges/{judge_id}/history"),
    ])


if __name__ == "__main__":
    main()
