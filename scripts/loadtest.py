#!/usr/bin/env python3
"""Load test: gunicorn + PostgreSQL on 127.0.0.1, judges saving score sheets, organizers
opening the ranking; throughput, p95, errors and lost writes (docs/benchmarks.md).

    .venv/bin/python scripts/loadtest.py --database-url postgresql://127.0.0.1:5432/contest_lt --reset

The database is emptied (--reset) and filled with the demo contest (380 entries;
--judges judges, 3 per entry, every sheet in). Then, each phase for --seconds
with --clients clients on keep-alive connections:

  static   GET /static/css/app.css         (what the same workers serve at best)
  login    GET /auth/login                 (the yardstick of the aims: a small page)
  score    GET a judge's score page        (each client logged in as a judge)
  sheets   GET a judge's sheet list        (the judge's own sheets in the open round)
  ranking  GET the organizer's ranking     (its first page, under the round's method)
  mixed    the judges submit corrected score sheets (GET the page, POST the form)
           while --organizers organizers open the ranking

After the mixed phase every sheet a judge saved is read back from the database:
a value that differs from the judge's last saved one is a lost write. Requests
go to 127.0.0.1 only; every loop stops at its deadline.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SLUG = "dvk-2022"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POINTS = re.compile(r'name="(points_\d+)"[^>]*max="([\d.]+)"|max="([\d.]+)"[^>]*name="(points_\d+)"')


class Client:
    """One browser: a keep-alive connection to 127.0.0.1 and its cookies."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def log_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/auth/login")
        token = CSRF.search(page).group(1)
        status, _ = self.request("POST", "/auth/login", {"email": email, "password": password,
                                                         "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login of {email} answered {status}")


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, name: str, call, ok=lambda status: status == 200):
        start = time.perf_counter()
        try:
            status, text = call()
        except (OSError, http.client.HTTPException):
            status, text = None, ""
        elapsed = time.perf_counter() - start
        with self.lock:
            if status is not None and ok(status):
                self.times.setdefault(name, []).append(elapsed)
            else:
                self.errors[name] = self.errors.get(name, 0) + 1
        return status, text


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


def run_phase(clients: list, work, seconds: float) -> float:
    """Every client runs ``work(client, deadline)`` in its own thread; returns the wall time."""
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=work, args=(c, deadline)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def prepare(database_url: str, judges: int, entries: int, reset: bool) -> dict:
    """The demo contest in the database; what the clients need to know of it."""
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import inspect, select, text

    from config import Config
    from contest import create_app
    from contest.demo import load_demo
    from contest.extensions import db
    from contest.models import Assignment, Contest, Entry, User

    app = create_app(Config)
    with app.app_context():
        tables = inspect(db.engine).get_table_names()
        if tables and not reset:
            raise SystemExit("the database is not empty: give a throwaway database and --reset")
        if tables:
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        started = time.perf_counter()
        load_demo(entries=entries, judges=judges, seed=2022)
        db.session.commit()
        print(f"demo loaded: {entries} entries, {judges} judges in {time.perf_counter() - started:.0f} s")
        contest = db.session.scalar(select(Contest).where(Contest.slug == SLUG))
        rows = db.session.execute(
            select(User.email, Entry.code).join(Assignment, Assignment.judge_id == User.id)
            .join(Entry, Entry.id == Assignment.entry_id)
            .where(Entry.contest_id == contest.id, Assignment.round_id == contest.current_round.id)
            .order_by(User.email, Entry.code)).all()
        sheets: dict[str, list[str]] = {}
        for email, code in rows:
            sheets.setdefault(email, []).append(code)
        round_id = contest.current_round.id
        db.engine.dispose()
    return {"app": app, "sheets": sheets, "round_id": round_id}


def read_back(app, saved: dict, round_id: int) -> tuple[int, int]:
    """(sheets checked, lost writes): the database against each judge's last saved values."""
    from sqlalchemy import select

    from contest.extensions import db
    from contest.models import Assignment, Criterion, Entry, Score, User

    lost = 0
    with app.app_context():
        for (email, code), values in saved.items():
            rows = db.session.execute(
                select(Criterion.id, Score.points).join(Score.criterion).join(Score.assignment)
                .join(Entry, Entry.id == Assignment.entry_id).join(User, User.id == Assignment.judge_id)
                .where(User.email == email, Entry.code == code, Assignment.round_id == round_id)).all()
            stored = {f"points_{cid}": format(points.normalize(), "f") for cid, points in rows}
            if stored != values:
                lost += 1
        db.engine.dispose()
    return len(saved), lost


def start_gunicorn(args, instance: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": args.database_url, "CONTEST_INSTANCE_PATH": str(instance),
           "SECRET_KEY": "load-test-" + os.urandom(8).hex()}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    gunicorn = shutil.which("gunicorn", path=str(PROJECT / ".venv" / "bin")) or "gunicorn"
    log = "-" if args.verbose else "/dev/null"
    proc = subprocess.Popen([gunicorn, "--workers", str(args.workers), "--threads", str(args.threads),
                             "--bind", f"127.0.0.1:{args.port}", "--access-logfile", log,
                             "contest:create_app()"], cwd=PROJECT, env=env)
    for _ in range(150):
        try:
            if Client(args.port).request("GET", "/healthz")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        required="DATABASE_URL" not in os.environ)
    parser.add_argument("--reset", action="store_true", help="empty the database first (a throwaway one!)")
    parser.add_argument("--redis-url", default=None, help="rate limits in Redis, as in production")
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--judges", type=int, default=30)
    parser.add_argument("--organizers", type=int, default=3)
    parser.add_argument("--entries", type=int, default=380)
    parser.add_argument("--clients", type=int, default=30, help="clients in the single-page phases")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgresql://", "postgres://")):
        raise SystemExit("the load test runs on PostgreSQL, as production does")

    fixture = prepare(args.database_url, args.judges, args.entries, args.reset)
    sheets = fixture["sheets"]
    judges = sorted(sheets)
    instance = Path(tempfile.mkdtemp(prefix="contest-loadtest-"))
    server = start_gunicorn(args, instance)
    tally = Tally()
    try:
        def logged_in(email: str, password: str) -> Client:
            client = Client(args.port)
            client.log_in(email, password)
            return client

        judge_clients = [(logged_in(email, "giamkhao2022"), email) for email in judges]
        organizer_clients = [logged_in("bantochuc@dvk2022.vn", "bantochuc2022")
                             for _ in range(max(args.organizers, 1))]
        walls: dict[str, float] = {}

        def loop(name: str, path_of):
            def work(item, deadline):
                client, who = item
                while time.perf_counter() < deadline:
                    tally.timed(name, lambda: client.request("GET", path_of(who)))
            return work

        pool = [(Client(args.port), None) for _ in range(args.clients)]
        walls["static"] = run_phase(pool, loop("static", lambda _: "/static/css/app.css"), args.seconds)
        login_pool = [(Client(args.port), None) for _ in range(args.clients)]
        walls["login"] = run_phase(login_pool, loop("login", lambda _: "/auth/login"), args.seconds)
        judges_pool = [judge_clients[i % len(judge_clients)] for i in range(args.clients)]
        score_paths = {email: f"/c/{SLUG}/judge/{sheets[email][0]}" for email in judges}
        walls["score"] = run_phase(judges_pool[:len(judge_clients)],
                                   loop("score", lambda email: score_paths[email]), args.seconds)
        walls["sheets"] = run_phase(judges_pool[:len(judge_clients)],
                                    loop("sheets", lambda _: f"/c/{SLUG}/judge/"), args.seconds)
        ranking_pool = [(logged_in("bantochuc@dvk2022.vn", "bantochuc2022"), None)
                        for _ in range(args.clients)]
        walls["ranking"] = run_phase(ranking_pool, loop("ranking", lambda _: f"/c/{SLUG}/organize/ranking"),
                                     args.seconds)

        saved: dict[tuple[str, str], dict[str, str]] = {}
        saved_lock = threading.Lock()

        def judge_work(item, deadline):
            client, email = item
            rng = random.Random(email)
            codes = sheets[email]
            n = 0
            while time.perf_counter() < deadline:
                code = codes[n % len(codes)]
                n += 1
                path = f"/c/{SLUG}/judge/{code}"
                status, page = tally.timed("mixed: score page", lambda: client.request("GET", path))
                if status != 200:
                    continue
                fields = {m[0] or m[3]: float(m[1] or m[2]) for m in POINTS.findall(page)}
                values = {name: format(rng.randrange(0, int(top * 2) + 1) / 2, "g")
                          for name, top in fields.items()}
                form = {"csrf_token": CSRF.search(page).group(1), "comment": f"Lần chấm {n}",
                        "submit_scores": "1", **values}
                status, _ = tally.timed("mixed: save sheet", lambda: client.request("POST", path, form),
                                        ok=lambda s: s == 302)
                if status == 302:
                    with saved_lock:
                        saved[(email, code)] = values

        def organizer_work(item, deadline):
            client, _ = item
            while time.perf_counter() < deadline:
                tally.timed("mixed: ranking", lambda: client.request("GET", f"/c/{SLUG}/organize/ranking"))

        # Each item runs its own loop: the judges' clients save sheets, the organizers' open the ranking.
        mixed = [(judge_work, item) for item in judge_clients] + \
                [(organizer_work, (client, None)) for client in organizer_clients]
        walls["mixed"] = run_phase(mixed, lambda task, deadline: task[0](task[1], deadline), args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)

    checked, lost = read_back(fixture["app"], saved, fixture["round_id"])
    static_rate = len(tally.times.get("static", [])) / walls["static"]
    login_rate = len(tally.times.get("login", [])) / walls["login"]
    print(f"\nMachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; gunicorn "
          f"{args.workers} workers × {args.threads} thread(s); {args.judges} judges, {args.entries} entries; "
          f"{args.seconds:.0f} s per phase\n")
    print("| phase | requests | errors | per second | vs static | vs login | median (ms) | p95 (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("static", "login", "score", "sheets", "ranking", "mixed: score page", "mixed: save sheet",
                 "mixed: ranking"):
        times = tally.times.get(name, [])
        wall = walls[name.split(":")[0]]
        rate = len(times) / wall
        single = name in ("login", "score", "sheets", "ranking")
        share = f"{rate / static_rate:.0%}" if single else ""
        vs_login = f"{rate / login_rate:.0%}" if single and name != "login" else ""
        median = statistics.median(times) * 1000 if times else 0
        print(f"| {name} | {len(times)} | {tally.errors.get(name, 0)} | {rate:.1f} | {share} | {vs_login} | "
              f"{median:.0f} | {p95(times) * 1000:.0f} |")
    print(f"\nSheets saved in the mixed phase and read back: {checked}; lost writes: {lost}")
    if sum(tally.errors.values()) or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
