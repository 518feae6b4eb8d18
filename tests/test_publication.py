"""Before publication nobody but organizers reads the winners; publishing tells the authors."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.models import Certificate, Role


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the pages' English messages (their msgids)."""
    client.get("/lang/en")


def first_certificate() -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.number == "01/GCN-BTC"))


def test_an_anonymous_visitor_reads_no_winner_through_verify_before_publication(client, finalized_demo):
    cert = first_certificate()
    for url, query in ((f"/verify/{cert.token}", None), ("/verify", {"number": "01/GCN-BTC"})):
        page = client.get(url, query_string=query)
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Not yet published" in text
        assert cert.recipient not in text
        assert cert.entry_title not in text
        assert cert.tier_name not in text
        assert cert.token not in text or url.endswith(cert.token)
        assert "No certificate has" not in text


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.JUDGE])
def test_an_author_or_judge_reads_no_winner_before_publication_either(
        client, finalized_demo, make_user, login, role):
    cert = first_certificate()
    login(make_user(role))
    text = client.get("/verify", query_string={"number": "01/GCN-BTC"}).get_data(as_text=True)
    assert "Not yet published" in text and cert.recipient not in text


def test_organizers_read_the_certificate_before_publication(client, finalized_demo, make_user, login):
    cert = first_certificate()
    login(make_user(Role.ORGANIZER))
    text = client.get(f"/verify/{cert.token}").get_data(as_text=True)
    assert "Not yet published" not in text
    assert cert.recipient in text and cert.tier_name in text


def test_after_publication_everyone_reads_the_certificate(client, published_demo):
    cert = first_certificate()
    for url, query in ((f"/verify/{cert.token}", None), ("/verify", {"number": "01/GCN-BTC"})):
        text = client.get(url, query_string=query).get_data(as_text=True)
        assert "Not yet published" not in text
        assert cert.recipient in text and cert.tier_name in text


def test_an_unknown_number_is_still_unknown(client, finalized_demo):
    text = client.get("/verify", query_string={"number": "99/GCN-BTC"}).get_data(as_text=True)
    assert "No certificate has the number 99/GCN-BTC." in text
    assert "Not yet published" not in text
