"""Time closing a round and assigning the next one on a loaded demo (docs/benchmarks.md).

The demo closes its preliminary round itself; this script reopens it once (the
final's sheets and who went on are removed, in the benchmark's own database
only), then times the Rounds page (who would go on, worked out from the sheets)
and `close_round` (who goes on, the final's sheets assigned, balanced and
conflict-free; flushed, then rolled back, each run). Last it closes the round for
good, so the database ends where the demo did, and times the pages that show it:

    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/contest db upgrade
    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/contest demo --entries 50000 --judges 200
    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/python scripts/benchmark_rounds.py --runs 3
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select  # noqa: E402

from contest.extensions import db  # noqa: E402
from contest.models import Advancement, Assignment, Contest, RoundStatus, ScoreChange  # noqa: E402
from scripts.benchmarking import Instance, arguments, measure, timed  # noqa: E402


def reopen_first_round(slug: str) -> None:
    """Back to the preliminary round still open: the later rounds' sheets and who went on removed."""
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    first, later = contest.rounds[0], contest.rounds[1:]
    if first.is_open:
        return
    for round_ in later:
        db.session.execute(delete(ScoreChange).where(ScoreChange.round_id == round_.id))
        db.session.execute(delete(Assignment).where(Assignment.round_id == round_.id))
        db.session.execute(delete(Advancement).where(Advancement.round_id == round_.id))
        round_.status, round_.opened_at = RoundStatus.PENDING, None
    db.session.execute(delete(Advancement).where(Advancement.round_id == first.id))
    first.status, first.closed_at, first.closed_by = RoundStatus.OPEN, None, None
    db.session.commit()


def main() -> None:
    from contest.judging.rounds import close_round

    bench = Instance.open(arguments(__doc__))
    slug = bench.slug
    with bench.app.app_context():
        reopen_first_round(slug)
        contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
        if len(contest.rounds) < 2:
            raise SystemExit(f"{slug} is judged in one round: nothing to close")
        first = contest.rounds[0]
        sheets = db.session.scalar(select(func.count()).select_from(Assignment)
                                   .where(Assignment.round_id == first.id))
        print(f"{slug}: {bench.entries:,} entries, {sheets:,} sheets in round {first.code}\n")
    organizer = bench.client("bantochuc@dvk2022.vn")
    rounds_url = f"/c/{slug}/organize/rounds"
    print("| step | median (ms) | queries | HTML (KiB) |\n|---|---:|---:|---:|")
    seconds, queries, size = measure(bench.engine, organizer, rounds_url, bench.runs)
    print(f"| Rounds page, round {first.code} open (who would go on) | {seconds * 1000:.0f} | {queries} "
          f"| {size / 1024:.0f} |")
    with bench.app.app_context():
        def close():
            return close_round(db.session.scalar(select(Contest).where(Contest.slug == slug)), actor=None)

        seconds, queries, plan = timed(bench.engine, bench.runs, close)
        went_on, assigned, ties = len(plan.advancing), plan.assigned, len(plan.ties)
        print(f"| close_round: {went_on} go on ({ties} tie at the cut), {assigned:,} sheets of the next "
              f"round assigned (flushed, rolled back) | {seconds * 1000:.0f} | {queries} | – |")
        close()
        db.session.commit()
    for label, url in [("Rounds page, round closed", rounds_url),
                       (f"who went on from round {first.code}", f"{rounds_url}/{first.code}")]:
        seconds, queries, size = measure(bench.engine, organizer, url, bench.runs)
        print(f"| {label} | {seconds * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
