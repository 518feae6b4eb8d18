"""Time the secretariat's screening page and count its queries on an existing instance
(docs/benchmarks.md), e.g. one loaded with `contest demo --entries 50000 --judges 200`:

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_secretariat_pages.py --runs 5
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contest import create_app  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Contest, Entry  # noqa: E402
from contest.secretariat.services import SCREENING_PER_PAGE  # noqa: E402
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
    last = max(1, -(-entries // SCREENING_PER_PAGE))
    print(f"{entries:,} entries, {SCREENING_PER_PAGE} a page")
    print("| page | median (ms) | queries | HTML (KiB) |")
    print("|---|---:|---:|---:|")
    organizer = app.test_client()
    login(organizer, "bantochuc@dvk2022.vn", "bantochuc2022")
    base = f"/c/{args.slug}/organize/screening"
    for name, url in [
        ("screening, not screened, page 1", f"{base}"),
        ("screening, all, page 1", f"{base}?show=all"),
        (f"screening, all, last page ({last})", f"{base}?show=all&page={last}"),
        ("paper entry form", f"/c/{args.slug}/organize/paper-entry"),
    ]:
        seconds, queries, size = measure(engine, organizer, url, args.runs)
        print(f"| {name} | {seconds * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
