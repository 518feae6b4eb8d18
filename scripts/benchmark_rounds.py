"""Time closing a round and assigning the next on a loaded demo (docs/benchmarks.md).

The demo closes its preliminary round itself; this script reopens it (the final's
sheets and who went on are removed, in the benchmark's own database only), then
times the Rounds page and `close_round` (who goes on, the final's sheets assigned),
and commits, so each run ends where the demo did:

    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/contest db upgrade
    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/contest demo --entries 50000 --judges 200
    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/python scripts/benchmark_rounds.py --runs 3
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, event, func, select  # noqa: E402

from contest import create_app  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Advancement, Assignment, Contest, RoundStatus, ScoreChange  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def reopen_first_round(slug: str) -> None:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    first, second = contest.rounds[0], contest.rounds[1]
    db.session.execute(delete(ScoreChange).where(ScoreChange.round_id == second.id))
    db.session.execute(delete(Assignment).where(Assignment.round_id == second.id))
    db.session.execute(delete(Advancement).where(Advancement.round_id == first.id))
    first.status, second.status = RoundStatus.OPEN, RoundStatus.PENDING
    first.closed_at = first.closed_by = None
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="dvk-2022")
    args = parser.parse_args()
    app = create_app()
    from contest.judging.rounds import close_round

    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
        first = contest.rounds[0]
        entries = db.session.scalar(select(func.count()).select_from(Assignment)
                                    .where(Assignment.round_id == first.id))
        print(f"{args.slug}: {entries:,} sheets in round {first.code}")
    client = app.test_client()
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    assert client.post("/auth/login", data={"email": "bantochuc@dvk2022.vn", "password": "bantochuc2022",
                                            "csrf_token": token}).status_code == 302
    statements: list[str] = []

    def count(*event_args) -> None:
        statements.append(event_args[2])

    page, closing, queries = [], [], []
    for _ in range(args.runs):
        with app.app_context():
            reopen_first_round(args.slug)
            event.listen(db.engine, "before_cursor_execute", count)
        statements.clear()
        start = time.perf_counter()
        response = client.get(f"/c/{args.slug}/organize/rounds")
        page.append(time.perf_counter() - start)
        queries.append(len(statements))
        assert response.status_code == 200 and 'id="close-form"' in response.get_data(as_text=True)
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
            contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
            start = time.perf_counter()
            plan = close_round(contest, actor=None)
            db.session.commit()
            closing.append(time.perf_counter() - start)
            went_on, assigned = len(plan.advancing), plan.assigned
    print(f"Rounds page (who would go on): median {statistics.median(page) * 1000:.0f} ms "
          f"({', '.join(f'{t * 1000:.0f}' for t in page)}), {queries[0]} queries")
    print(f"close_round + commit: median {statistics.median(closing) * 1000:.0f} ms "
          f"({', '.join(f'{t * 1000:.0f}' for t in closing)}); {went_on} went on, {assigned:,} sheets assigned")


if __name__ == "__main__":
    main()
