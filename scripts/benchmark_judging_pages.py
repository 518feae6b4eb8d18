"""Time the judging pages and count their queries on an existing instance (docs/benchmarks.md).

Run it against a loaded demo (e.g. `contest demo --entries 50000 --judges 200` into
another instance folder):

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_judging_pages.py --runs 3
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from contest import create_app  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Assignment, Contest, Entry, ScoreChange, User  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login(client, email: str, password: str) -> None:
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    assert client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token}).status_code == 302


def measure(engine, client, url: str, runs: int) -> tuple[float, int, int]:
    """Each request in its own app context and session, as in production."""
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(runs):
            statements.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), len(statements), len(response.get_data())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="dvk-2022")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
        entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.contest_id == contest.id))
        sheets = db.session.scalar(select(func.count(Assignment.id)))
        changes = db.session.scalar(select(func.count(ScoreChange.id)))
        judge = db.session.scalar(select(User).where(User.email == "giamkhao1@dvk2022.vn"))
        mine = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.judge_id == judge.id))
        code = db.session.scalar(select(Entry.code).join(Assignment, Assignment.entry_id == Entry.id)
                                 .where(Assignment.judge_id == judge.id).order_by(Entry.code).limit(1))
        judge_id = judge.id
        engine = db.engine
        db.session.remove()
    print(f"{entries:,} entries, {sheets:,} sheets, {changes:,} score changes; "
          f"giamkhao1 reads {mine:,} entries")
    print("| page | median (ms) | queries | HTML (KiB) |")
    print("|---|---:|---:|---:|")
    judge_client = app.test_client()
    login(judge_client, "giamkhao1@dvk2022.vn", "giamkhao2022")
    organizer = app.test_client()
    login(organizer, "bantochuc@dvk2022.vn", "bantochuc2022")
    pages = [
        ("judge's sheet list (all)", judge_client, f"/c/{args.slug}/judge/?show=all"),
        ("score page", judge_client, f"/c/{args.slug}/judge/{code}"),
        ("organizer's entry page", organizer, f"/c/{args.slug}/organize/entries/{code}"),
        ("entry's score history", organizer, f"/c/{args.slug}/organize/entries/{code}/history"),
        ("judge's score history", organizer, f"/c/{args.slug}/organize/judges/{judge_id}/history"),
    ]
    for name, client, url in pages:
        seconds, queries, size = measure(engine, client, url, args.runs)
        print(f"| {name} | {seconds * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
