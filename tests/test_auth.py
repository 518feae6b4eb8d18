"""Registration, login and logout through HTTP, with CSRF on."""
from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Role, User
from tests.conftest import PASSWORD, post_form

NAME = "Nguyễn Thị Thuỳ Dương"


def register_data(**overrides) -> dict:
    data = {"name": NAME, "email": "duong@example.vn", "password": PASSWORD, "confirm": PASSWORD}
    data.update(overrides)
    return data


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_creates_an_author_and_logs_in(client):
    response = post_form(client, "/auth/register", register_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my/entries")
    user = db.session.scalar(select(User).where(User.email == "duong@example.vn"))
    assert user.roles == {Role.AUTHOR}
    assert user.check_password(PASSWORD)
    assert user.password_hash != PASSWORD
    page = client.get("/my/entries")
    assert page.status_code == 200
    assert NAME in page.get_data(as_text=True)


def test_register_stores_a_decomposed_name_composed(client):
    typed = unicodedata.normalize("NFD", NAME)
    assert typed != NAME
    post_form(client, "/auth/register", register_data(name=f"  {typed} "))
    user = db.session.scalar(select(User))
    assert user.name == NAME
    assert unicodedata.is_normalized("NFC", user.name)


def test_register_refuses_a_taken_email_whatever_its_case(client, make_user):
    make_user(email="duong@example.vn")
    response = post_form(client, "/auth/register", register_data(email="Duong@Example.vn"))
    assert response.status_code == 200
    assert "An account with this email already exists." in response.get_data(as_text=True)
    assert user_count() == 1


@pytest.mark.parametrize(("overrides", "message"), [
    ({"password": "short", "confirm": "short"}, "The password needs at least 10 characters."),
    ({"confirm": PASSWORD + "x"}, "The passwords do not match."),
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"name": "   "}, "This field is required."),
])
def test_register_refuses_bad_input(client, overrides, message):
    response = post_form(client, "/auth/register", register_data(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count() == 0


def test_login_and_logout(client, make_user):
    user = make_user(Role.AUTHOR, name=NAME)
    response = post_form(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my/entries")
    assert NAME in client.get("/my/entries").get_data(as_text=True)

    assert client.get("/auth/logout").status_code == 405
    response = post_form(client, "/auth/logout", form_page="/my/entries")
    assert response.status_code == 302
    assert client.get("/my/entries").status_code == 302


def test_login_with_the_wrong_password_says_so(client, make_user):
    user = make_user()
    response = post_form(client, "/auth/login", {"email": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/my/entries").status_code == 302


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user(email="tacgia@example.vn")
    response = post_form(client, "/auth/login", {"email": "TacGia@Example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/my/entries").status_code == 200
    assert user.email == "tacgia@example.vn"


@pytest.mark.parametrize(("roles", "landing"), [
    ((Role.AUTHOR,), "/my/entries"),
    ((Role.JUDGE,), "/judge/"),
    ((Role.ORGANIZER,), "/organize/"),
])
def test_login_lands_on_the_work_of_the_role(client, make_user, roles, landing):
    user = make_user(*roles)
    response = post_form(client, "/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith(landing)


@pytest.mark.parametrize(("target", "followed"), [
    ("/c/thi-thu/submit", True),
    ("//evil.example/", False),
    ("/\\evil.example/", False),
    ("https://evil.example/", False),
])
def test_login_follows_only_local_next_urls(client, make_user, target, followed):
    user = make_user()
    response = post_form(client, "/auth/login?next=" + target,
                         {"email": user.email, "password": PASSWORD}, form_page="/auth/login")
    location = response.headers["Location"]
    assert (location == target) is followed
    if not followed:
        assert location.endswith("/my/entries")


def test_a_post_without_csrf_token_is_refused(client):
    response = client.post("/auth/register", data=register_data())
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert user_count() == 0


def test_a_logged_in_user_is_sent_away_from_login_and_register(client, make_user, login):
    login(make_user())
    assert client.get("/auth/login").status_code == 302
    assert client.get("/auth/register").status_code == 302
