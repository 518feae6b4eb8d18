"""Entries received by post, typed in by the secretariat: the day received, files later."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import AuditEvent, BlindStatus, Entry, EntryFile, Role
from tests import files
from tests.conftest import post_form


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER, email="thuky@example.vn", name="Thư ký Ban Tổ chức")
    login(user)
    return user


@pytest.fixture
def contest(make_contest):
    return make_contest()


def paper(contest, received_on: str, *uploads: tuple[str, bytes], **overrides) -> dict:
    data = {
        "received_on": received_on, "title": "Những con đường bích họa ở xã Đại Hợp",
        "category": str(contest.categories[0].id), "author_kind": "collective",
        "authors": "Hội Liên hiệp Phụ nữ xã Đại Hợp", "representative": "Vũ Thị Hoa",
        "organization": "Hội LHPN xã Đại Hợp",
        "district": "Kiến Thụy", "email": "phunu.daihop@example.vn", "phone": "0225 3880 123",
        "description": "Bài viết tay gửi qua bưu điện, kèm 6 ảnh in.",
        "files": [(io.BytesIO(content), name) for name, content in uploads],
    }
    data.update(overrides)
    return data


def enter(client, contest, data):
    return post_form(client, f"/c/{contest.slug}/organize/paper-entry", data,
                     content_type="multipart/form-data", follow_redirects=True)


def today() -> str:
    return datetime.now(timezone(timedelta(hours=7))).date().isoformat()


def test_an_entry_received_by_post_is_saved_without_files(client, organizer, contest):
    response = enter(client, contest, paper(contest, today()))
    page = response.get_data(as_text=True)
    assert "Entry TT-0001 is saved." in page
    assert "Received by post on" in page and "Attach files" in page
    entry = db.session.scalar(select(Entry))
    assert entry.received_on == date.fromisoformat(today())
    assert entry.submitted_by_id is None and entry.files == []
    assert entry.author_names == ["Hội Liên hiệp Phụ nữ xã Đại Hợp"] and entry.email == "phunu.daihop@example.vn"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.entered"))
    assert event.actor_id == organizer.id and event.details["received_on"] == today()


def test_the_entries_list_leads_to_the_paper_entry_form(client, organizer, contest):
    page = client.get(f"/c/{contest.slug}/organize/entries").get_data(as_text=True)
    assert f'href="/c/{contest.slug}/organize/paper-entry"' in page
    form = client.get(f"/c/{contest.slug}/organize/paper-entry").get_data(as_text=True)
    assert 'name="received_on"' in form and 'type="date"' in form


def test_a_day_still_to_come_is_refused_and_nothing_typed_is_lost(client, organizer, contest):
    tomorrow = (date.fromisoformat(today()) + timedelta(days=1)).isoformat()
    page = enter(client, contest, paper(contest, tomorrow)).get_data(as_text=True)
    assert "The day it was received cannot be in the future. Nothing was saved." in page
    assert 'value="Những con đường bích họa ở xã Đại Hợp"' in page
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_an_entry_received_after_the_closing_day_is_taken_and_flagged_for_screening(
        client, organizer, make_contest):
    now = datetime.now(timezone.utc)
    closed = make_contest("da-dong", code_prefix="DD", opens_at=now - timedelta(days=30),
                          closes_at=now - timedelta(days=3))
    page = enter(client, closed, paper(closed, today())).get_data(as_text=True)
    assert "Entry DD-0001 is saved." in page
    assert "It was received after the closing day" in page
    screening = client.get(f"/c/{closed.slug}/organize/screening").get_data(as_text=True)
    assert "DD-0001" in screening and "after the closing day" in screening


def test_files_follow_later_and_are_checked_like_the_authors(app, client, organizer, contest):
    enter(client, contest, paper(contest, today()))
    entry = db.session.scalar(select(Entry))
    url = f"/c/{contest.slug}/organize/entries/{entry.code}/attach"
    assert "Attach files to TT-0001" in client.get(url).get_data(as_text=True)

    refused = post_form(client, url, {"files": [(io.BytesIO(files.windows_program()), "ảnh quét.pdf")]},
                        content_type="multipart/form-data")
    assert "The file “ảnh quét.pdf” is a program, not a .pdf file. Nothing was saved." in \
        refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EntryFile)) == 0

    response = post_form(client, url, {"files": [(io.BytesIO(files.pdf()), "bài viết tay (bản quét).pdf"),
                                                 (io.BytesIO(files.jpeg()), "ảnh 1.jpg")]},
                         content_type="multipart/form-data", follow_redirects=True)
    assert "2 files attached to TT-0001." in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Entry, entry.id).files
    assert [f.original_name for f in stored] == ["bài viết tay (bản quét).pdf", "ảnh 1.jpg"]
    assert all(f.blind_status is BlindStatus.CLEAN for f in stored)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.files_attached"))
    assert [f["name"] for f in event.details["files"]] == ["bài viết tay (bản quét).pdf", "ảnh 1.jpg"]


def test_nothing_chosen_to_attach_is_a_form_error(client, organizer, contest):
    enter(client, contest, paper(contest, today()))
    url = f"/c/{contest.slug}/organize/entries/TT-0001/attach"
    page = post_form(client, url, {}, content_type="multipart/form-data").get_data(as_text=True)
    assert "Attach at least one file." in page


def test_a_finalized_contest_takes_no_paper_entry(client, login, make_user, finalized_demo):
    login(make_user(Role.ORGANIZER, email="btc2@example.vn"))
    before = db.session.scalar(select(func.count()).select_from(Entry))
    page = enter(client, finalized_demo, paper(finalized_demo, today())).get_data(as_text=True)
    assert "This contest is finalized: no entry can be added. Nothing was saved." in page
    assert db.session.scalar(select(func.count()).select_from(Entry)) == before
