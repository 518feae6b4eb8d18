"""What the benchmark scripts share: an instance opened, demo logins, pages and steps timed
with their SQL statements counted, and the Markdown tables docs/benchmarks.md holds.

A page benchmark reads like this::

    bench = Instance.open(arguments(__doc__))
    organizer = bench.client("bantochuc@dvk2022.vn")
    bench.page_table([("first page", organizer, f"/c/{bench.slug}/organize/entries")])
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from contest import create_app  # noqa: E402
from contest.extensions import db  # noqa: E402
from contest.models import Contest, Entry  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DEMO_PASSWORDS = {"bantochuc@dvk2022.vn": "bantochuc2022", "tacgia@dvk2022.vn": "tacgia2022",
                  **{f"giamkhao{n}@dvk2022.vn": "giamkhao2022" for n in range(1, 201)}}


def arguments(doc: str, *extra: Callable[[argparse.ArgumentParser], object]) -> argparse.Namespace:
    """``--runs`` and ``--slug``, plus what each ``extra(parser)`` adds."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slug", default="dvk-2022")
    for add in extra:
        add(parser)
    return parser.parse_args()


def login(client, email: str, password: str) -> None:
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    assert client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token}).status_code == 302


@contextmanager
def counted_statements(engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(engine, client, url: str, runs: int) -> tuple[float, int, int]:
    """Median seconds, statements and response bytes of GET ``url``; each request in its
    own app context and session, as in production."""
    seconds, _, statements, size = measure_cpu(engine, client, url, runs)
    return seconds, statements, size


def measure_cpu(engine, client, url: str, runs: int) -> tuple[float, float, int, int]:
    """Like ``measure``, with the median CPU seconds of the request beside its wall time."""
    times: list[float] = []
    cpus: list[float] = []
    with counted_statements(engine) as statements:
        for _ in range(runs):
            statements.clear()
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), statistics.median(cpus), len(statements), len(response.get_data())


def timed(engine, runs: int, step: Callable[[], object]) -> tuple[float, int, object]:
    """Median seconds and statements of ``step()`` over ``runs``, each rolled back."""
    seconds: list[float] = []
    queries, result = 0, None
    for _ in range(runs):
        with counted_statements(engine) as statements:
            start = time.perf_counter()
            try:
                result = step()
            finally:
                seconds.append(time.perf_counter() - start)
                db.session.rollback()
                db.session.expire_all()
        queries = len(statements)
    return statistics.median(seconds), queries, result


def cpu_timed(engine, runs: int, step: Callable[[], object]) -> tuple[float, float, int]:
    """Median wall and CPU seconds, and statements, of ``step()`` (as ``timed``)."""
    cpus: list[float] = []

    def measured():
        start = time.process_time()
        step()
        cpus.append(time.process_time() - start)

    seconds, queries, _ = timed(engine, runs, measured)
    return seconds, statistics.median(cpus), queries


@dataclass
class Instance:
    """The app on the instance the environment names, with one contest's size."""

    app: Flask
    engine: object
    slug: str
    runs: int
    entries: int

    @classmethod
    def open(cls, args: argparse.Namespace) -> Instance:
        app = create_app()
        with app.app_context():
            contest = db.session.scalar(select(Contest).where(Contest.slug == args.slug))
            if contest is None:
                raise SystemExit(f"no contest {args.slug!r} here: load one with `contest demo`")
            entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.contest_id == contest.id))
            engine = db.engine
            db.session.remove()
        return cls(app, engine, args.slug, args.runs, entries)

    def client(self, email: str):
        """A test client logged in as one of the demo's people."""
        client = self.app.test_client()
        login(client, email, DEMO_PASSWORDS[email])
        return client

    def page_table(self, pages: list[tuple[str, object, str]], first: str = "page") -> None:
        """One Markdown row per (label, client, url): median ms, statements, KiB."""
        print(f"| {first} | median (ms) | queries | HTML (KiB) |\n|---|---:|---:|---:|")
        for label, client, url in pages:
            seconds, queries, size = measure(self.engine, client, url, self.runs)
            print(f"| {label} | {seconds * 1000:.0f} | {queries} | {size / 1024:.0f} |")
