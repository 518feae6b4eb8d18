"""The contest app: submissions, judging, ranking, prize tiers and certificates."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import Config
from contest.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from contest.routing import SharedBuilderRule

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type = Config) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(config_class.INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # Each later app (the tests make one each) reuses the URL builders the first compiled.
    app.url_rule_class = SharedBuilderRule
    app.config.from_object(config_class)
    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    ensure_instance(app)
    register_extensions(app)
    register_input_checks(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def ensure_instance(app: Flask) -> None:
    """Create instance/ and, when none is configured, a persistent secret key."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_extensions(app: Flask) -> None:
    from contest import models  # noqa: F401  (every model must be known to the metadata)
    from contest.results import versions  # noqa: F401  (every commit bumps the rankings it changes)
    from contest.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    bootstrap.init_app(app)
    limiter.init_app(app)

    from contest.jobs import jobs

    jobs.init_app(app)

    from contest.mail import mailer  # also declares the mail delivery task for the worker

    mailer.init_app(app)

    from contest.auth.access import load_user
    from contest.auth.sessions import register as register_sessions

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"
    register_sessions(app)


@event.listens_for(Engine, "connect")
def _sqlite_setup(dbapi_connection, connection_record) -> None:
    """Make SQLite behave like PostgreSQL where the app relies on it.

    It enforces foreign keys (and ON UPDATE CASCADE) only when asked, and its
    built-in lower() folds ASCII letters only: "Đỗ" must match "đỗ" in searches.
    Writers queue for the database lock (up to 30 s) instead of failing at once.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        dbapi_connection.create_function(
            "lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
            deterministic=True,
        )


def register_blueprints(app: Flask) -> None:
    from contest.admin import outbox  # noqa: F401  (the outbox page, on the admin blueprint)
    from contest.admin.views import bp as admin_bp
    from contest.auth.views import bp as auth_bp
    from contest.certificates import design_views  # noqa: F401  (its routes join the blueprint)
    from contest.certificates.views import bp as certificates_bp
    from contest.documents.views import bp as documents_bp
    from contest.entries.views import bp as entries_bp
    from contest.admin import imports, new_contest, paperwork_page  # noqa: F401  (more organizer routes)
    from contest.judging import corrections, progress, round_views, uploads  # noqa: F401  (more judging routes)
    from contest.judging.views import bp as judging_bp
    from contest.public.views import bp as public_bp
    from contest.results.views import bp as results_bp
    from contest.secretariat.views import bp as secretariat_bp

    for blueprint in (public_bp, auth_bp, entries_bp, judging_bp, admin_bp, secretariat_bp, results_bp,
                      certificates_bp, documents_bp):
        app.register_blueprint(blueprint)


def register_input_checks(app: Flask) -> None:
    """Before the routes: their ``<int:…>`` parts are bounded by what the database holds."""
    from contest.bad_input import register

    register(app)


def register_errorhandlers(app: Flask) -> None:
    from contest.public.errors import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from contest.headers import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from contest.i18n import register_filters

    register_filters(app)


def register_commands(app: Flask) -> None:
    from contest.cli import register

    register(app)
