"""An import's file held between preview and apply: only for its contest and organizer, applied
once, kept when the apply fails, and not kept past a day or when it does not read."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from contest.extensions import db
from contest.held_uploads import KEPT_FOR_SECONDS, HeldUploads
from contest.importing import CsvImportError
from contest.models import Entry, Role
from tests.conftest import PASSWORD, csrf_token, post_form

HEADER = "code,title,category,author_kind,authors"
GOOD = f"{HEADER}\n,Con đường hoa ở xã Tân Trào,BAO,individual,Nguyễn Thị Thuỳ Dương\n".encode()


def url(slug: str) -> str:
    return f"/c/{slug}/organize/entries/import"


def upload(client, slug: str, data: bytes = GOOD, name: str = "a.csv"):
    return client.post(url(slug), data={"csrf_token": csrf_token(client, url(slug)),
                                        "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def token_of(page: str) -> str:
    return page.split('name="token" type="hidden" value="')[1].split('"')[0]


def apply(client, slug: str, token: str):
    return client.post(f"{url(slug)}/apply", data={"csrf_token": csrf_token(client, url(slug)), "token": token},
                       follow_redirects=True)


def entries() -> int:
    return db.session.scalar(select(func.count(Entry.id)))


def held_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "entry-imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def signed_in(app, user):
    client = app.test_client()
    assert post_form(client, "/auth/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def organizer(make_user):
    return make_user(Role.ORGANIZER, email="bantochuc@example.vn")


def test_a_held_file_applies_only_in_its_contest_and_for_its_organizer(app, make_contest, make_user, organizer):
    make_contest("thi-thu")
    make_contest("thi-khac")
    mine, other = signed_in(app, organizer), signed_in(app, make_user(Role.ORGANIZER))
    token = token_of(upload(mine, "thi-thu").get_data(as_text=True))
    for client, slug in ((mine, "thi-khac"), (other, "thi-thu"), (other, "thi-khac")):
        assert "This upload has expired" in apply(client, slug, token).get_data(as_text=True)
    assert entries() == 0 and len(held_files(app)) == 1
    assert "1 entries created, 0 updated." in apply(mine, "thi-thu", token).get_data(as_text=True)
    assert entries() == 1 and held_files(app) == []


def test_a_file_held_for_a_day_has_expired_and_is_removed(app, make_contest, organizer):
    make_contest()
    client = signed_in(app, organizer)
    token = token_of(upload(client, "thi-thu").get_data(as_text=True))
    [path] = held_files(app)
    day_ago = time.time() - KEPT_FOR_SECONDS - 1
    os.utime(path, (day_ago, day_ago))
    assert "This upload has expired" in apply(client, "thi-thu", token).get_data(as_text=True)
    assert entries() == 0 and held_files(app) == []


def test_a_cancelled_preview_changes_nothing_and_its_file_goes_a_day_later(app, make_contest, organizer):
    make_contest()
    client = signed_in(app, organizer)
    preview = upload(client, "thi-thu").get_data(as_text=True)
    cancel = preview.split('class="btn btn-outline-secondary" href="')[1].split('"')[0]
    page = client.get(cancel).get_data(as_text=True)
    assert 'name="token"' not in page and 'type="file"' in page
    assert entries() == 0
    [left] = held_files(app)
    day_ago = time.time() - KEPT_FOR_SECONDS - 1
    os.utime(left, (day_ago, day_ago))
    token = token_of(upload(client, "thi-thu").get_data(as_text=True))  # the next upload sweeps it away
    assert [p.name for p in held_files(app)] != [left.name] and len(held_files(app)) == 1
    assert "1 entries created" in apply(client, "thi-thu", token).get_data(as_text=True)


def test_a_file_that_does_not_read_is_not_kept(app, make_contest, organizer):
    make_contest()
    client = signed_in(app, organizer)
    page = upload(client, "thi-thu", b"title\nkhong du cot\n").get_data(as_text=True)
    assert "Nothing was imported" in page and 'name="token"' not in page
    assert held_files(app) == []


@pytest.mark.parametrize("token", ["", "../../contest", "a/b", "a.csv", "x" * 22])
def test_a_token_not_held_finds_nothing(app, make_contest, organizer, token):
    contest = make_contest()
    with app.test_request_context():
        from flask_login import login_user

        login_user(organizer)
        assert HeldUploads("entry-imports").find(contest, token) is None


@pytest.fixture
def held(app, make_contest, organizer):
    """A file held for the organizer (signed in for the test's request) and the holder."""
    from flask_login import login_user

    contest = make_contest()
    with app.test_request_context():
        login_user(organizer)
        holder = HeldUploads("entry-imports")
        file = holder.hold(contest, FileStorage(io.BytesIO(GOOD), "danh-sach.xlsx"))
        yield contest, holder, file


def test_the_held_file_keeps_its_kind_and_content(held):
    contest, holder, file = held
    found = holder.find(contest, file.token)
    assert found is not None and found.name.endswith(".xlsx") and found.read() == GOOD


def test_a_second_apply_during_the_first_finds_nothing(held):
    contest, holder, file = held
    inner = []

    def first(raw, name):
        inner.append(holder.apply(contest, file.token, lambda raw, name: "twice"))
        return "once"

    assert holder.apply(contest, file.token, first) == "once"
    assert inner == [None]
    assert holder.apply(contest, file.token, lambda raw, name: "again") is None
    assert list(holder.folder.iterdir()) == []


@pytest.mark.parametrize("error", [CsvImportError(["row 2: wrong"]), RuntimeError("the database went away")])
def test_a_failed_apply_rolls_back_and_keeps_the_file(held, make_user, error):
    contest, holder, file = held

    def failing(raw, name):
        contest.name = "Đổi tên giữa chừng"
        raise error

    with pytest.raises(type(error)):
        holder.apply(contest, file.token, failing)
    assert contest.name != "Đổi tên giữa chừng"
    assert holder.apply(contest, file.token, lambda raw, name: (raw, name)) == (GOOD, file.path.name)
    assert list(holder.folder.iterdir()) == []
