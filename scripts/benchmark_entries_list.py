"""Time the organizer's entries list, its search, sort and export, and count their queries (docs/benchmarks.md).

Run it against a loaded demo (e.g. `contest demo --entries 50000 --judges 200` into
another instance folder):

    CONTEST_INSTANCE_PATH=/tmp/big .venv/bin/python scripts/benchmark_entries_list.py --runs 5
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.benchmarking import Instance, arguments  # noqa: E402


def main() -> None:
    bench = Instance.open(arguments(__doc__))
    last_page = (bench.entries + 49) // 50
    print(f"{bench.entries:,} entries, {last_page:,} pages of 50")
    organizer = bench.client("bantochuc@dvk2022.vn")
    base = f"/c/{bench.slug}/organize/entries"
    bench.page_table([(name, organizer, url) for name, url in [
        ("first page", base),
        ("page 99", f"{base}?page={min(99, last_page)}"),
        ("last page", f"{base}?page={last_page}"),
        ("sorted by title, descending, page 5", f"{base}?sort=title&dir=desc&page=5"),
        ("sorted by author", f"{base}?sort=authors"),
        ("search “nguyen”", f"{base}?q=nguyen"),
        ("search “tien lang”, page 2", f"{base}?q=tien+lang&page=2"),
        ("search “dvk-12”", f"{base}?q=dvk-12"),
        ("likely duplicates only", f"{base}?duplicates=y"),
        ("export to Excel, every entry", f"{base}.xlsx"),
        ("export to Excel, search “nguyen”", f"{base}.xlsx?q=nguyen"),
    ]], first="request")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(ran in {time.perf_counter() - start:.0f} s)", file=sys.stderr)
