"""The CPU time one gunicorn worker spends per request on the login page, the organizer's
ranking page (kept) and a judge's sheet list, whatever else loads the machine
(docs/benchmarks.md).

    .venv/bin/python scripts/worker_cpu.py --database-url postgresql://127.0.0.1:5432/contest_lt

The database must hold the demo contest (scripts/loadtest.py leaves it there). One sync
worker, one client on 127.0.0.1; each page warmed with 5 requests, then --requests
requests timed by the worker's own CPU time (/proc), login, ranking and sheet list in turn,
twice.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from scripts.loadtest import SLUG, Client, start_gunicorn  # noqa: E402


def worker_seconds(master: int) -> float:
    """CPU seconds (user + system) of the master's one worker so far."""
    worker = Path(f"/proc/{master}/task/{master}/children").read_text().split()[0]
    fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        required="DATABASE_URL" not in os.environ)
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="contest-worker-cpu-"))
    server = start_gunicorn(argparse.Namespace(database_url=args.database_url, redis_url=None, workers=1,
                                               threads=1, port=args.port, verbose=False), instance)
    try:
        organizer = Client(args.port)
        organizer.log_in("bantochuc@dvk2022.vn", "bantochuc2022")
        judge = Client(args.port)
        judge.log_in("giamkhao1@dvk2022.vn", "giamkhao2022")
        pages = [("login", Client(args.port), "/auth/login"),
                 ("ranking (kept)", organizer, f"/c/{SLUG}/organize/ranking"),
                 ("judge's sheet list", judge, f"/c/{SLUG}/judge/")]
        print("| page | worker CPU per request (ms) |\n|---|---:|")
        for label, client, path in pages * 2:
            for _ in range(5):
                client.request("GET", path)
            before = worker_seconds(server.pid)
            for _ in range(args.requests):
                status, _ = client.request("GET", path)
                assert status == 200, (path, status)
            print(f"| {label} | {(worker_seconds(server.pid) - before) * 1000 / args.requests:.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
