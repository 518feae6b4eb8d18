#!/usr/bin/env python
"""A background print batch of participation certificates, through the job queue.

Creates a contest from docs/contest-example.toml with a participation
certificate ("TG", awarded to every eligible entry), N generated entries and
their N certificates, in a new SQLite database under a temporary folder; then
queues the batch as the certificates page does (``start_batch``) and lets a
worker run it (Huey's SQLite queue, ``contest worker --drain`` in a separate
process, as `scripts/demo` runs it beside the web server). It polls the job's
JSON status as the page's script does and prints the progress over time, the
wall time, the pages per second, the file size, and the worker's peak memory
(its own and its layout processes'). Usage:

    .venv/bin/python scripts/benchmark_batch.py [--entries 5000] [--chunk 400]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(entries: int) -> int:
    """The contest, its entries and certificates; returns the job id, queued."""
    import random

    from faker import Faker
    from sqlalchemy import insert

    from contest.admin.setup import apply_contest_settings, parse_contest_file
    from contest.certificates.batches import start_batch
    from contest.certificates.services import issue_certificates
    from contest.demo import COMMUNES, SETTINGS_FILE, TITLES, UNITS, vietnamese_name
    from contest.extensions import db
    from contest.models import AwardedTo, ContestPhase, DocumentKind, Entry, EntryAuthor
    from contest.models.types import utcnow

    contest = apply_contest_settings(parse_contest_file(SETTINGS_FILE.read_bytes()))
    contest.documents.append(DocumentKind(
        code="TG", title="Giấy chứng nhận", awarded_to=AwardedTo.PARTICIPATION,
        issuer="Ban Tổ chức cuộc thi\n“Dân vận khéo” xây dựng nông thôn mới",
        preamble="Ban Tổ chức cuộc thi chứng nhận tác giả", signer_title="TM. Ban Tổ chức\nTrưởng ban",
        signer_name="Lê Trí Vũ", number_format="{seq:05d}/TG-BTC"))
    db.session.flush()
    rng, fake = random.Random(2022), Faker("vi_VN")
    fake.seed_instance(2022)
    rows, authors = [], []
    for n in range(1, entries + 1):
        district = rng.choice(sorted(COMMUNES))
        commune = rng.choice(COMMUNES[district])
        rows.append(dict(contest_id=contest.id, code=f"DVK-{n:05d}", category_id=contest.categories[0].id,
                         title=rng.choice(TITLES).format(model="Con đường hoa", model_lower="con đường hoa",
                                                         commune=commune, district=district),
                         author_kind="individual", organization=rng.choice(UNITS).format(
                             commune=commune, district=district), submitted_at=utcnow(), updated_at=utcnow()))
    db.session.execute(insert(Entry), rows)
    ids = db.session.scalars(db.select(Entry.id).where(Entry.contest_id == contest.id).order_by(Entry.code)).all()
    db.session.execute(insert(EntryAuthor), [dict(entry_id=i, position=0, name=vietnamese_name(fake)) for i in ids])
    contest.phase = ContestPhase.FINALIZED
    db.session.flush()
    issue_certificates(contest, [], utcnow())
    job = start_batch(next(k for k in contest.documents if k.code == "TG"), actor=None)
    db.session.commit()
    return job.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--chunk", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="contest-batch-"))
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'contest.db'}", CONTEST_INSTANCE_PATH=str(folder),
               CERTIFICATE_BATCH_CHUNK=str(args.chunk), PUBLIC_BASE_URL="https://cuocthi.example.vn")
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    contest_cli = Path(sys.executable).with_name("contest")
    subprocess.run([str(contest_cli), "db", "upgrade"], env=env, check=True, capture_output=True)

    from config import Config
    from contest import create_app

    Config.SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
    Config.INSTANCE_PATH = folder
    app = create_app(Config)
    with app.app_context():
        started = time.perf_counter()
        job_id = prepare(args.entries)
        print(f"{args.entries} entries and certificates created in {time.perf_counter() - started:.1f} s")

    # The worker: a separate process, as in production (GNU time reports its peak memory).
    timing = folder / "time.txt"
    started = time.perf_counter()
    worker = subprocess.Popen(["/usr/bin/time", "-f", "%M %e", "-o", str(timing), str(contest_cli), "worker",
                               "--drain"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = app.test_client()
    with app.app_context():
        from contest.auth.services import upsert_user
        from contest.extensions import db
        from contest.models import Role

        upsert_user("bench@example.vn", "Bench", [Role.ORGANIZER], "a-long-benchmark-password")
        db.session.commit()
    from scripts.benchmarking import login

    login(client, "bench@example.vn", "a-long-benchmark-password")  # with the form's CSRF token
    seen = []
    while True:  # as the page's script does: the job's status, every half second
        with app.app_context():
            from contest.extensions import db
            from contest.models import Job

            job = db.session.get(Job, job_id)
            status = (job.status.value, job.done, job.total)
            db.session.remove()
        if not seen or seen[-1][1:] != status:
            seen.append((time.perf_counter() - started, *status))
            print(f"  {seen[-1][0]:6.1f} s  {status[0]:8} {status[1]:>5} / {status[2]}")
        if status[0] in ("done", "failed") or worker.poll() is not None and status[0] != "running":
            break
        time.sleep(0.5)
    worker.wait()
    elapsed = time.perf_counter() - started
    peak_kb, _ = timing.read_text().split()
    pdf = next((folder / "jobs").glob("*.pdf"), None)
    from pypdf import PdfReader

    pages = len(PdfReader(pdf).pages) if pdf else 0
    print(f"\nstatus {seen[-1][1]}, {pages} pages in {elapsed:.1f} s ({pages / elapsed:.0f} pages/s), "
          f"file {pdf.stat().st_size / 1e6:.1f} MB, worker peak RSS {int(peak_kb) / 1024:.0f} MB "
          f"(the largest of its processes)")
    if seen[-1][1] != "done":
        print(worker.stderr.read().decode()[-2000:])
    time_pages(client)


def time_pages(client) -> None:
    """The organizer's pages over this many certificates: median of 5 requests each."""
    import statistics

    print("\n| page | median |\n|---|---|")
    for path in ("/c/dvk-2022/organize/certificates", "/c/dvk-2022/organize/register",
                 "/c/dvk-2022/organize/register?document=TG&page=40", "/c/dvk-2022/organize/register.xlsx"):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        print(f"| `{path}` | {statistics.median(times) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
