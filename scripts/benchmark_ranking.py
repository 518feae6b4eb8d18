"""Time the ranking under each method in process, and the ranking, progress, judges and judge's
sheet-list pages with their queries, on an existing instance (docs/benchmarks.md).

    DATABASE_URL=sqlite:////tmp/big/contest.db .venv/bin/python scripts/benchmark_ranking.py --runs 5

In process, each step runs in a fresh session (what a request pays); "compute_ranking"
is the whole ranking under one method: the sheets' stored totals, the method's and the
plain mean's scores and tiers in full, the other methods' tiers as far as their prizes
reach (for the marks and the summary line), and its rows. The ranking pages are timed
computed at each request, then kept (contest/results/cache.py), with the CPU time of each
request beside its wall time.
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contest.domain.aggregation import METHODS, score_round  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Assignment, Contest  # noqa: E402
from contest.results.cache import EXTENSION, RankingCache  # noqa: E402
from contest.results.ranking import compute_ranking  # noqa: E402
from contest.results.totals import UNIT, RoundSheets  # noqa: E402
from scripts.benchmarking import Instance, arguments, cpu_timed, measure_cpu  # noqa: E402


def page_cpu_table(bench: Instance, pages: list[tuple[str, object, str]]) -> None:
    """Like ``Instance.page_table``, with the median CPU time of the request beside its wall time."""
    print("| page | median (ms) | median CPU (ms) | queries | HTML (KiB) |\n|---|---:|---:|---:|---:|")
    for label, client, url in pages:
        wall, cpu, queries, size = measure_cpu(bench.engine, client, url, bench.runs)
        print(f"| {label} | {wall * 1000:.0f} | {cpu * 1000:.1f} | {queries} | {size / 1024:.0f} |")


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    with bench.app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.slug == bench.slug))
        round_ = contest.current_round
        sheets = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.round_id == round_.id))
        judges = db.session.scalar(select(func.count(func.distinct(Assignment.judge_id)))
                                   .where(Assignment.round_id == round_.id))
        print(f"{bench.entries:,} entries, {sheets:,} sheets in the round, {judges} judges\n")
        print("| step | median wall (ms) | median CPU (ms) | queries |\n|---|---:|---:|---:|")

        def row(label, step):
            wall, cpu, queries = cpu_timed(bench.engine, bench.runs, step)
            print(f"| {label} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {queries} |")

        row("sheet totals (stored on the sheets, one row each)", lambda: RoundSheets.load(round_))
        totals = RoundSheets.load(round_).totals
        for method in METHODS:
            row(f"score_round {method} (Python, from the totals)",
                lambda method=method: score_round(method, totals, unit=UNIT))
        gc.collect()
        for method in METHODS:
            row(f"compute_ranking {method}", lambda method=method: compute_ranking(contest, method))
        db.session.remove()
    print()
    organizer = bench.client("bantochuc@dvk2022.vn")
    judge = bench.client("giamkhao1@dvk2022.vn")
    rankings = [
        ("ranking (first 100 rows)", organizer, f"/c/{bench.slug}/organize/ranking"),
        ("ranking, zscore preview", organizer, f"/c/{bench.slug}/organize/ranking?method=zscore"),
        ("ranking, last page", organizer,
         f"/c/{bench.slug}/organize/ranking?page={max(1, -(-bench.entries // 100))}"),
    ]
    # Computed at each request (nothing kept), then kept from a first request.
    config = bench.app.config
    bench.app.extensions[EXTENSION] = RankingCache(0, 0)
    page_cpu_table(bench, [(f"{label}, computed", client, url) for label, client, url in rankings])
    bench.app.extensions[EXTENSION] = RankingCache(config["RANKING_CACHE_SIZE"], config["RANKING_CACHE_ROWS"])
    for _, client, url in rankings:
        client.get(url)
    print()
    page_cpu_table(bench, [(f"{label}, kept", client, url) for label, client, url in rankings]
                   + [("login (the aims' yardstick)", bench.app.test_client(), "/auth/login")])
    print()
    bench.page_table([
        ("progress", organizer, f"/c/{bench.slug}/organize/progress"),
        ("judges", organizer, f"/c/{bench.slug}/organize/judges"),
        ("judge's sheet list", judge, f"/c/{bench.slug}/judge/"),
        ("judge's sheet list (all)", judge, f"/c/{bench.slug}/judge/?show=all"),
    ])


if __name__ == "__main__":
    main()
