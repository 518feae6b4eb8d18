"""Time assign_balanced on large panels (docs/benchmarks.md).

    .venv/bin/python scripts/benchmark_assignment.py               # 380×9, 5,000×40, 50,000×200, k=3
    .venv/bin/python scripts/benchmark_assignment.py --runs 5
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.domain.assignment import assign_balanced  # noqa: E402

SIZES = [(380, 9, 3), (5000, 40, 3), (50000, 200, 3)]


def run(entries: int, judges: int, k: int, conflicts: int, seed: int = 2022) -> tuple[float, int, int]:
    rng = random.Random(seed)
    entry_ids = list(range(entries))
    judge_ids = [f"j{i}" for i in range(judges)]
    excluded = {(rng.randrange(entries), rng.choice(judge_ids)) for _ in range(conflicts)}
    start = time.perf_counter()
    pairs = assign_balanced(entry_ids, judge_ids, k, excluded=excluded)
    elapsed = time.perf_counter() - start
    load = Counter(j for _, j in pairs)
    return elapsed, len(pairs), max(load.values()) - min(load.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print("| entries × judges, k | conflicts | median (s) | runs (s) | sheets | load spread |")
    print("|---|---:|---:|---|---:|---:|")
    for entries, judges, k in SIZES:
        for conflicts in (0, entries // 10):
            results = [run(entries, judges, k, conflicts) for _ in range(args.runs)]
            times = [r[0] for r in results]
            print(f"| {entries:,} × {judges}, k={k} | {conflicts:,} | {statistics.median(times):.3f} | "
                  f"{', '.join(f'{t:.3f}' for t in times)} | {results[0][1]:,} | {results[0][2]} |")


if __name__ == "__main__":
    main()
