"""The address printed in the QR codes: shown on the certificates page, and a warning when
no phone could open it."""
from __future__ import annotations

import pytest

from contest.models import Role

CERTIFICATES = "/c/dvk-2022/organize/certificates"


@pytest.fixture
def organizer(client, make_user, login):
    client.get("/lang/en")
    login(make_user(Role.ORGANIZER))


@pytest.mark.parametrize("setting, printed", [
    ("http://127.0.0.1:5150", "http://127.0.0.1:5150/verify"),
    ("http://localhost:5000/", "http://localhost:5000/verify"),
])
def test_a_loopback_address_is_shown_with_a_warning(app, client, demo_contest, organizer, setting, printed):
    app.config["PUBLIC_BASE_URL"] = setting
    page = client.get(CERTIFICATES).get_data(as_text=True)
    assert 'id="base-url-warning"' in page
    assert "The QR codes would point at this computer only." in page
    assert f"<code>{printed}</code>" in page


def test_a_public_address_is_shown_without_a_warning(app, client, finalized_demo, organizer):
    app.config["PUBLIC_BASE_URL"] = "https://cuocthi.example.vn/"
    page = client.get(CERTIFICATES).get_data(as_text=True)
    assert 'id="base-url-warning"' not in page
    assert "<code>https://cuocthi.example.vn/verify</code>" in page


def test_in_development_a_loopback_address_is_expected(app, client, demo_contest, organizer):
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    app.debug = True
    try:
        page = client.get(CERTIFICATES).get_data(as_text=True)
    finally:
        app.debug = False
    assert 'id="base-url-warning"' not in page
    assert "<code>http://127.0.0.1:5000/verify</code>" in page


@pytest.mark.parametrize("environment, expected", [
    ({"PORT": "5150"}, "http://127.0.0.1:5150"),
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5150", "PUBLIC_BASE_URL": "https://cuocthi.example.vn"}, "https://cuocthi.example.vn"),
])
def test_the_demo_prints_the_address_it_serves_on(environment, expected):
    """scripts/demo's own line that sets PUBLIC_BASE_URL, run by bash."""
    import os
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "demo"
    line = next(line for line in script.read_text().splitlines() if "export PUBLIC_BASE_URL" in line)
    env = {"PATH": os.environ["PATH"], **environment}
    out = subprocess.run(["bash", "-c", f'{line}; printf %s "$PUBLIC_BASE_URL"'], env=env,
                         check=True, capture_output=True, text=True).stdout
    assert out == expected
