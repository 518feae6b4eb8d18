"""Bad input anywhere: control characters (NUL) and huge numbers in every URL, query and form of the
app give a 400 or a form error, never a server error, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Contest, PrizeTier, Role
from tests.conftest import csrf_token, post_form
from tests.pages import LOGINS, ROLES, build_site, pages_for

HUGE = "100000000000000000000"        # 10^20
NUMERIC_ARGS = ("page", "judge", "seq", "number", "show")
NOT_POSTED = {"/auth/logout", "/lang/en", "/lang/vi"}   # would end the walk's session or language


class Forms(HTMLParser):
    """Every POST form of a page: its action and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        if self._fields is None or not attrs.get("name"):
            if tag == "option" and self._select and self._select not in self._fields:
                self._fields[self._select] = attrs.get("value", "")
            return
        if tag == "input" and attrs.get("type") not in ("file", "submit", "checkbox", "radio"):
            self._fields[attrs["name"]] = attrs.get("value") or ""
        elif tag in ("textarea", "input"):
            self._fields[attrs["name"]] = "1"
        elif tag == "select":
            self._select = attrs["name"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        if tag == "select":
            self._select = None


@pytest.fixture
def site(app):
    return build_site()


def client_as(app, site, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/auth/login", data={"email": LOGINS[role], "password": site.password(role),
                                                    "csrf_token": csrf_token(client, "/auth/login")})
        assert response.status_code == 302
    return client


def with_arg(url: str, arg: str) -> str:
    return url + ("&" if "?" in url else "?") + arg


@pytest.mark.parametrize("role", ROLES)
def test_a_control_character_in_any_address_is_a_400(app, site, role):
    client = client_as(app, site, role)
    wrong = []
    for _, url in pages_for(app, site, role, html_only=False):
        path, _, query = url.partition("?")
        for bad in (with_arg(url, "q=a%00b"), with_arg(url, "x%01=1"), path.rstrip("/") + "%00"
                    + ("/" if path.endswith("/") else "") + (f"?{query}" if query else "")):
            response = client.get(bad)
            if response.status_code != 400 or "control character" not in response.get_data(as_text=True):
                wrong.append(f"{bad}: {response.status_code}")
            response.close()
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_huge_numbers_in_any_query_are_never_a_server_error(app, site, role):
    client = client_as(app, site, role)
    wrong = []
    for _, url in pages_for(app, site, role, html_only=False):
        # Every numeric argument any page reads, at once (one that is refused answers 400).
        response = client.get(with_arg(url, "&".join(f"{arg}={HUGE}" for arg in NUMERIC_ARGS)))
        if response.status_code >= 500:
            wrong.append(f"{url}: {response.status_code}")
        response.close()
    assert wrong == []


def test_huge_ids_in_addresses_are_not_found(client, app, site, login):
    organizer = client_as(app, site, "organizer")
    v = site.values
    for url in (f"/c/{v['judged']}/organize/judges/{HUGE}/history",
                f"/c/{v['open']}/entries/{v['open_code']}/files/{HUGE}",
                f"/c/{v['published']}/organize/certificates/{v['doc_code']}/{HUGE}.pdf"):
        assert organizer.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_every_form_refuses_control_characters_and_huge_numbers(app, site, role):
    """Each POST form of every page the role sees, sent with a NUL in every field, then 10^20 in
    every field: a form error or a 400, never a server error."""
    client = client_as(app, site, role)
    sent, wrong = 0, []
    for _, url in pages_for(app, site, role):
        page = client.get(url)
        parser = Forms()
        parser.feed(page.get_data(as_text=True))
        for action, fields in parser.forms:
            target = action or url
            if target in NOT_POSTED:
                continue
            for variant in ("nul", "huge"):
                data = {name: value if name == "csrf_token" else (value + "\x00" if variant == "nul" else HUGE)
                        for name, value in fields.items()}
                data["csrf_token"] = csrf_token(client, url)
                response = client.post(target, data=data)
                sent += 1
                if response.status_code >= 500:
                    wrong.append(f"{variant} to {target} (from {url}): {response.status_code}")
    assert wrong == []
    assert sent > (0 if role == "anonymous" else 3)


@pytest.fixture
def organizer(client, login, make_user):
    user = make_user(Role.ORGANIZER)
    login(user)
    return user


def test_a_huge_quota_on_the_settings_page_is_a_form_error(client, organizer, make_contest):
    from tests.test_admin import read_form

    make_contest()
    url = "/c/thi-thu/organize/settings"
    fields = read_form(client.get(url).get_data(as_text=True)).fields
    fields.pop("csrf_token")
    fields["tiers-0-quota"] = HUGE
    response = post_form(client, url, fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This number is too large." in page
    assert f'value="{HUGE}"' in page                       # what was typed stays
    assert db.session.scalar(select(PrizeTier.quota).where(PrizeTier.code == "A")) == 1


def test_a_nul_in_a_text_field_is_a_form_error_and_the_text_stays(client, organizer, make_contest):
    from tests.test_admin import read_form

    make_contest()
    url = "/c/thi-thu/organize/settings"
    fields = read_form(client.get(url).get_data(as_text=True)).fields
    fields.pop("csrf_token")
    fields["name"] = "Cuộc thi\x00 mới"
    response = post_form(client, url, fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Remove the control characters (such as NUL) from this field." in page
    assert db.session.scalar(select(func.count(Contest.id)).where(Contest.name.contains("mới"))) == 0


def test_what_reaches_the_database_anyway_is_a_400(app, client, make_user):
    """The last line of defence, for a value no check caught (here: a route added without one)."""
    from sqlalchemy import update

    from contest.models import User

    make_user()

    @app.get("/probe-number")
    def probe():
        db.session.execute(update(User).values(session_version=10**20))
        return "unreachable"

    response = client.get("/probe-number")
    assert response.status_code == 400
    assert "too large, or holds a character that cannot be stored" in response.get_data(as_text=True)
