"""Time the organizer's entries list, its search, sort and export, and count their queries (docs/benchmarks.md).

Run it against a loaded demo (e.g. `contest demo --entries 50000 --judges 200` into
another instance folder):

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_entries_list.py --runs 5
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contest import create_app  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Contest, Entry  # noqa: E402
from scripts.benchmark_judging_pages import login, measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="dvk-2022")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
        entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.contest_id == contest.id))
        engine = db.engine
        db.session.remove()
    last_page = (entries + 49) // 50
    print(f"{entries:,} entries, {last_page:,} pages of 50")
    print("| request | median (ms) | queries | response (KiB) |")
    print("|---|---:|---:|---:|")
    organizer = app.test_client()
    login(organizer, "bantochuc@dvk2022.vn", "bantochuc2022")
    base = f"/c/{args.slug}/organize/entries"
    requests = [
        ("first page", base),
        ("page 99", f"{base}?page=99" if last_page >= 99 else f"{base}?page={last_page}"),
        ("last page", f"{base}?page={last_page}"),
        ("sorted by title, descending, page 5", f"{base}?sort=title&dir=desc&page=5"),
        ("sorted by author", f"{base}?sort=authors"),
        ("search “nguyen”", f"{base}?q=nguyen"),
        ("search “tien lang”, page 2", f"{base}?q=tien+lang&page=2"),
        ("search “dvk-12”", f"{base}?q=dvk-12"),
        ("likely duplicates only", f"{base}?duplicates=y"),
        ("export to Excel, every entry", f"{base}.xlsx"),
        ("export to Excel, search “nguyen”", f"{base}.xlsx?q=nguyen"),
    ]
    for name, url in requests:
        seconds, queries, size = measure(engine, organizer, url, args.runs)
        print(f"| {name} | {seconds * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(ran in {time.perf_counter() - start:.0f} s)", file=sys.stderr)
