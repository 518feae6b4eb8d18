"""Time the secretariat's screening page and count its queries on an existing instance
(docs/benchmarks.md), e.g. one loaded with `contest demo --entries 50000 --judges 200`:

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_secretariat_pages.py --runs 5
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.secretariat.services import SCREENING_PER_PAGE  # noqa: E402
from scripts.benchmarking import Instance, arguments  # noqa: E402


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    last = max(1, -(-bench.entries // SCREENING_PER_PAGE))
    print(f"{bench.entries:,} entries, {SCREENING_PER_PAGE} a page")
    organizer = bench.client("bantochuc@dvk2022.vn")
    base = f"/c/{bench.slug}/organize/screening"
    bench.page_table([
        ("screening, not screened, page 1", organizer, f"{base}"),
        ("screening, all, page 1", organizer, f"{base}?show=all"),
        (f"screening, all, last page ({last})", organizer, f"{base}?show=all&page={last}"),
        ("paper entry form", organizer, f"/c/{bench.slug}/organize/paper-entry"),
    ])


if __name__ == "__main__":
    main()
