"""Every response carries the security headers; every page works under the strict CSP;
every organizer page has the same tab bar and one <h1>; /healthz tells the truth."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.pages import LOGINS, NOT_HTML, ROLES, build_site, pages_for, route_urls

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
ORGANIZER_TABS = ["Overview", "Settings", "Entries", "Screening", "Rounds", "Judges", "Progress", "Paper sheets", "Ranking",
                  "Certificates", "Certificate register"]


@pytest.fixture
def site(app):
    return build_site()


def _client_as(app, site, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/auth/login", data={
            "email": LOGINS[role], "password": site.password(role),
            "csrf_token": csrf_token(client, "/auth/login")})
        assert response.status_code == 302
    return client


def test_every_get_route_is_in_the_walk(app, site):
    assert set(route_urls(app, site)) == {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}


def test_a_new_route_without_a_way_to_open_it_is_named(app, site):
    from contest import create_app
    from tests.conftest import TestConfig

    other = create_app(TestConfig)
    other.add_url_rule("/c/<slug>/organize/new-page", "admin.new_page", lambda slug: "")
    with pytest.raises(LookupError, match="admin.new_page"):
        route_urls(other, site)


@pytest.mark.parametrize("role", ROLES)
def test_every_response_has_the_security_headers(app, site, role):
    client = _client_as(app, site, role)
    problems = []
    for endpoint, url in pages_for(app, site, role, html_only=False):
        if endpoint == "public.set_language":
            continue  # it would switch the language of the rest of the walk
        response = client.get(url)
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        checks = {
            "status": response.status_code == 200,
            "csp": "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp,
            "frame": headers.get("X-Frame-Options") == "DENY",
            "nosniff": headers.get("X-Content-Type-Options") == "nosniff",
            "referrer": headers.get("Referrer-Policy") == "same-origin",
            "no hsts over http": "Strict-Transport-Security" not in headers,
        }
        if endpoint not in NOT_HTML:
            html = response.get_data(as_text=True)
            checks["no inline script"] = not INLINE_SCRIPT.search(html)
            checks["no inline style"] = not INLINE_STYLE.search(html)
        response.close()
        problems += [f"{url}: {name}" for name, ok in checks.items() if not ok]
    assert problems == []


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://contest.example.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_error_pages_have_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_every_organizer_page_has_the_tab_bar_and_one_h1(app, site):
    client = _client_as(app, site, "organizer")
    problems = []
    for endpoint, url in pages_for(app, site, "organizer"):
        if not url.startswith("/c/") or "/organize/" not in url:
            continue
        html = client.get(url).get_data(as_text=True)
        nav = re.search(r'<nav class="admin-nav[^"]*"[^>]*>(.*?)</nav>', html, re.S)
        tabs = re.findall(r'<a class="nav-link[^"]*"[^>]*>([^<]+)</a>', nav.group(1)) if nav else []
        if tabs != ORGANIZER_TABS:
            problems.append(f"{endpoint} {url}: tabs {tabs}")
        if len(re.findall(r"<h1\b", html)) != 1:
            problems.append(f"{endpoint} {url}: {len(re.findall(r'<h1', html))} <h1>")
    assert problems == []


def test_healthz_says_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "uploads": "ok"}


def test_healthz_names_an_unwritable_upload_folder(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    app.config["UPLOAD_FOLDER"] = blocker / "uploads"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing" and body["database"] == "ok"
    assert body["uploads"].startswith("not writable")
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_healthz_names_an_unreachable_database(tmp_path):
    from contest import create_app
    from tests.conftest import TestConfig

    class Broken(TestConfig):
        INSTANCE_PATH = tmp_path / "instance"
        UPLOAD_FOLDER = tmp_path / "instance" / "uploads"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"

    app = create_app(Broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"].startswith("unreachable")
    with app.app_context():
        from contest.extensions import db

        db.engine.dispose()
