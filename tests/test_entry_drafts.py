"""The author's entry form beyond a plain submission: drafts, co-authors in order, a collective
with its representative, the model described, a video link instead of a file, withdrawal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from contest.extensions import db
from contest.judging.services import rankable_entries
from contest.models import Entry, EntryStatus, OutgoingMail, Role
from tests.conftest import post_form
from tests.test_entries import count, edit, entry_data, submit, text_of, upload

NAME = "Nguyễn Thị Thuỳ Dương"


def entries() -> list[Entry]:
    db.session.expire_all()
    return list(db.session.scalars(select(Entry).order_by(Entry.id)))


def receipts() -> list[str]:
    return list(db.session.scalars(select(OutgoingMail.recipient)
                                   .where(OutgoingMail.template == "receipt")))


def test_a_draft_keeps_what_was_typed_without_files_and_is_submitted_later(
        app, client, make_user, login, make_contest):
    contest = make_contest()
    author = make_user(Role.AUTHOR, name=NAME, email="duong@example.vn")
    author.email_confirmed_at = None  # a draft needs no confirmed address
    db.session.commit()
    login(author)

    response = submit(client, contest, entry_data(contest, files=[], link="", draft="y", submit=""))
    assert response.status_code == 302
    [draft] = entries()
    assert draft.status is EntryStatus.DRAFT and draft.code.startswith("draft-")
    assert draft.title == "Con đường hoa ở xã Tân Trào" and draft.files == []
    assert receipts() == []
    assert response.headers["Location"].endswith(f"/entries/{draft.code}/edit")
    page = text_of(client.get(f"/my/entries"))
    assert "Continue the draft" in page and "TT-0001" not in page

    # Organizers do not see drafts.
    organizer_client = app.test_client()
    organizer = make_user(Role.ORGANIZER)
    post_form(organizer_client, "/auth/login", {"email": organizer.email, "password": "correct-horse-42"})
    assert draft.code not in text_of(organizer_client.get(f"/c/{contest.slug}/organize/entries"))

    # Submitting waits for the confirmed address; the draft stays as it was.
    refused = edit(client, draft, entry_data(contest, submit="y"))
    assert "Confirm your e-mail address first" in text_of(refused)
    assert entries()[0].status is EntryStatus.DRAFT
    author = db.session.get(type(author), author.id)
    author.email_confirmed_at = datetime.now(timezone.utc)
    db.session.commit()
    draft = entries()[0]
    done = edit(client, draft, entry_data(contest, submit="y", files=[upload("Bài viết.pdf")]))
    assert done.status_code == 302
    [entry] = entries()
    assert (entry.code, entry.status) == ("TT-0001", EntryStatus.SUBMITTED)
    assert done.headers["Location"].endswith("/entries/TT-0001")
    assert [f.original_name for f in entry.files] == ["Bài viết.pdf"]
    assert receipts() == ["duong@example.vn"]


def test_co_authors_in_order_the_model_and_a_video_link_instead_of_a_file(client, make_user, login,
                                                                           make_contest):
    contest = make_contest()
    login(make_user(Role.AUTHOR, name=NAME))
    response = submit(client, contest, entry_data(
        contest, authors=f"{NAME}\nĐặng Văn Ơn\nLê Thị Mỹ", files=[],
        link="https://www.youtube.com/watch?v=dvk2022", model_name="Con đường hoa",
        model_commune="Tân Trào", model_district="Kiến Thụy"))
    assert response.status_code == 302
    [entry] = entries()
    assert entry.author_names == [NAME, "Đặng Văn Ơn", "Lê Thị Mỹ"]
    assert (entry.model_name, entry.model_commune, entry.model_district) == (
        "Con đường hoa", "Tân Trào", "Kiến Thụy")
    assert entry.link == "https://www.youtube.com/watch?v=dvk2022" and entry.files == []
    page = text_of(client.get(f"/c/{contest.slug}/entries/{entry.code}"))
    assert page.index(NAME) < page.index("Đặng Văn Ơn") < page.index("Lê Thị Mỹ")
    assert "Con đường hoa" in page and "Tân Trào, Kiến Thụy" in page


def test_an_author_withdraws_an_entry_with_a_reason_before_the_deadline(client, make_user, login,
                                                                         make_contest):
    contest = make_contest()
    login(make_user(Role.AUTHOR, name=NAME))
    submit(client, contest, entry_data(contest))
    [entry] = entries()
    receipt = f"/c/{contest.slug}/entries/{entry.code}"
    assert "Withdraw the entry" in text_of(client.get(receipt))

    post_form(client, receipt + "/withdraw", {"reason": "  "}, form_page=receipt)
    assert entries()[0].status is EntryStatus.SUBMITTED
    page = text_of(client.get(receipt))
    assert "Give a reason to withdraw the entry. Nothing was changed." in page

    post_form(client, receipt + "/withdraw", {"reason": "Gửi nhầm bản chưa hoàn chỉnh"}, form_page=receipt)
    [entry] = entries()
    assert entry.status is EntryStatus.WITHDRAWN
    assert entry.withdrawn_reason == "Gửi nhầm bản chưa hoàn chỉnh" and entry.withdrawn_at is not None
    assert rankable_entries(contest) == []
    page = text_of(client.get(receipt))
    assert "Gửi nhầm bản chưa hoàn chỉnh" in page and "Edit the entry" not in page
    assert count(Entry) == 1  # kept on file
    # A withdrawn entry cannot be edited.
    again = edit(client, entry, entry_data(contest, title="Đổi tên"))
    assert "does not accept entries or changes now" in text_of(again)
    assert entries()[0].title == "Con đường hoa ở xã Tân Trào"


def test_after_the_deadline_an_entry_cannot_be_withdrawn(client, make_user, login, make_contest):
    contest = make_contest()
    login(make_user(Role.AUTHOR, name=NAME))
    submit(client, contest, entry_data(contest))
    [entry] = entries()
    receipt = f"/c/{contest.slug}/entries/{entry.code}"
    token_page = receipt
    form = client.get(token_page)
    assert form.status_code == 200
    contest = db.session.get(type(contest), contest.id)
    contest.closes_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    response = post_form(client, receipt + "/withdraw", {"reason": "Muộn rồi"}, form_page="/my/entries")
    assert response.status_code == 302
    assert entries()[0].status is EntryStatus.SUBMITTED
    assert "can no longer be withdrawn" in text_of(client.get(receipt))
