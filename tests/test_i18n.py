"""The Vietnamese catalog is complete and compiled; Vietnamese is the default language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import Config
from tests.conftest import CSRF_RE

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "contest" / "translations" / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "N_": None, "N_plural": (1, 2)}


def extracted_msgids() -> set[str]:
    ids: set[str] = set()
    for folder, method in (("contest", "python"), ("templates", "jinja2")):
        mapping = [("**.py", "python")] if method == "python" else [("**.html", "jinja2")]
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, mapping, keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def catalog():
    with open(CATALOG / "messages.po", "rb") as f:
        return read_po(f, locale="vi")


def test_every_ui_string_has_a_vietnamese_translation(catalog):
    missing = sorted(
        msgid for msgid in extracted_msgids()
        if not (message := catalog.get(msgid)) or not message.string or message.fuzzy
    )
    assert missing == [], f"{len(missing)} strings lack a Vietnamese translation: {missing[:10]}"


def test_translations_keep_their_placeholders(catalog):
    wrong = [
        m.id for m in catalog if m.id and m.string
        and isinstance(m.id, str) and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_compiled_catalog_matches_the_po_file(catalog):
    with open(CATALOG / "messages.mo", "rb") as f:
        compiled = read_mo(f)
    # Plural messages: the .po reader gives tuples, the .mo reader lists.
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    expected = {plain(m.id): plain(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
    actual = {plain(m.id): plain(m.string) for m in compiled if m.id}
    assert actual == expected, "run scripts/translations compile"


@pytest.fixture
def vi_client(app):
    """A client of the app as configured for real use: Vietnamese by default."""
    app.config["BABEL_DEFAULT_LOCALE"] = Config.BABEL_DEFAULT_LOCALE
    return app.test_client()


def test_the_default_language_is_vietnamese():
    assert Config.BABEL_DEFAULT_LOCALE == "vi"


def test_pages_are_in_vietnamese_by_default(vi_client):
    page = vi_client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html


def test_english_is_one_click_away(vi_client):
    response = vi_client.get("/lang/en?next=/auth/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    html = vi_client.get("/auth/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in" in html


def test_language_switch_never_redirects_elsewhere(client):
    response = client.get("/lang/vi?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_wtforms_own_messages_are_in_vietnamese_too(vi_client):
    """WTForms ships no Vietnamese: its messages come from our catalog."""
    page = vi_client.get("/auth/register")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    html = vi_client.post("/auth/register", data={
        "csrf_token": token, "name": "", "email": "khong-phai-email", "password": "ngan",
        "confirm": "ngan"}).get_data(as_text=True)
    assert "Mục này là bắt buộc." in html
    assert "Địa chỉ email không hợp lệ." in html
    assert "This field is required." not in html and "Invalid email address." not in html


def test_wtforms_messages_stay_english_in_english(client):
    page = client.get("/auth/register")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    html = client.post("/auth/register", data={"csrf_token": token, "name": ""}).get_data(as_text=True)
    assert "This field is required." in html


def test_a_lazy_string_is_escaped_in_a_page(app):
    """Flask-Babel's lazy strings claim to be markup; ours are text, whatever they interpolate."""
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context():
        page = render_template_string("{{ message }}", message=lazy_gettext("unknown column '%(column)s'",
                                                                            column="<b>&</b>"))
    assert page == "unknown column &#39;&lt;b&gt;&amp;&lt;/b&gt;&#39;"
