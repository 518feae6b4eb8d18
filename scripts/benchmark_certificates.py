#!/usr/bin/env python
"""Time certificate PDFs: the batch (one document) against one document per certificate.

For 16 and for 380 certificates (the seed contest's prizes and its entry count)
it runs, on the same generated Vietnamese data:

  batch             render_certificates() as the app calls it: WeasyPrint lays
                    out each design once, the text engine sets the texts;
  batch-weasyprint  the same with the texts laid out by WeasyPrint in strips
                    (what a font the text engine cannot set gets);
  naive             a loop writing one WeasyPrint document per certificate.

Each method runs in a fresh process, 3 times; the median wall time and the
peak resident memory (the process and any process it starts, summed) are
printed as a markdown table. Usage:

    .venv/bin/python scripts/benchmark_certificates.py [--sizes 16 380] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METHODS = ("batch", "batch-weasyprint", "naive")


def sample_views(count: int, seed: int = 2022) -> list:
    """``count`` certificates shaped like the seed contest's, with generated names and titles."""
    from faker import Faker

    from contest.certificates.rendering import CertificateView
    from contest.demo import COMMUNES, MODELS, TITLES, UNITS

    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    views = []
    for seq in range(1, count + 1):
        district = rng.choice(sorted(COMMUNES))
        commune = rng.choice(COMMUNES[district])
        model = rng.choice(MODELS)
        unit = rng.choice(UNITS).format(commune=commune, district=district)
        title = rng.choice(TITLES).format(model=model, model_lower=model.lower(),
                                          commune=commune, district=district)
        collective = rng.random() < 0.2
        recipient = (f"Tập thể {unit}" if collective
                     else ", ".join(fake.name() for _ in range(rng.choice((1, 1, 1, 2, 3)))))
        prize = "Giải A" if seq <= 2 else "Giải B" if seq <= 6 else "Giải C"
        views.append(CertificateView(
            title="Giấy chứng nhận",
            issuer_lines=("Ban Tổ chức cuộc thi", "“Dân vận khéo” xây dựng nông thôn mới"),
            preamble="Ban Tổ chức cuộc thi chứng nhận",
            recipient=recipient, unit=unit, entry_title=title, prize=prize,
            contest_name="Tuyên truyền các mô hình “Dân vận khéo” xây dựng nông thôn mới năm 2022",
            place="Hải Phòng", day=20, month=12, year=2022,
            signer_title_lines=("TM. Ban Tổ chức", "Trưởng ban"), signer_name="Lê Trí Vũ",
            number=f"{seq:02d}/GCN-BTC",
            verify_url=f"https://dvk2022.example.vn/verify/{rng.getrandbits(96):024x}",
        ))
    return views


class ProcessTree(threading.Thread):
    """Samples this process and its descendants (Linux /proc): peak memory, CPU time.

    getrusage sees only this process; sampling every 50 ms also sees any process
    a method starts (none does today).
    """

    TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval, self.running = interval, True
        self.peak_kb = 0
        self.cpu_ticks: dict[int, int] = {}

    def sample(self) -> None:
        stats: dict[int, list[str]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                stats[int(stat.parent.name)] = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
        tree, grown = {os.getpid()}, True
        while grown:
            grown = {pid for pid, fields in stats.items() if int(fields[1]) in tree} - tree
            tree |= grown
        total_kb = 0
        for pid in tree:
            fields = stats[pid]
            # utime and stime are fields 14 and 15 of /proc/PID/stat (12, 13 after the name).
            self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), int(fields[11]) + int(fields[12]))
            total_kb += int(fields[21]) * resource.getpagesize() // 1024
        self.peak_kb = max(self.peak_kb, total_kb)

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(self.interval)

    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / self.TICKS


def run_method(method: str, count: int, runs: int) -> dict:
    """In this (fresh) process: time ``method`` ``runs`` times on ``count`` certificates."""
    from contest.certificates.rendering import render_certificates, render_document

    views = sample_views(count)
    tree = ProcessTree()
    if Path("/proc/self/stat").exists():
        tree.sample()
        cpu_before = tree.cpu_seconds()
        tree.start()
    times, sizes = [], []
    for _ in range(runs):
        start = time.perf_counter()
        if method == "batch":
            sizes.append(len(render_certificates(views)))
        elif method == "batch-weasyprint":
            sizes.append(len(render_certificates(views, text_engine="weasyprint")))
        else:
            sizes.append(sum(len(render_document([view])) for view in views))
        times.append(time.perf_counter() - start)
    own_peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "median": statistics.median(times),
        "times": times,
        "bytes": sizes[-1],
        "rss_mb": own_peak_kb / 1024,
        "tree_rss_mb": own_peak_kb / 1024,
        "cpu_per_run": None,
    }
    if tree.is_alive():
        tree.running = False
        tree.join()
        tree.sample()
        result["tree_rss_mb"] = max(tree.peak_kb, own_peak_kb) / 1024
        result["cpu_per_run"] = (tree.cpu_seconds() - cpu_before) / runs
    return result


def measure(method: str, count: int, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", method, str(count), str(runs)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine() -> str:
    import weasyprint

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpus} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
            f"{platform.system()} {platform.release()}, load average at start "
            f"{os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 380])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, count, runs = args.child
        print(json.dumps(run_method(method, int(count), int(runs))))
        return

    print(f"Machine: {machine()}\n")
    print("| certificates | method | median (s) | per certificate (ms) | runs (s) | CPU per run (s) "
          "| PDF size | peak memory (MB) |")
    print("|---:|---|---:|---:|---|---:|---:|---:|")
    for count in args.sizes:
        for method in METHODS:
            r = measure(method, count, args.runs)
            runs = ", ".join(f"{t:.2f}" for t in r["times"])
            rss = f"{r['rss_mb']:.0f}"
            if r["tree_rss_mb"] > r["rss_mb"] * 1.05:
                rss += f" ({r['tree_rss_mb']:.0f} summed over its processes)"
            cpu = f"{r['cpu_per_run']:.2f}" if r["cpu_per_run"] is not None else "—"
            print(f"| {count} | {method} | {r['median']:.2f} | {1000 * r['median'] / count:.0f} | "
                  f"{runs} | {cpu} | {r['bytes'] / 1024:.0f} KiB | {rss} |", flush=True)


if __name__ == "__main__":
    main()
