"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL is set),
a client with a real CSRF-protected login, and factories that return callables."""
from __future__ import annotations

import gc
import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import g
from hypothesis import HealthCheck, settings
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from config import TestConfig
from contest import create_app
from contest.admin.setup import apply_contest_settings
from contest.auth.services import upsert_user
from contest.entries.services import EntryFields, allocate_code
from contest.extensions import db
from contest.models import AuthorKind, Contest, Entry, Role, User

PASSWORD = "correct-horse-42"
ON_POSTGRES = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Where PostgreSQL keeps the session's copy of the demo contest (see demo_contest).
DEMO_COPY_SCHEMA = "demo_copy"


# Properties are checked, not timed: no example may fail for taking longer than
# Hypothesis's 200 ms, nor a test for drawing its data slowly, on a busy machine.
settings.register_profile("contest", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("contest")


# Garbage is collected between tests rather than during them. Each test leaves its app
# behind in reference cycles; Python's own full collections then came every few tests
# and went through every object of the session (~300,000: 0.1–0.4 s each, a third of
# the suite's CPU time). Now, after each test's teardown, one collection frees what the
# test left, and what survives it (modules, session fixtures) is frozen, so that later
# collections leave it out; every FULL_COLLECTION_EVERY tests, one collection takes in
# everything again, frozen objects included, and so does the end of the session.
FULL_COLLECTION_EVERY = 50
_tests_since_full_collection = [0]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem) -> None:
    _tests_since_full_collection[0] += 1
    if _tests_since_full_collection[0] >= FULL_COLLECTION_EVERY:
        _tests_since_full_collection[0] = 0
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def pytest_sessionfinish(session) -> None:
    gc.unfreeze()


@pytest.fixture(scope="session")
def _schema():
    """On PostgreSQL, build the schema once; each test then empties the tables."""
    if ON_POSTGRES:
        app = create_app(TestConfig)
        with app.app_context():
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text(f"DROP SCHEMA IF EXISTS {DEMO_COPY_SCHEMA} CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
            db.create_all()
            db.engine.dispose()
    yield
    if "sqlite" in _demo_copy:
        _demo_copy.pop("sqlite").close()
    while _sqlite_schema:
        _sqlite_schema.pop().close()


def _empty_tables() -> None:
    """Leave the database as a new one: no rows, and every id starting at 1 again.

    DELETE, children before parents, rather than TRUNCATE: a test leaves a few rows,
    and TRUNCATE's new files for every table cost ~60 ms a test where this costs a few."""
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
    if ON_POSTGRES:
        # One round trip; last_value is NULL for a sequence never drawn from.
        db.session.execute(text("; ".join(deletes)))
        db.session.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
            " FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
    else:
        # SQLite numbers a new row after the largest id left, so an empty table starts at 1.
        for delete in deletes:
            db.session.execute(text(delete))
    db.session.commit()


class SharedTemplateCode(BytecodeCache):
    """Templates compiled once for the session: each test's new app would compile every
    template it renders again (about a quarter of a second a test). Jinja checks each
    template's source against the compiled code's checksum before using it."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


@pytest.fixture
def app(_schema, tmp_path: Path):
    class Config(TestConfig):
        INSTANCE_PATH = tmp_path / "instance"
        UPLOAD_FOLDER = tmp_path / "instance" / "uploads"

    with app_for_a_test(Config) as app:
        yield app


@contextmanager
def app_for_a_test(config: type):
    """The app on ``config``, in its app context, on a fresh database (emptied afterwards)."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE

    @app.teardown_request
    def forget_the_request(error=None):
        # Requests here share the fixture's app context, and so ``g``; a real
        # request starts afresh: its user and CSRF token come from its own cookies.
        for name in list(g):
            g.pop(name)

    with app.app_context():
        if not ON_POSTGRES:
            _create_sqlite_tables()
        yield app
        db.session.remove()
        if ON_POSTGRES:
            _empty_tables()
        db.engine.dispose()


# SQLite: the tables the session's first test created, copied into each later test's
# new in-memory database (a few ms instead of create_all's ~35).
_sqlite_schema: list[sqlite3.Connection] = []


def _create_sqlite_tables() -> None:
    if db.engine.url.database not in (None, "", ":memory:"):
        db.create_all()  # a file another app may have filled already
    elif _sqlite_schema:
        _copy_sqlite_database(_sqlite_schema[0])
    else:
        db.create_all()
        _sqlite_schema.append(_sqlite_copy())


def _sqlite_copy() -> sqlite3.Connection:
    """The test's in-memory SQLite database (one connection), copied into another."""
    copy = sqlite3.connect(":memory:")
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.backup(copy)
    finally:
        raw.close()
    return copy


def _copy_sqlite_database(source: sqlite3.Connection) -> None:
    """Replace the test's SQLite database, tables and rows, with ``source``."""
    db.session.remove()
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)
    finally:
        raw.close()


@contextmanager
def app_on_empty_database(tmp_path: Path, schema: str):
    """An app on a database with nothing in it, not even a schema: a new SQLite file,
    or (PostgreSQL) a throwaway schema ``schema``, dropped afterwards."""
    if ON_POSTGRES:
        admin = create_engine(TestConfig.SQLALCHEMY_DATABASE_URI)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))

    class Config(TestConfig):
        INSTANCE_PATH = tmp_path / schema
        UPLOAD_FOLDER = tmp_path / schema / "uploads"
        if ON_POSTGRES:
            SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"options": f"-csearch_path={schema}"}}
        else:
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / (schema + '.db')}"

    app = create_app(Config)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if ON_POSTGRES:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on ``url``, as a browser would send it back."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, form_page: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with the CSRF token of the form page (``url`` by default)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, form_page or url)
    return client.post(url, data=data, **kwargs)


@pytest.fixture
def login(client):
    def do_login(user: User, password: str = PASSWORD):
        response = post_form(client, "/auth/login", {"email": user.email, "password": password})
        assert response.status_code == 302, "login failed"
        return response

    return do_login


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(*roles: Role, email: str | None = None, name: str | None = None,
             password: str = PASSWORD) -> User:
        n = next(counter)
        user = upsert_user(email or f"user{n}@example.vn", name or f"Người dùng {n}",
                           list(roles) or [Role.AUTHOR], password)
        db.session.commit()
        return user

    return make


def contest_settings(slug: str = "thi-thu", now: datetime | None = None, **overrides) -> dict:
    """Small contest settings, open from a day ago for a week (as TOML would give them)."""
    now = now or datetime.now(timezone.utc)
    settings = {
        "slug": slug,
        "name": "Cuộc thi thử “Dân vận khéo”",
        "organizer": "Ban Dân vận Thành ủy Hải Phòng",
        "place": "Hải Phòng",
        "code_prefix": "TT",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=7),
        "categories": [{"code": "BAO", "name": "Báo in"}, {"code": "ANH", "name": "Ảnh"}],
        "criteria": [
            {"code": "ND", "name": "Nội dung", "max": 60},
            {"code": "HT", "name": "Hình thức", "max": 40},
        ],
        "tiers": [
            {"code": "A", "name": "Giải A", "quota": 1},
            {"code": "B", "name": "Giải B", "quota": 1},
            {"code": "C", "name": "Giải C", "quota": 2},
        ],
        "documents": [
            {"code": "GCN", "title": "Giấy chứng nhận", "issuer": "Ban Tổ chức cuộc thi",
             "preamble": "Ban Tổ chức cuộc thi chứng nhận", "tiers": ["A", "B", "C"],
             "signer_title": "TM. Ban Tổ chức\nTrưởng ban", "signer_name": "Lê Trí Vũ",
             "number_format": "{seq:02d}/GCN-BTC"},
            {"code": "BK", "title": "Bằng khen", "issuer": "Ủy ban nhân dân\nthành phố Hải Phòng",
             "tiers": ["A", "B"], "signer_title": "KT. Chủ tịch\nPhó Chủ tịch",
             "signer_name": "Lê Khắc Nam", "number_format": "{seq:02d}/QĐ-UBND"},
        ],
    }
    settings.update(overrides)
    return settings


@pytest.fixture
def make_contest(app):
    def make(slug: str = "thi-thu", **overrides) -> Contest:
        contest = apply_contest_settings(contest_settings(slug, **overrides))
        db.session.commit()
        return contest

    return make


@pytest.fixture
def make_entry(app):
    def make(contest: Contest, title: str = "Con đường hoa ở xã Tân Trào",
             authors: tuple[str, ...] = ("Nguyễn Thị Thuỳ Dương",), submitted_by: User | None = None,
             organization: str = "Hội Nông dân xã Tân Trào", **columns) -> Entry:
        entry = Entry(contest=contest, code=allocate_code(contest), submitted_by=submitted_by)
        EntryFields(title=title, category=contest.categories[0],
                    author_kind=columns.pop("author_kind", AuthorKind.INDIVIDUAL),
                    authors=list(authors), organization=organization,
                    district=columns.pop("district", "Kiến Thụy"),
                    email=columns.pop("email", "tacgia@example.vn"),
                    phone=columns.pop("phone", "0912345678"),
                    description=columns.pop("description", "Mô hình vận động Nhân dân hiến đất."),
                    ).apply_to(entry)
        for key, value in columns.items():
            setattr(entry, key, value)
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


# One demo contest per test session: built by the first test that asks for it on an
# empty database, then copied into every later one (SQLite: a few ms instead of 0.8 s;
# PostgreSQL: 50–100 ms instead of 1.2 s).
_demo_copy: dict = {}


def _database_is_empty() -> bool:
    tables = " OR ".join(f'EXISTS (SELECT 1 FROM "{t.name}")' for t in db.metadata.sorted_tables)
    return not db.session.scalar(text(f"SELECT {tables}"))


def _save_demo_copy() -> None:
    """Keep what the database holds now (the demo just built) for the session."""
    if ON_POSTGRES:
        statements = [f"DROP SCHEMA IF EXISTS {DEMO_COPY_SCHEMA} CASCADE", f"CREATE SCHEMA {DEMO_COPY_SCHEMA}"]
        statements += [f'CREATE TABLE {DEMO_COPY_SCHEMA}."{t.name}" AS TABLE "{t.name}"'
                       for t in db.metadata.sorted_tables]
        db.session.execute(text("; ".join(statements)))
        _demo_copy["sequences"] = db.session.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all()
        db.session.commit()
    else:
        _demo_copy["sqlite"] = _sqlite_copy()


def _restore_demo_copy() -> None:
    """Fill the empty database with the kept demo: the same rows, ids and sequences."""
    if ON_POSTGRES:
        statements = [f'INSERT INTO "{t.name}" SELECT * FROM {DEMO_COPY_SCHEMA}."{t.name}"'
                      for t in db.metadata.sorted_tables]
        statements += [f"SELECT setval('{name}', {value}, true)" for name, value in _demo_copy["sequences"]]
        db.session.execute(text("; ".join(statements)))
        db.session.commit()
    else:
        _copy_sqlite_database(_demo_copy["sqlite"])


def load_small_demo() -> None:
    from contest.demo import load_demo

    load_demo(entries=40, judges=4, seed=2022)
    db.session.commit()


@pytest.fixture
def demo_contest(app):
    """The seed contest dvk-2022, small: 40 entries, 4 judges, every sheet submitted.

    On an empty database it is a copy of the first one the session built (a test that
    made rows first gets a demo built on top of them)."""
    if not _database_is_empty():
        load_small_demo()
    elif _demo_copy:
        _restore_demo_copy()
    else:
        load_small_demo()
        _save_demo_copy()
    return db.session.scalar(db.select(Contest).where(Contest.slug == "dvk-2022"))


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a ``with count_queries() as counted:`` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def finalized_demo(demo_contest):
    """The demo contest with its boundary tie ordered (by lot) and the results finalized."""
    from contest.results.services import compute_ranking, finalize, resolve_tie

    for tie in compute_ranking(demo_contest).ties:
        resolve_tie(demo_contest, tie.codes, "Bốc thăm trước Ban Giám khảo", actor=None)
    finalize(demo_contest, actor=None)
    db.session.commit()
    return demo_contest


@pytest.fixture
def published_demo(finalized_demo):
    """The finalized demo contest, its results published."""
    from contest.results.services import publish

    publish(finalized_demo, actor=None)
    db.session.commit()
    return finalized_demo


@pytest.fixture
def smtp_server(app):
    """A real SMTP server in this process that the app sends its mail to; yields it
    (``.messages``: every mail received, parsed). Mail goes out when the test runs
    the queued jobs (``deliver_mail``)."""
    from contest.mail import mailer
    from tests.mailbox import SMTPServer

    server = SMTPServer()
    server.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    mailer.init_app(app)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def deliver(app):
    """Run what is queued (mail among it) as a worker would; returns how many tasks ran."""
    from contest.jobs import jobs

    return jobs.run_pending
