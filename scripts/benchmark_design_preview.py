#!/usr/bin/env python
"""Time the design page's live preview: one certificate drawn as a PNG (and as a PDF).

In one process, as a web worker runs it: the first (cold) preview, then warm
ones with the text changed each time (what the organizer typing causes), for
the administrative layout on A4 landscape, the centred one on A3 portrait, and
a pre-printed stock print. Prints a markdown table of medians (wall clock and
this process's CPU time: on a busy shared machine the CPU time is what an idle
one would take) and the cold time. Usage:

    .venv/bin/python scripts/benchmark_design_preview.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    start = time.perf_counter()
    from contest.certificates.designs import DEFAULT_STOCK
    from contest.certificates.printed import CertificateView, DesignView
    from contest.certificates.rendering import render_certificates, render_preview
    imported = time.perf_counter() - start

    base = CertificateView(
        title="Giấy chứng nhận", issuer_lines=("Ban Tổ chức cuộc thi", "“Dân vận khéo” xây dựng nông thôn mới"),
        preamble="Ban Tổ chức cuộc thi chứng nhận", recipient="Nguyễn Thị Thuỳ Dương",
        unit="Mặt trận Tổ quốc xã Tân Tiến",
        entry_title="Dân vận khéo trong xây dựng nông thôn mới kiểu mẫu ở xã Kiền Bái",
        prize="Giải A", contest_name="Tuyên truyền các mô hình “Dân vận khéo” xây dựng nông thôn mới năm 2022",
        place="Hải Phòng", day=20, month=12, year=2022, signer_title_lines=("TM. Ban Tổ chức", "Trưởng ban"),
        signer_name="Lê Trí Vũ", number="01/GCN-BTC", verify_url="https://dvk2022.example.vn/verify/abc")
    designs = {
        "administrative, A4 landscape": DesignView(),
        "centred, A3 portrait, Noto Sans": DesignView(layout="centred", paper="A3", orientation="portrait",
                                                      font="Noto Sans"),
        "pre-printed stock, A4 landscape": DesignView(mode="stock", stock_fields=DEFAULT_STOCK),
    }
    start = time.perf_counter()
    render_preview(replace(base, design=designs["administrative, A4 landscape"]))
    cold = time.perf_counter() - start

    print(f"import {imported:.2f} s; first preview in the process (cold) {cold:.2f} s; {args.runs} warm runs each\n")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| design | PNG wall median (ms) | PNG CPU median (ms) | PDF wall median (ms) | PDF CPU median (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, design in designs.items():
        png, png_cpu, pdf, pdf_cpu = [], [], [], []
        for n in range(args.runs):
            # A different text every time, as while typing: nothing can be served from a cache.
            view = replace(base, design=design, prize=f"Giải A {n}")
            start, cpu = time.perf_counter(), time.process_time()
            render_preview(view)
            png.append((time.perf_counter() - start) * 1000)
            png_cpu.append((time.process_time() - cpu) * 1000)
            start, cpu = time.perf_counter(), time.process_time()
            render_certificates([view])  # the page's PDF: drawn as the batch prints
            pdf.append((time.perf_counter() - start) * 1000)
            pdf_cpu.append((time.process_time() - cpu) * 1000)
        print(f"| {name} | {statistics.median(png):.0f} | {statistics.median(png_cpu):.0f} "
              f"| {statistics.median(pdf):.0f} | {statistics.median(pdf_cpu):.0f} |")


if __name__ == "__main__":
    main()
