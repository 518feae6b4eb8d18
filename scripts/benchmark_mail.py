"""Time mail and the pages it touches on an existing instance (docs/benchmarks.md).

Run it against a loaded demo in its own instance folder, never the real one: it fills
the outbox with receipts (``--mails``) and delivers some to an SMTP server it starts.

    DATABASE_URL=sqlite:////tmp/bench/c.db CONTEST_INSTANCE_PATH=/tmp/bench/inst \\
        .venv/bin/python scripts/benchmark_mail.py --mails 50000 --deliver 500
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from contest.extensions import db  # noqa: E402
from contest.jobs import jobs  # noqa: E402
from contest.mail import absolute_url, mailer, queue_mail  # noqa: E402
from contest.models import Contest, Entry, MailStatus, OutgoingMail, User  # noqa: E402
from scripts.benchmarking import Instance, arguments  # noqa: E402


def fill_outbox(app, slug: str, wanted: int) -> float:
    """Queue receipts until the outbox holds ``wanted`` mails; returns ms per mail queued."""
    with app.app_context():
        have = db.session.scalar(select(func.count(OutgoingMail.id))) or 0
        contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
        entries = list(db.session.scalars(
            select(Entry).where(Entry.contest_id == contest.id)
            .options(selectinload(Entry.files), selectinload(Entry.authors),
                     selectinload(Entry.category), selectinload(Entry.submitted_by))))
        start, queued = time.perf_counter(), 0
        while have + queued < wanted:
            entry = entries[queued % len(entries)]
            to = entry.submitted_by or entry.email or "tacgia@dvk2022.vn"
            queue_mail(to, "receipt", contest=contest, entry=entry,
                       receipt_url=absolute_url("entries.receipt", slug=slug, code=entry.code))
            queued += 1
            if queued % 1000 == 0:
                db.session.commit()
        db.session.commit()
        db.session.remove()
        return (time.perf_counter() - start) * 1000 / queued if queued else 0.0


def deliver(app, count: int) -> tuple[float, int]:
    """Deliver ``count`` queued mails to a local SMTP server: (mails per second, received)."""
    from aiosmtpd.controller import Controller

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=8126)
    controller.start()
    try:
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=8126,
                          MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_USERNAME=None,
                          MAIL_PASSWORD=None)
        mailer.init_app(app)
        start = time.perf_counter()
        ran = jobs.run_pending(limit=count)
        elapsed = time.perf_counter() - start
    finally:
        controller.stop()
    return ran / elapsed, Sink.received


def main() -> None:
    args = arguments(__doc__,
                     lambda p: p.add_argument("--mails", type=int, default=50_000,
                                              help="fill the outbox up to this many"),
                     lambda p: p.add_argument("--deliver", type=int, default=500,
                                              help="then deliver this many over SMTP"))
    bench = Instance.open(args)
    app = bench.app
    per_mail = fill_outbox(app, args.slug, args.mails)
    with app.app_context():
        mails = db.session.scalar(select(func.count(OutgoingMail.id)))
        author = db.session.scalar(select(User).where(User.email == "tacgia@dvk2022.vn"))
        author_entries = db.session.scalar(select(func.count(Entry.id))
                                           .where(Entry.submitted_by_id == author.id))
        db.session.remove()
    last_page = (mails + 49) // 50
    print(f"{bench.entries:,} entries, {mails:,} mails in the outbox; queue_mail (render + insert) "
          f"{per_mail:.2f} ms per receipt")
    organizer, author_client = (bench.client(email) for email in (
        "bantochuc@dvk2022.vn", "tacgia@dvk2022.vn"))
    bench.page_table([
        ("outbox, page 1", organizer, "/organize/outbox"),
        (f"outbox, page {last_page}", organizer, f"/organize/outbox?page={last_page}"),
        ("outbox, failed only", organizer, "/organize/outbox?status=failed"),
        ("entries list, page 1", organizer, f"/c/{args.slug}/organize/entries"),
        ("contest dashboard", organizer, f"/c/{args.slug}/organize/"),
        (f"my entries ({author_entries})", author_client, "/my/entries"),
        ("submit form", author_client, f"/c/{args.slug}/submit"),
    ])
    if args.deliver:
        rate, received = deliver(app, args.deliver)
        with app.app_context():
            sent = db.session.scalar(select(func.count(OutgoingMail.id))
                                     .where(OutgoingMail.status == MailStatus.SENT))
        print(f"delivery over SMTP to a local server: {rate:.0f} mails/s "
              f"({received} received, {sent} marked sent)")


if __name__ == "__main__":
    main()
