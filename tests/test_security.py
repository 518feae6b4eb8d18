"""Accounts under attack: redirects, brute force, old sessions, timing, weak passwords."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Role, User
from tests.conftest import PASSWORD, csrf_token, post_form

# Every way a browser can be talked into leaving the site from a "next" parameter.
FOREIGN_TARGETS = [
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "/%09/evil.example",
    "/\t/evil.example",
    "%09//evil.example",
    "/%0A/evil.example",
    "/%0D%0A/evil.example",
    "/\r\n/evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "///evil.example",
    " //evil.example",
    "/\x00/evil.example",
]


def _location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_the_language_switch_never_leaves_the_site(client, target):
    from urllib.parse import quote

    for query in (target, quote(target, safe="")):
        response = client.get("/lang/en?next=" + query)
        if "\x00" in target:
            assert response.status_code == 400  # an address with a NUL is refused outright
            continue
        location = _location(response)
        assert location == "/", (query, location)


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_login_never_leaves_the_site(client, make_user, target):
    from urllib.parse import quote

    user = make_user()
    response = post_form(client, "/auth/login?next=" + quote(target, safe=""),
                         {"email": user.email, "password": PASSWORD}, form_page="/auth/login")
    if "\x00" in target:
        assert response.status_code == 400  # an address with a NUL is refused outright
        return
    assert _location(response).endswith("/my/entries")


@pytest.mark.parametrize("target", ["/c/thi-thu/", "/c/thi-thu/results?x=1&y=%C4%91", "/my/entries#top"])
def test_local_targets_are_followed(client, target):
    from urllib.parse import quote

    assert _location(client.get("/lang/en?next=" + quote(target, safe=""))) == target


# Brute force ---------------------------------------------------------------------------


def _attempt(client, email: str, password: str, token: str, address: str = "198.51.100.7"):
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_wrong_passwords_lock_the_account_for_a_while(app, client, make_user):
    user = make_user()
    token = csrf_token(client, "/auth/login")
    limit = app.config["RATE_LIMITS"]["login"]["account"]
    allowed = int(limit.split()[0])
    answers = [_attempt(client, user.email, f"wrong-{i}", token).status_code for i in range(allowed + 5)]
    assert answers[:allowed] == [200] * allowed
    assert set(answers[allowed:]) == {429}
    # Now even the right password waits; from another address too (by account).
    assert _attempt(client, user.email, PASSWORD, token).status_code == 429
    assert _attempt(client, user.email, PASSWORD, token, address="203.0.113.9").status_code == 429
    # Another account from a fresh address is not affected.
    other = make_user()
    assert _attempt(client, other.email, PASSWORD, token, address="203.0.113.10").status_code == 302


def test_one_address_trying_many_accounts_is_slowed_down(app, client, make_user):
    token = csrf_token(client, "/auth/login")
    allowed = int(app.config["RATE_LIMITS"]["login"]["address"].split()[0])
    answers = [_attempt(client, f"guess{i}@example.vn", "wrong-password", token).status_code
               for i in range(allowed + 2)]
    assert answers[:allowed] == [200] * allowed
    assert answers[allowed:] == [429, 429]
    user = make_user()
    assert _attempt(client, user.email, PASSWORD, token).status_code == 429
    assert _attempt(client, user.email, PASSWORD, token, address="203.0.113.11").status_code == 302


def test_successful_logins_are_not_counted(app, client, make_user):
    user = make_user()
    allowed = int(app.config["RATE_LIMITS"]["login"]["account"].split()[0])
    for _ in range(allowed + 2):
        token = csrf_token(client, "/auth/login")
        assert _attempt(client, user.email, PASSWORD, token).status_code == 302
        post_form(client, "/auth/logout", form_page="/my/entries")


def test_the_429_page_is_friendly_and_in_the_page_language(app, client, make_user):
    client.get("/lang/vi?next=/")
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], "login": {"account": "1 per hour",
                                                                          "address": "1 per hour"}}
    user = make_user()
    token = csrf_token(client, "/auth/login")
    _attempt(client, user.email, "wrong-password", token)
    response = _attempt(client, user.email, "wrong-password", token)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and '<html lang="vi">' in html
    assert "Quá nhiều lần thử" in html
    assert int(response.headers["Retry-After"]) > 0


def test_registration_is_limited_by_address_and_by_email(app, client):
    allowed = int(app.config["RATE_LIMITS"]["register"]["address"].split()[0])
    token = csrf_token(client, "/auth/register")
    statuses = []
    for i in range(allowed + 1):
        statuses.append(client.post("/auth/register", data={
            "name": "Nguyễn Văn A", "email": f"not-an-email-{i}", "password": "x", "confirm": "y",
            "csrf_token": token}, environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code)
    assert statuses == [200] * allowed + [429]
    per_email = int(app.config["RATE_LIMITS"]["register"]["account"].split()[0])
    statuses = [client.post("/auth/register", data={
        "name": "Nguyễn Văn B", "email": "same@example.vn", "password": "x", "confirm": "y",
        "csrf_token": token}, environ_base={"REMOTE_ADDR": f"203.0.113.{i}"}).status_code
        for i in range(per_email + 1)]
    assert statuses == [200] * per_email + [429]


def test_certificate_lookups_are_limited_by_address(app, client):
    allowed = int(app.config["RATE_LIMITS"]["verify"]["address"].split()[0])
    def lookup(url: str, address: str) -> int:
        return client.get(url, environ_base={"REMOTE_ADDR": address}).status_code

    assert {lookup(f"/verify/guess-{i}", "198.51.100.30") for i in range(allowed)} == {404}
    assert lookup("/verify?number=01/GCN", "198.51.100.30") == 429
    assert lookup("/verify?number=01/GCN", "198.51.100.31") == 200


@pytest.fixture
def redis_url(tmp_path):
    """A private Redis server on a unix socket, stopped after the test."""
    import shutil
    import subprocess
    import time

    server = shutil.which("redis-server")
    assert server, "redis-server is needed (scripts/install --test installs it)"
    sock = tmp_path / "redis.sock"
    proc = subprocess.Popen([server, "--port", "0", "--unixsocket", str(sock), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    yield f"unix://{sock}"
    proc.terminate()
    proc.wait(timeout=10)


def test_with_redis_every_worker_shares_the_counts(tmp_path, redis_url):
    """Two app processes (here: two apps) on one Redis see one count: a lockout holds everywhere."""
    import config
    from contest import create_app

    def worker(name: str):
        class Config(config.TestConfig):
            INSTANCE_PATH = tmp_path / name
            RATELIMIT_STORAGE_URI = config.rate_limit_storage(redis_url)
            # Their own database: the count must come from Redis, not from rows.
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"
        return create_app(Config)

    first = worker("a")
    with first.app_context():
        db.create_all()
        db.engine.dispose()
    allowed = int(first.config["RATE_LIMITS"]["login"]["account"].split()[0])
    client = first.test_client()
    token = csrf_token(client, "/auth/login")
    for i in range(allowed):
        assert _attempt(client, "judge@example.vn", f"wrong-{i}", token).status_code == 200
    second = worker("b")
    other = second.test_client()
    assert _attempt(other, "judge@example.vn", "wrong", csrf_token(other, "/auth/login")).status_code == 429
    with second.app_context():
        from contest.extensions import limiter

        assert type(limiter.storage).__name__ == "RedisStorage"
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()


def test_logins_still_work_while_redis_is_down(tmp_path):
    """The counts fall back to the process; nobody is locked out by an outage."""
    import config
    from contest import create_app
    from contest.auth.services import upsert_user

    class Config(config.TestConfig):
        INSTANCE_PATH = tmp_path / "down"
        RATELIMIT_STORAGE_URI = config.rate_limit_storage(f"unix://{tmp_path / 'no-redis.sock'}")
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'down.db'}"

    down = create_app(Config)
    with down.app_context():
        db.create_all()
        user = upsert_user("judge@example.vn", "Phạm Giám Khảo", [Role.JUDGE], PASSWORD)
        db.session.commit()
        client = down.test_client()
        token = csrf_token(client, "/auth/login")
        assert _attempt(client, user.email, "wrong-password", token).status_code == 200
        assert _attempt(client, user.email, PASSWORD, token).status_code == 302
        db.session.remove()
        db.engine.dispose()


# Sessions ------------------------------------------------------------------------------


def _log_in(client, user, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert post_form(client, "/auth/login", data).status_code == 302


def _cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def _client_with(app, cookies: dict[str, str]):
    replay = app.test_client()
    for key, value in cookies.items():
        replay.set_cookie(key, value)
    return replay


@pytest.mark.parametrize("kept", ["session", "remember_token"])
def test_logout_ends_saved_cookies(app, client, make_user, kept):
    user = make_user()
    _log_in(client, user, remember=True)
    saved = _cookies(client)
    assert {"session", "remember_token"} <= set(saved)
    post_form(client, "/auth/logout", form_page="/my/entries")
    replay = _client_with(app, {kept: saved[kept]})
    assert replay.get("/my/entries").status_code == 302


def test_logout_ends_the_other_sessions_of_the_account(app, make_user):
    user = make_user()
    phone, office = app.test_client(), app.test_client()
    _log_in(phone, user)
    _log_in(office, user)
    post_form(office, "/auth/logout", form_page="/my/entries")
    assert phone.get("/my/entries").status_code == 302


def test_a_new_password_ends_every_session_and_remember_cookie(app, client, make_user):
    user = make_user()
    _log_in(client, user, remember=True)
    saved = _cookies(client)
    user.set_password("a-brand-new-passphrase")
    db.session.commit()
    for key in ("session", "remember_token"):
        assert _client_with(app, {key: saved[key]}).get("/my/entries").status_code == 302


def test_setting_the_own_password_keeps_the_current_session(app, client, make_user):
    """The page that changes a password re-issues its own session: only the others end."""
    @app.post("/test-only/change-password")
    def change_password():
        from flask_login import current_user

        current_user.set_password("a-brand-new-passphrase")
        db.session.commit()
        return "changed"

    user = make_user()
    other = app.test_client()
    _log_in(client, user)
    _log_in(other, user)

    assert post_form(client, "/test-only/change-password", form_page="/my/entries").status_code == 200
    assert client.get("/my/entries").status_code == 200
    assert other.get("/my/entries").status_code == 302


def test_the_remember_cookie_is_samesite_and_short_lived(client, make_user):
    from datetime import datetime, timedelta, timezone

    user = make_user()
    response = post_form(client, "/auth/login", {"email": user.email, "password": PASSWORD,
                                                 "remember": "y"})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    attributes = {part.split("=")[0].strip().lower(): part.partition("=")[2]
                  for part in header.split(";")[1:]}
    assert attributes["samesite"] == "Lax"
    assert "httponly" in attributes
    expires = datetime.strptime(attributes["expires"], "%a, %d %b %Y %H:%M:%S GMT")
    expires = expires.replace(tzinfo=timezone.utc)
    assert expires - datetime.now(timezone.utc) <= timedelta(days=31)


# Timing --------------------------------------------------------------------------------


@pytest.fixture
def key_derivations(monkeypatch):
    """Every key derivation the password checks run, with its work factor.

    Counted instead of timed: the work is what makes the time, and a count
    does not depend on how busy the machine is.
    """
    calls: list[tuple] = []
    real_pbkdf2, real_scrypt = hashlib.pbkdf2_hmac, hashlib.scrypt

    def pbkdf2(name, password, salt, iterations, *args, **kwargs):
        calls.append(("pbkdf2", name, iterations))
        return real_pbkdf2(name, password, salt, iterations, *args, **kwargs)

    def scrypt(password, **kwargs):
        calls.append(("scrypt", kwargs.get("n"), kwargs.get("r"), kwargs.get("p")))
        return real_scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", pbkdf2)
    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    return calls


@pytest.mark.parametrize("method", ["pbkdf2:sha256:1000", "scrypt"])
def test_login_does_the_same_work_for_known_and_unknown_emails(app, make_user, key_derivations, method):
    from contest.auth.services import authenticate

    app.config["PASSWORD_HASH_METHOD"] = method
    user = make_user()
    authenticate("nobody@example.vn", "warm-up")  # the stand-in hash is made once
    key_derivations.clear()
    assert authenticate(user.email, "wrong-password") is None
    known = list(key_derivations)
    key_derivations.clear()
    assert authenticate("nobody@example.vn", "wrong-password") is None
    assert key_derivations == known
    assert len(known) == 1


# Passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "why"), [
    ("12345678", "at least 10 characters"),
    ("password", "at least 10 characters"),
    ("1234567890", "too common"),
    ("Password123", "too common"),
    ("qwertyuiop", "too common"),
    ("dragon2024!", "too common"),
])
def test_weak_passwords_are_refused_with_the_reason(client, password, why):
    response = post_form(client, "/auth/register", {"name": "Lê Văn Thử", "email": "thu@example.vn",
                                                    "password": password, "confirm": password})
    assert response.status_code == 200
    assert why in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize("password", ["12345678", "password", "1234567890"])
def test_every_way_of_setting_a_password_shares_the_policy(app, runner, make_user, password):
    from contest.auth.services import AccountError, upsert_user
    from contest.judging.services import add_judge

    result = runner.invoke(args=["create-user", "a@example.vn", "--name", "A", "--role", "judge",
                                 "--password", password])
    assert result.exit_code == 1
    with pytest.raises(AccountError):
        add_judge("judge@example.vn", "Phạm Giám Khảo", password, actor=None)
    with pytest.raises(AccountError):
        upsert_user("org@example.vn", "Ban Tổ chức", [Role.ORGANIZER], password)
    db.session.rollback()
    assert db.session.scalar(select(User)) is None


def test_good_passwords_pass(client):
    from contest.auth.passwords import password_problem

    for password in (PASSWORD, "tacgia2022", "Đường quê mùa lúa chín", "giamkhao2022"):
        assert password_problem(password) is None, password
