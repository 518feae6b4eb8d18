"""Accounts by mail, through HTTP and a real SMTP server: confirm the address before
submitting, reset a forgotten password (a signed, expiring, single-use link), change it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from contest.auth.links import confirmation_token, reset_token
from contest.extensions import db
from contest.models import Entry, OutgoingMail, Role, User
from tests import files
from tests.conftest import PASSWORD, post_form
from tests.test_entries import entry_data, submit, upload

NAME = "Nguyễn Thị Thuỳ Dương"
NEW_PASSWORD = "đường-hoa-Tân-Trào-7"


def path_of(link: str) -> str:
    """The part of a mailed link the test client follows (the site is PUBLIC_BASE_URL)."""
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "https://contest.example.vn"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register(client, email: str = "duong@example.vn"):
    return post_form(client, "/auth/register", {"name": NAME, "email": email,
                                                "password": PASSWORD, "confirm": PASSWORD})


def user(email: str = "duong@example.vn") -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def mails_to(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.recipient == email))


def test_register_confirm_reset_submit_and_the_receipt_all_by_real_mail(
        app, client, make_contest, smtp_server, deliver):
    """What a new author does, start to end, with every mail read off the SMTP server."""
    contest = make_contest()
    assert register(client).status_code == 302
    assert user().email_confirmed_at is None
    deliver()
    [confirm] = smtp_server.to("duong@example.vn")
    assert confirm.subject == "Xác nhận địa chỉ e-mail của bạn"
    assert f"Chào {NAME}," in confirm.text
    assert "Liên kết có hiệu lực trong 48 giờ." in confirm.text

    # Before confirming, the entry is refused and nothing is stored.
    refused = submit(client, contest, entry_data(contest))
    assert refused.status_code == 200
    assert "Confirm your e-mail address first" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0

    [link] = [link for link in confirm.links if "/auth/confirm/" in link]
    followed = client.get(path_of(link))
    assert followed.status_code == 200
    assert "Your address duong@example.vn is confirmed." in followed.get_data(as_text=True)
    assert user().email_confirmed_at is not None
    assert "Send the link again" not in client.get("/my/entries").get_data(as_text=True)

    # Forgot the password: a link by mail, used once.
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    answer = post_form(client, "/auth/forgot", {"email": "duong@example.vn"})
    assert answer.status_code == 302
    deliver()
    reset = smtp_server.to("duong@example.vn")[-1]
    assert reset.subject == "Đặt mật khẩu mới"
    assert "Liên kết chỉ dùng được một lần, trong 60 phút." in reset.text
    [link] = [link for link in reset.links if "/auth/reset/" in link]
    page = post_form(client, path_of(link), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.status_code == 302
    assert user().check_password(NEW_PASSWORD)
    assert "This link is not valid any more" in client.get(path_of(link)).get_data(as_text=True)
    assert post_form(client, "/auth/login", {"email": "duong@example.vn",
                                             "password": PASSWORD}).status_code == 200
    assert post_form(client, "/auth/login", {"email": "duong@example.vn",
                                             "password": NEW_PASSWORD}).status_code == 302

    # Submit with files: the receipt arrives.
    response = submit(client, contest, entry_data(contest, files=[
        upload("Bài viết.pdf", files.pdf(identity=False)),
        upload("Ảnh 1.jpg", files.jpeg(identity=False))]))
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    deliver()
    receipt = smtp_server.to("duong@example.vn")[-1]
    assert receipt.to == "duong@example.vn"
    assert receipt.subject == f"Đã nhận tác phẩm {entry.code}: Con đường hoa ở xã Tân Trào"
    assert f"Mã tác phẩm: {entry.code}" in receipt.text
    assert "Bài viết.pdf" in receipt.text and "Ảnh 1.jpg" in receipt.text
    local = entry.submitted_at.astimezone(contest.tz).strftime("%d/%m/%Y %H:%M")
    assert f"Thời điểm nhận: {local} (UTC+7)" in receipt.text
    assert entry.code in receipt.html and "Bài viết.pdf" in receipt.html
    [link] = [link for link in receipt.links if f"/entries/{entry.code}" in link]
    shown = client.get(path_of(link))
    assert shown.status_code == 200 and entry.code in shown.get_data(as_text=True)


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/")


def test_a_forged_or_expired_confirmation_link_confirms_nothing(app, client, deliver):
    register(client)
    token = confirmation_token(user())
    forged = client.get("/auth/confirm/" + token[:-2] + "xx")
    assert "This confirmation link is not valid any more" in forged.get_data(as_text=True)
    assert user().email_confirmed_at is None
    app.config["EMAIL_CONFIRMATION_HOURS"] = -1
    client.get("/auth/confirm/" + token)
    assert user().email_confirmed_at is None
    # A reset token is no confirmation link either.
    app.config["EMAIL_CONFIRMATION_HOURS"] = 48
    client.get("/auth/confirm/" + reset_token(user()))
    assert user().email_confirmed_at is None
    client.get("/auth/confirm/" + token)
    assert user().email_confirmed_at is not None


def test_the_confirmation_link_can_be_sent_again(client):
    register(client)
    page = client.get("/my/entries").get_data(as_text=True)
    assert "Send the link again" in page
    response = post_form(client, "/auth/confirm/resend", form_page="/my/entries")
    assert response.status_code == 302
    assert mails_to("duong@example.vn") == 2


def test_a_reset_answers_the_same_whether_or_not_the_address_has_an_account(client, make_user):
    make_user(email="duong@example.vn")
    known = post_form(client, "/auth/forgot", {"email": "duong@example.vn"})
    unknown = post_form(client, "/auth/forgot", {"email": "ai-do@example.vn"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page_known = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "If an account uses" in page_known
    assert mails_to("duong@example.vn") == 1 and mails_to("ai-do@example.vn") == 0


def test_password_resets_are_rate_limited_by_account(app, client, make_user):
    make_user(email="duong@example.vn")
    limit = int(app.config["RATE_LIMITS"]["password_reset"]["account"].split()[0])
    for _ in range(limit):
        assert post_form(client, "/auth/forgot", {"email": "duong@example.vn"}).status_code == 302
    assert post_form(client, "/auth/forgot", {"email": "duong@example.vn"}).status_code == 429
    assert mails_to("duong@example.vn") == limit


def test_a_reset_link_expires_keeps_the_password_policy_and_ends_other_sessions(
        app, client, make_user, login):
    account = make_user(email="duong@example.vn")
    elsewhere = app.test_client()
    post_form(elsewhere, "/auth/login", {"email": account.email, "password": PASSWORD})
    assert elsewhere.get("/my/entries").status_code == 200
    token = reset_token(account)

    common = post_form(client, f"/auth/reset/{token}", {"password": "password123", "confirm": "password123"})
    assert common.status_code == 200
    assert user().check_password(PASSWORD)

    app.config["PASSWORD_RESET_MINUTES"] = -1
    assert "This link is not valid any more" in client.get(f"/auth/reset/{token}").get_data(as_text=True)
    assert post_form(client, f"/auth/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                     form_page="/auth/forgot").status_code == 200
    assert user().check_password(PASSWORD)
    app.config["PASSWORD_RESET_MINUTES"] = 60
    assert post_form(client, f"/auth/reset/{token}",
                     {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert user().check_password(NEW_PASSWORD)
    assert elsewhere.get("/my/entries").status_code == 302  # that session ended


@pytest.mark.parametrize("current, new, message", [
    ("wrong-password-1", NEW_PASSWORD, "This is not your current password."),
    (PASSWORD, "password123", "This password is too common"),
])
def test_changing_the_password_checks_the_current_one_and_the_policy(
        client, make_user, login, current, new, message):
    login(make_user(email="duong@example.vn"))
    page = post_form(client, "/auth/password", {"current": current, "password": new, "confirm": new})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert user().check_password(PASSWORD)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, make_user, login):
    account = make_user(Role.AUTHOR, email="duong@example.vn")
    login(account)
    elsewhere = app.test_client()
    post_form(elsewhere, "/auth/login", {"email": account.email, "password": PASSWORD})
    response = post_form(client, "/auth/password",
                         {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert user().check_password(NEW_PASSWORD)
    assert client.get("/my/entries").status_code == 200
    assert elsewhere.get("/my/entries").status_code == 302


def test_the_language_chosen_on_the_site_is_the_language_of_the_mail(client, smtp_server, deliver):
    client.get("/lang/en")
    register(client)
    deliver()
    [mail] = smtp_server.messages
    assert mail.subject == "Confirm your e-mail address"
    assert user().language == "en"
