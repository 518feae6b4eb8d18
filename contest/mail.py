"""Outgoing mail: rendered in the recipient's language, kept in the outbox, delivered by a worker.

``queue_mail(to, "receipt", contest=..., entry=...)`` renders
``templates/mail/receipt.txt`` and ``.html`` and stores the mail in the
``outbox`` table; the ``deliver_mail`` task sends it once the transaction
commits. A page never waits for the SMTP server, and a mail is never lost: a
failed attempt is kept with its error and tried again later (1, 2, 4, 8… minutes
apart) until ``MAIL_MAX_ATTEMPTS``; then it is *failed* and an organizer sends it
again from /organize/outbox.

Each ``.txt`` template's first line is the subject, the rest the plain-text
body; the ``.html`` template gets the same context plus ``subject``.
"""
from __future__ import annotations

import logging
import re
from datetime import timedelta

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from sqlalchemy import select

from contest.extensions import db
from contest.jobs import jobs
from contest.models import Contest, MailStatus, OutgoingMail, User
from contest.models.types import utcnow

log = logging.getLogger(__name__)

mailer = Mail()

# Mail goes out in Vietnamese unless the recipient chose another language on the site.
DEFAULT_MAIL_LANGUAGE = "vi"
BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def mail_language(to: User | str, language: str | None) -> str:
    """The language to write to ``to`` in: the one asked for, the account's, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    for choice in (language, getattr(to, "language", None)):
        if choice in languages:
            return choice
    return DEFAULT_MAIL_LANGUAGE


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail: PUBLIC_BASE_URL and the route's path, whoever renders it."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return base + path


def render_mail(template: str, language: str, **context) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of ``templates/mail/<template>``, in ``language``."""
    with force_locale(language):
        text = BLANK_LINES.sub("\n\n", render_template(f"mail/{template}.txt", **context).strip())
        subject, _, body = text.partition("\n")
        subject = " ".join(subject.split())
        html = render_template(f"mail/{template}.html", subject=subject, **context)
    return subject, body.strip() + "\n", html


def queue_mail(to: User | str, template: str, *, language: str | None = None,
               contest: Contest | None = None, recipient_name: str | None = None,
               **context) -> OutgoingMail:
    """Render the mail for ``to`` (an account or an address) and put it in the outbox.

    It is sent when the caller's transaction commits (the caller commits); nothing
    is sent if it rolls back. ``contest`` and ``context`` reach the templates.
    ``recipient_name`` greets someone who has no account (an address given as text).
    """
    language = mail_language(to, language)
    recipient = to.email if isinstance(to, User) else str(to).strip()
    name = to.name if isinstance(to, User) else (recipient_name or "")
    subject, text, html = render_mail(template, language, contest=contest, recipient_name=name,
                                      **context)
    outgoing = OutgoingMail(recipient=recipient, template=template, language=language,
                            subject=subject[:300], body_text=text, body_html=html,
                            contest_id=contest.id if contest is not None else None)
    db.session.add(outgoing)
    db.session.flush()
    jobs.enqueue_on_commit(deliver_mail, outgoing.id)
    return outgoing


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4, 8… minutes, at most a day."""
    base = current_app.config["MAIL_RETRY_DELAY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 86_400))


def send_now(outgoing: OutgoingMail) -> None:
    """Hand one mail to the configured backend (SMTP, or the log in development)."""
    # The connection as a context: closed even when the server refuses the mail.
    with mailer.get_connection() as connection:
        message = EmailMultiAlternatives(
            subject=outgoing.subject, body=outgoing.body_text,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"], to=[outgoing.recipient],
            connection=connection,
        )
        message.attach_alternative(outgoing.body_html, "text/html")
        message.send()


@jobs.task()
def deliver_mail(mail_id: int) -> None:
    """Send a queued mail; on failure keep the error and try again later, or give up."""
    outgoing = db.session.get(OutgoingMail, mail_id)
    if outgoing is None or outgoing.status is not MailStatus.QUEUED:
        return  # sent already (a retry queued twice), or given up
    outgoing.attempts += 1
    try:
        send_now(outgoing)
    except Exception as exc:  # any failure of the server or the network: keep the mail
        outgoing.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if outgoing.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            outgoing.status, outgoing.next_attempt_at = MailStatus.FAILED, None
            log.warning("mail %s to %s failed for good: %s", outgoing.id, outgoing.recipient,
                        outgoing.last_error)
            db.session.commit()
            return
        delay = retry_delay(outgoing.attempts)
        outgoing.next_attempt_at = utcnow() + delay
        db.session.commit()
        log.info("mail %s: attempt %d failed, next in %s", outgoing.id, outgoing.attempts, delay)
        deliver_mail.schedule((mail_id,), delay=delay.total_seconds())
        return
    outgoing.status, outgoing.sent_at, outgoing.next_attempt_at = MailStatus.SENT, utcnow(), None
    outgoing.last_error = ""
    db.session.commit()


def retry_mail(outgoing: OutgoingMail) -> bool:
    """Queue a mail not yet sent once more, now (an organizer's button); False if it was sent."""
    if outgoing.status is MailStatus.SENT:
        return False
    outgoing.status, outgoing.next_attempt_at = MailStatus.QUEUED, utcnow()
    if outgoing.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        outgoing.attempts = 0  # a fresh round of attempts
    db.session.flush()
    jobs.enqueue_on_commit(deliver_mail, outgoing.id)
    return True


def outbox_query(status: MailStatus | None):
    """The outbox, newest first, of one status or all."""
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    return query if status is None else query.where(OutgoingMail.status == status)
