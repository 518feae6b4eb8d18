"""Time the progress and judges pages and the steps behind them on an existing instance
(docs/benchmarks.md), wall and CPU, with their SQL statements counted.

    DATABASE_URL=sqlite:////tmp/big/contest.db .venv/bin/python scripts/benchmark_progress.py --runs 5

In process, each step runs in a fresh session (what a request pays): the round's sheets
counted (``count_sheets``: each judge's sheets, their full sheets per total, the entries'
sheets), then from those counts the calibration (each shown judge's spread and box beside
the jury's), the overview and the judges' loads. The pages are timed through the Flask
test client, computed at each request (nothing kept: neither the counts nor the charts),
then kept from a first request; with SQLite the database's work is in the CPU figures too.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contest import charts  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.judging.progress import JUDGES_PER_PAGE  # noqa: E402
from contest.judging.services import judge_loads, judging_overview, judging_progress  # noqa: E402
from contest.judging.sheet_counts import count_sheets  # noqa: E402
from contest.models import Assignment, Contest, Round, User  # noqa: E402
from contest.results.cache import COUNTS_EXTENSION, RankingCache  # noqa: E402
from contest.results.calibration import calibration  # noqa: E402
from scripts.benchmarking import Instance, arguments, cpu_timed, measure_cpu  # noqa: E402


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    with bench.app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == bench.slug))
        round_ = contest.current_round
        sheets = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.round_id == round_.id))
        counts = count_sheets(round_)
        reading = judging_progress(contest, counts)
        shown = [p.judge.id for p in reading[:JUDGES_PER_PAGE]]
        print(f"{bench.entries:,} entries, {sheets:,} sheets in round {round_.code}, "
              f"{len(reading)} judges reading\n")

        def calibrated():
            # What the page hands over: its judges loaded, the round's counts; their spreads
            # worked out afresh.
            judges = sorted(db.session.scalars(select(User).where(User.id.in_(shown))), key=lambda u: shown.index(u.id))
            return calibration(db.session.get(Round, round_.id), judges, replace(counts, _spreads={}))

        print("| step | median wall (ms) | median CPU (ms) | queries |\n|---|---:|---:|---:|")
        for label, step in [
            ("the round's sheets counted", lambda: count_sheets(db.session.get(Round, round_.id))),
            (f"calibration from the counts ({len(shown)} judges shown, the jury)", calibrated),
            ("overview from the counts (the first entries waiting loaded)",
             lambda: judging_overview(contest, counts=counts)),
            ("judges' loads from the counts", lambda: judge_loads(contest, counts)),
        ]:
            wall, cpu, queries = cpu_timed(bench.engine, bench.runs, step)
            print(f"| {label} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {queries} |")
        db.session.remove()
    print()
    organizer = bench.client("bantochuc@dvk2022.vn")
    pages = [("progress", f"/c/{bench.slug}/organize/progress")]
    if len(reading) > JUDGES_PER_PAGE:
        pages.append(("progress, second page of judges", f"/c/{bench.slug}/organize/progress?page=2"))
    pages.append(("judges", f"/c/{bench.slug}/organize/judges"))
    # Computed at each request (as after every write: nothing kept), then kept from a first request.
    config, drawn_kept = bench.app.config, charts.DRAWN_KEPT
    bench.app.extensions[COUNTS_EXTENSION] = RankingCache(0, 0)
    charts.DRAWN_KEPT = 0
    print("| page | median wall (ms) | median CPU (ms) | queries |\n|---|---:|---:|---:|")
    for label, url in pages:
        wall, cpu, queries, _ = measure_cpu(bench.engine, organizer, url, bench.runs)
        print(f"| {label}, computed | {wall * 1000:.0f} | {cpu * 1000:.0f} | {queries} |")
    bench.app.extensions[COUNTS_EXTENSION] = RankingCache(config["RANKING_CACHE_SIZE"], config["RANKING_CACHE_ROWS"])
    charts.DRAWN_KEPT = drawn_kept
    for _, url in pages:
        organizer.get(url)
    for label, url in pages:
        wall, cpu, queries, _ = measure_cpu(bench.engine, organizer, url, bench.runs)
        print(f"| {label}, kept | {wall * 1000:.0f} | {cpu * 1000:.0f} | {queries} |")


if __name__ == "__main__":
    main()
