"""The app on a real port and headless Chromium watching for CSP violations: what browser tests share."""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from config import TestConfig
from contest import create_app
from contest.extensions import db
from tests.conftest import ON_POSTGRES, _empty_tables

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Records what the Content-Security-Policy refused, in every page of a context.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") +
                              " at " + document.location.pathname);
});
"""


@contextmanager
def serve(tmp_path: Path):
    """(app, base URL) of the app served by a thread, on a database other threads can share."""

    class Config(TestConfig):
        INSTANCE_PATH = tmp_path / "instance"
        UPLOAD_FOLDER = tmp_path / "instance" / "uploads"
        if not ON_POSTGRES:
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'live.db'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            if ON_POSTGRES:
                _empty_tables()
            db.session.remove()
            db.engine.dispose()


class WatchedBrowser:
    """Chromium whose every page reports CSP violations (console errors included)."""

    def __init__(self, browser):
        self.browser = browser
        self.console_errors: list[str] = []
        self.contexts = []

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.add_init_script(WATCH_CSP)
        context.on("console", self._console)
        self.contexts.append(context)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console_errors.append(message.text)

    def csp_violations(self) -> list[str]:
        found = list(self.console_errors)
        for context in self.contexts:
            for page in context.pages:
                found += page.evaluate("window.__cspViolations || []")
        return found


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is required here (CONTEST_REQUIRE_BROWSER=1)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield WatchedBrowser(browser)
        finally:
            browser.close()
