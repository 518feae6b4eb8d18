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


def test_publishing_mails_every_author_once_winners_with_their_certificates(
        app, finalized_demo, smtp_server, deliver):
    from contest.models import Entry, User
    from contest.results.services import publish

    publish(finalized_demo, actor=None)
    assert deliver() == 0  # nothing before the commit
    db.session.commit()
    deliver()

    entries = db.session.scalars(select(Entry).where(Entry.contest_id == finalized_demo.id)).all()
    addresses = {e.email for e in entries} | {e.submitted_by.email for e in entries if e.submitted_by}
    received = {m.rcpt_tos[0]: m for m in smtp_server.messages}
    assert len(smtp_server.messages) == len(addresses) == len(received)
    assert set(received) == addresses

    cert = first_certificate()
    winner = received[cert.entry.email]
    assert winner.subject == f"Đã công bố kết quả “{finalized_demo.name}”"
    assert cert.number in winner.text and f"/verify/{cert.token}" in winner.text
    assert (f"/c/dvk-2022/entries/{cert.entry.code}/certificates/{cert.document_kind.code}.pdf"
            in winner.text)
    assert cert.tier_name in winner.text
    awarded = set(db.session.scalars(select(Certificate.entry_id)))
    loser = next(e for e in entries if e.id not in awarded and e.submitted_by is None)
    assert "/verify/" not in received[loser.email].text
    assert f"Tác phẩm {loser.code} “{loser.title}” của bạn lần này chưa đạt giải." in received[loser.email].text

    # The account that submitted three entries gets one mail naming all three.
    author = db.session.scalar(select(User).where(User.email == "tacgia@dvk2022.vn"))
    mine = [e.code for e in entries if e.submitted_by_id == author.id]
    assert len(mine) == 3 and all(code in received[author.email].text for code in mine)


def demo_author(login):
    from contest.demo import AUTHOR
    from contest.models import User

    _, email, _, password = AUTHOR
    author = db.session.scalar(select(User).where(User.email == email))
    login(author, password)
    return author


def test_the_public_results_show_scores_only_when_the_contest_does(client, published_demo):
    from contest.models import Award

    award = db.session.scalars(select(Award)).first()
    assert published_demo.show_scores  # the example settings file shows them
    page = client.get("/c/dvk-2022/results").get_data(as_text=True)
    assert award.entry.title in page and f'<td class="score">{award.score}</td>' in page
    published_demo.show_scores = False
    db.session.commit()
    page = client.get("/c/dvk-2022/results").get_data(as_text=True)
    assert award.entry.title in page and award.entry.author_names[0] in page
    assert f'<td class="score">{award.score}</td>' not in page and ">Score<" not in page


def test_each_author_sees_their_result_and_downloads_their_certificates(client, published_demo, login):
    from contest.models import Entry, EntryResult

    author = demo_author(login)
    mine = db.session.scalars(select(Entry).where(Entry.submitted_by_id == author.id)).all()
    results = {r.entry_id: r for r in db.session.scalars(select(EntryResult))}
    won = {c.entry_id: c for c in db.session.scalars(select(Certificate))}
    page = client.get("/my/entries").get_data(as_text=True)
    for entry in mine:
        result = results[entry.id]
        assert f"Score {result.score}, rank {result.rank}." in page
        if entry.id in won:
            cert = won[entry.id]
            url = f"/c/dvk-2022/entries/{entry.code}/certificates/{cert.document_kind.code}.pdf"
            assert url in page and cert.tier_name in page
            assert client.get(url).status_code == 200
    assert page.count("Not awarded") == len([e for e in mine if e.id not in won])

    published_demo.show_scores = False
    db.session.commit()
    page = client.get("/my/entries").get_data(as_text=True)
    assert "Score " not in page and ", rank " not in page


def test_before_publication_the_author_sees_no_result(client, finalized_demo, login):
    demo_author(login)
    page = client.get("/my/entries").get_data(as_text=True)
    assert "Not awarded" not in page and "rank" not in page and "Download" not in page


def test_a_winner_is_sent_only_the_certificates_valid_in_the_register(
        app, finalized_demo, smtp_server, deliver):
    from contest.certificates.register import reissue, revoke
    from contest.results.services import publish

    first = first_certificate()
    entry = first.entry
    merit = db.session.scalar(select(Certificate).where(
        Certificate.entry_id == entry.id, Certificate.number != first.number))
    assert merit is not None  # the A winner has a Bằng khen too
    revoked = revoke(merit, "Cấp nhầm", actor=None)
    new = reissue(first, "Sửa chính tả tên tác giả", actor=None, name=first.recipient + " (sửa)")
    publish(finalized_demo, actor=None)
    db.session.commit()
    deliver()

    mail = next(m for m in smtp_server.messages if m.rcpt_tos[0] == entry.email)
    assert new.number in mail.text and f"/verify/{new.token}" in mail.text
    assert f"/verify/{first.token}" not in mail.text and f"/verify/{revoked.token}" not in mail.text
    assert revoked.number not in mail.text
