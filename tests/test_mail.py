"""Outgoing mail: rendered in the recipient's language, kept in the outbox, delivered over
real SMTP by the worker, retried when the server fails, visible to organizers."""
from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import timedelta

from sqlalchemy import select

from config import Config
from contest.extensions import db
from contest.jobs import jobs
from contest.mail import deliver_mail, mailer, queue_mail, retry_delay
from contest.models import MailStatus, OutgoingMail, Role
from tests.conftest import PASSWORD, post_form

LINK = "https://contest.example.vn/auth/confirm/abc"


def confirmation_for(to, **kwargs) -> OutgoingMail:
    return queue_mail(to, "confirm_email", confirm_url=LINK, valid_hours=48, **kwargs)


def outbox() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_a_mail_goes_out_over_smtp_in_vietnamese_once_the_transaction_commits(
        app, make_user, smtp_server, deliver):
    user = make_user(name="Nguyễn Thị Thuỳ Dương", email="duong@example.vn")
    stored = confirmation_for(user)
    assert stored.status is MailStatus.QUEUED and stored.language == "vi"
    assert deliver() == 0  # nothing reaches the queue before the commit
    db.session.commit()
    assert deliver() == 1

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["duong@example.vn"]
    assert received.to == "duong@example.vn"
    assert received.subject == "Xác nhận địa chỉ e-mail của bạn"
    assert "Bantochuc@contest.example.vn".lower() in received.mail_from.lower()
    assert "Chào Nguyễn Thị Thuỳ Dương," in received.text
    assert LINK in received.links
    assert f'href="{LINK}"' in received.html and "Nguyễn Thị Thuỳ Dương" in received.html
    [sent] = outbox()
    assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.SENT, 1, "")
    assert sent.sent_at is not None


def test_the_recipients_language_is_kept_and_a_rolled_back_mail_is_never_sent(
        app, make_user, smtp_server, deliver):
    user = make_user(email="english@example.vn")
    user.language = "en"
    db.session.commit()
    confirmation_for("nobody@example.vn")
    db.session.rollback()
    confirmation_for(user)
    db.session.commit()
    deliver()
    [received] = smtp_server.messages
    assert received.subject == "Confirm your e-mail address"
    assert [m.recipient for m in outbox()] == ["english@example.vn"]


def test_a_failing_server_keeps_the_mail_and_it_is_tried_again_later(
        app, make_user, smtp_server, deliver):
    smtp_server.refuse = True
    confirmation_for("duong@example.vn")
    db.session.commit()
    deliver()
    [mail] = outbox()
    assert mail.status is MailStatus.QUEUED and mail.attempts == 1
    assert "451" in mail.last_error
    assert mail.next_attempt_at is not None
    # The next attempt waits in the queue's schedule, a minute on.
    assert jobs.huey.scheduled_count() == 1
    assert retry_delay(1) == timedelta(minutes=1) and retry_delay(3) == timedelta(minutes=4)

    smtp_server.refuse = False
    for task in jobs.huey.read_schedule(mail.next_attempt_at.replace(tzinfo=None) + timedelta(hours=1)):
        jobs.huey.execute(task, timestamp=mail.next_attempt_at.replace(tzinfo=None) + timedelta(hours=1))
    [mail] = outbox()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 2)
    assert len(smtp_server.messages) == 1


def test_after_the_last_attempt_the_mail_is_failed_and_an_organizer_sends_it_again(
        app, client, login, make_user, smtp_server, deliver):
    organizer = make_user(Role.ORGANIZER)
    smtp_server.refuse = True
    confirmation_for("duong@example.vn")
    db.session.commit()
    [mail] = outbox()
    for _attempt in range(app.config["MAIL_MAX_ATTEMPTS"]):
        deliver_mail.call_local(mail.id)  # each attempt as the schedule would run it
    [mail] = outbox()
    assert mail.status is MailStatus.FAILED and mail.attempts == app.config["MAIL_MAX_ATTEMPTS"]

    login(organizer)
    page = client.get("/organize/outbox?status=failed").get_data(as_text=True)
    assert "duong@example.vn" in page and "Failed" in page and "451" in page
    assert "Send again" in page

    smtp_server.refuse = False
    response = post_form(client, f"/organize/outbox/{mail.id}/retry", form_page="/organize/outbox")
    assert response.status_code == 302
    deliver()
    [mail] = outbox()
    assert mail.status is MailStatus.SENT
    assert [m.rcpt_tos for m in smtp_server.messages] == [["duong@example.vn"]]
    page = client.get("/organize/outbox").get_data(as_text=True)
    assert "Sent" in page and "Send again" not in page


def test_the_outbox_page_is_for_organizers_and_its_queries_do_not_grow(
        app, client, login, make_user, count_queries):
    organizer = make_user(Role.ORGANIZER)
    login(organizer)
    counts = []
    for batch in (3, 60):
        for n in range(batch):
            confirmation_for(f"tacgia{n}@example.vn")
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get("/organize/outbox").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert client.get("/organize/outbox?page=99999999999999999999").status_code == 200
    author_client = app.test_client()
    post_form(author_client, "/auth/login", {"email": make_user(Role.AUTHOR).email,
                                             "password": PASSWORD})
    assert author_client.get("/organize/outbox").status_code == 403


def test_without_a_mail_server_development_prints_each_mail_to_the_log(app, make_user, deliver):
    assert Config.MAIL_BACKEND == ("smtp" if Config.MAIL_SERVER else "console")
    app.config["MAIL_BACKEND"] = "console"
    mailer.init_app(app)
    confirmation_for("duong@example.vn")
    db.session.commit()
    printed = io.StringIO()
    with redirect_stdout(printed):
        deliver()
    assert "To: duong@example.vn" in printed.getvalue()
    assert LINK in printed.getvalue()
    assert outbox()[0].status is MailStatus.SENT


def test_the_test_smtp_server_moves_to_another_port_when_its_port_is_taken_meanwhile():
    """The two databases' runs of CI start SMTP servers at the same time: a port picked as
    free may be bound by the other run before ours binds it."""
    import smtplib
    import socket

    from tests.mailbox import SMTPServer

    server = SMTPServer()
    taken = server.port
    with socket.socket() as other:
        other.bind(("127.0.0.1", taken))
        other.listen()
        server.start()
        try:
            assert server.port != taken
            with smtplib.SMTP("127.0.0.1", server.port) as client:
                client.sendmail("a@example.vn", ["b@example.vn"], "Subject: x\r\n\r\nhello")
            assert [m.rcpt_tos for m in server.messages] == [["b@example.vn"]]
        finally:
            server.stop()
