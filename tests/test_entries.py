"""Authors through HTTP: submit, receipt, edit, downloads, my entries, certificates."""
from __future__ import annotations

import hashlib
import io
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import (
    AuditEvent,
    AuthorKind,
    Award,
    Certificate,
    Contest,
    ContestPhase,
    Entry,
    EntryFile,
    Role,
)
from contest.results.services import compute_ranking, finalize, publish, resolve_tie
from tests import files
from tests.conftest import post_form

NAME = "Nguyễn Thị Thuỳ Dương"
PDF_BYTES = b"%PDF-1.4 bai du thi\n"
# Made once: a package written a second later has other timestamps inside.
DOCX_BYTES = files.docx(identity=False)


def upload(name: str = "Bài dự thi.pdf", content: bytes = PDF_BYTES) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), name


def entry_data(contest: Contest, **overrides) -> dict:
    data = {
        "title": "Con đường hoa ở xã Tân Trào",
        "category": str(contest.categories[1].id),
        "author_kind": "individual",
        "authors": f"{NAME}\nĐặng Văn Ơn",
        "organization": "Hội Nông dân xã Tân Trào",
        "district": "Kiến Thụy",
        "email": "duong@example.vn",
        "phone": "0912 345 678",
        "description": "Mô hình “Con đường hoa” ở thôn Đông, xã Tân Trào.",
        "link": "https://video.example.vn/con-duong-hoa",
        "files": [upload()],
    }
    data.update(overrides)
    return data


def submit(client, contest: Contest, data: dict):
    url = f"/c/{contest.slug}/submit"
    return post_form(client, url, data, content_type="multipart/form-data")


def edit(client, entry: Entry, data: dict):
    url = f"/c/{entry.contest.slug}/entries/{entry.code}/edit"
    return post_form(client, url, data, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> list[Path]:
    """The files as the authors sent them (not the judges' blind copies beside them)."""
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.iterdir() if not p.stem.endswith("-blind")) if folder.exists() else []


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def author(make_user, login):
    user = make_user(Role.AUTHOR, name=NAME, email="duong@example.vn")
    login(user)
    return user


@pytest.fixture
def contest(make_contest):
    return make_contest()


@pytest.fixture
def closed_contest(make_contest):
    now = datetime.now(timezone.utc)
    return make_contest("da-dong", code_prefix="DD",
                        opens_at=now - timedelta(days=30), closes_at=now - timedelta(hours=1))


@pytest.fixture
def submitted(client, author, contest) -> Entry:
    """An entry the logged-in author submitted through the form, with two files."""
    response = submit(client, contest, entry_data(contest, files=[
        upload("Bài viết.docx", DOCX_BYTES), upload("Ảnh 1.jpg", files.jpeg(identity=False)),
    ]))
    assert response.status_code == 302
    return db.session.scalar(select(Entry))


# --- submitting -------------------------------------------------------------

def test_submit_stores_the_entry_and_its_file_under_the_instance(app, client, author, contest):
    response = submit(client, contest, entry_data(contest))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/thi-thu/entries/TT-0001")

    entry = db.session.scalar(select(Entry))
    assert entry.code == "TT-0001"
    assert entry.submitted_by_id == author.id
    assert entry.title == "Con đường hoa ở xã Tân Trào"
    assert entry.category == contest.categories[1]
    assert entry.author_kind is AuthorKind.INDIVIDUAL
    assert entry.author_names == [NAME, "Đặng Văn Ơn"]
    assert (entry.organization, entry.district) == ("Hội Nông dân xã Tân Trào", "Kiến Thụy")
    assert (entry.email, entry.phone) == ("duong@example.vn", "0912 345 678")
    assert entry.link == "https://video.example.vn/con-duong-hoa"

    [stored] = entry.files
    assert stored.original_name == "Bài dự thi.pdf"
    assert stored.size == len(PDF_BYTES)
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    [on_disk] = stored_files(app)
    assert on_disk.name == stored.stored_name
    assert on_disk.read_bytes() == PDF_BYTES
    assert on_disk.is_relative_to(Path(app.instance_path))
    assert not on_disk.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target == "TT-0001")) \
        == "entry.submitted"

    page = text_of(client.get(response.headers["Location"]))
    assert "Your entry was received. Its code is TT-0001." in page
    for shown in ("TT-0001", "Received at", NAME, "Đặng Văn Ơn", "Kiến Thụy", "Bài dự thi.pdf",
                  "Hội Nông dân xã Tân Trào", contest.categories[1].name):
        assert shown in page


def test_a_name_typed_decomposed_is_stored_composed_and_shown_exactly(client, author, contest):
    typed = unicodedata.normalize("NFD", NAME)
    title = unicodedata.normalize("NFD", "Thủy Nguyên: nước sạch về thôn")
    assert typed != NAME
    response = submit(client, contest, entry_data(contest, authors=f" {typed} ", title=title))
    entry = db.session.scalar(select(Entry))
    assert entry.author_names == [NAME]
    assert entry.title == "Thủy Nguyên: nước sạch về thôn"
    page = text_of(client.get(response.headers["Location"]))
    assert NAME in page
    assert "Thủy Nguyên: nước sạch về thôn" in page
    assert typed not in page


def test_the_form_is_prefilled_from_the_account(client, author, contest):
    page = text_of(client.get("/c/thi-thu/submit"))
    assert f">\r\n{NAME}</textarea>" in page
    assert 'value="duong@example.vn"' in page
    assert 'accept=".pdf,.doc,' in page
    for category in contest.categories:
        assert category.name in page


def test_a_second_entry_starts_from_the_unit_and_phone_of_the_last(client, author, contest, make_entry):
    make_entry(contest, submitted_by=author, organization="Trường THCS Lưu Kiếm", phone="0987 654 321")
    page = text_of(client.get("/c/thi-thu/submit"))
    assert 'value="Trường THCS Lưu Kiếm"' in page
    assert 'value="0987 654 321"' in page
    assert 'value="duong@example.vn"' in page  # the account's, not the entry's


def test_a_collective_gives_its_name(client, author, contest):
    submit(client, contest, entry_data(contest, author_kind="collective",
                                       authors="Tập thể Hội Liên hiệp Phụ nữ xã Lưu Kiếm",
                                       representative="Vũ Thị Hằng"))
    entry = db.session.scalar(select(Entry))
    assert entry.author_kind is AuthorKind.COLLECTIVE
    assert entry.author_names == ["Tập thể Hội Liên hiệp Phụ nữ xã Lưu Kiếm"]
    assert entry.representative == "Vũ Thị Hằng"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"files": [upload("virus.exe", b"MZ")]}, "“virus.exe” is not an accepted type."),
    ({"files": [upload("bai.pdf"), upload("bai.exe", b"MZ")]}, "“bai.exe” is not an accepted type."),
    ({"files": [], "link": ""}, "Attach at least one file, or give a video link."),
    ({"title": "   "}, "This field is required."),
    ({"authors": " \n \n"}, "This field is required."),
    ({"link": "javascript:alert(1)"}, "Give a web address starting with http:// or https://"),
    ({"link": "https://"}, "Give a web address starting with http:// or https://"),
    ({"link": "https://youtube"}, "Give a web address starting with http:// or https://"),
    ({"link": "https://www.you tube.com/watch"}, "Give a web address starting with http:// or https://"),
    ({"author_kind": "collective", "representative": ""}, "Name the person who represents the collective."),
    ({"email": "khong-phai-email"}, "Invalid email address."),
    ({"author_kind": "robot"}, "Not a valid choice"),
    ({"category": "999999"}, "Not a valid choice"),
])
def test_bad_input_shows_a_message_and_stores_nothing(app, client, author, contest, overrides, message):
    response = submit(client, contest, entry_data(contest, **overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert "Nothing was saved yet: please correct the fields marked in red below." in text_of(response)
    assert count(Entry) == 0
    assert count(EntryFile) == 0
    assert stored_files(app) == []


def test_an_empty_file_is_refused_and_files_already_written_are_removed(app, client, author, contest):
    response = submit(client, contest, entry_data(contest, files=[upload("bai.pdf"), upload("trong.pdf", b"")]))
    assert response.status_code == 200
    assert "The file “trong.pdf” could not be accepted" in text_of(response)
    assert count(Entry) == 0
    assert stored_files(app) == []
    # The refused attempt did not use up a code.
    submit(client, contest, entry_data(contest))
    assert db.session.scalar(select(Entry.code)) == "TT-0001"


def test_a_too_large_upload_gets_the_413_page(app, client, author, contest):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = submit(client, contest, entry_data(contest, files=[upload("video.mp4", b"x" * 10_000)]))
    assert response.status_code == 413
    assert "The files sent are too large: at most 50 MB per file and 100 MB" in text_of(response)
    assert count(Entry) == 0
    assert stored_files(app) == []


def test_a_post_without_csrf_token_is_refused(app, client, author, contest):
    response = client.post("/c/thi-thu/submit", data=entry_data(contest),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(Entry) == 0
    assert stored_files(app) == []


# --- the deadline ------------------------------------------------------------

def test_a_closed_contest_shows_its_window_and_refuses_entries(app, client, author, closed_contest):
    page = client.get("/c/da-dong/submit")
    assert page.status_code == 200
    body = text_of(page)
    assert "Submissions are closed" in body
    assert closed_contest.closes_at.astimezone(closed_contest.tz).strftime("%d/%m/%Y %H:%M") in body
    assert 'name="title"' not in body

    response = submit(client, closed_contest, entry_data(closed_contest))
    assert response.status_code == 200
    assert "Nothing was saved." in text_of(response)
    assert count(Entry) == 0
    assert stored_files(app) == []


def test_a_contest_not_yet_open_says_when_it_opens(client, author, make_contest):
    now = datetime.now(timezone.utc)
    soon = make_contest("sap-mo", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9))
    body = text_of(client.get("/c/sap-mo/submit"))
    assert "Submissions have not opened yet" in body
    assert soon.opens_at.astimezone(soon.tz).strftime("%d/%m/%Y %H:%M") in body


def test_judging_closes_submissions_even_inside_the_window(client, author, contest):
    contest.phase = ContestPhase.JUDGING
    db.session.commit()
    assert "Submissions are closed" in text_of(client.get("/c/thi-thu/submit"))
    submit(client, contest, entry_data(contest))
    assert count(Entry) == 0


def test_the_deadline_is_absolute_time_shown_in_the_contest_timezone(client, author, make_contest):
    closes = datetime(2022, 11, 30, 17, 0, tzinfo=timezone.utc)  # 1 December 00:00 in Hải Phòng
    make_contest("dvk-cu", opens_at=closes - timedelta(days=190), closes_at=closes)
    assert "01/12/2022 00:00 (UTC+7)" in text_of(client.get("/c/dvk-cu/submit"))


# --- editing -----------------------------------------------------------------

def test_editing_while_open_keeps_removed_files_on_disk(app, client, submitted):
    docx, jpg = submitted.files
    response = edit(client, submitted, entry_data(
        submitted.contest, title="Con đường hoa (bản sửa)", authors="Đặng Văn Ơn\n" + NAME,
        remove_files=[str(docx.id)], files=[upload("Bản sửa.pdf")],
    ))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/entries/{submitted.code}")

    db.session.expire_all()
    entry = db.session.get(Entry, submitted.id)
    assert entry.title == "Con đường hoa (bản sửa)"
    assert entry.author_names == ["Đặng Văn Ơn", NAME]
    assert [f.original_name for f in entry.files] == ["Ảnh 1.jpg", "Bản sửa.pdf"]
    assert len(stored_files(app)) == 3  # the removed file is still there
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.updated"))
    assert audit.details["removed_files"][0]["stored_name"] == docx.stored_name
    assert (Path(app.config["UPLOAD_FOLDER"]) / docx.stored_name).read_bytes() == DOCX_BYTES
    assert "Your changes to TT-0001 are saved." in text_of(client.get(response.headers["Location"]))


def test_the_edit_form_shows_what_the_entry_holds(client, submitted):
    page = text_of(client.get(f"/c/thi-thu/entries/{submitted.code}/edit"))
    assert 'value="Con đường hoa ở xã Tân Trào"' in page
    assert f">\r\n{NAME}\nĐặng Văn Ơn</textarea>" in page
    assert "Bài viết.docx" in page and "Ảnh 1.jpg" in page
    assert 'name="remove_files"' in page


def test_an_edit_must_keep_at_least_one_file_or_a_video_link(app, client, submitted):
    ids = [str(f.id) for f in submitted.files]
    response = edit(client, submitted, entry_data(submitted.contest, title="Đổi tên", remove_files=ids,
                                                  files=[], link=""))
    assert response.status_code == 200
    assert "Attach at least one file, or give a video link." in text_of(response)
    db.session.expire_all()
    entry = db.session.get(Entry, submitted.id)
    assert entry.title == "Con đường hoa ở xã Tân Trào"
    assert len(entry.files) == 2


def test_an_edit_after_the_deadline_is_refused(app, client, submitted):
    contest = submitted.contest
    contest.closes_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/c/thi-thu/entries/{submitted.code}/edit")
    assert "Submissions are closed" in text_of(page)
    assert 'name="title"' not in text_of(page)

    response = edit(client, submitted, entry_data(contest, title="Quá hạn", files=[upload("muon.pdf")]))
    assert "Nothing was saved." in text_of(response)
    db.session.expire_all()
    entry = db.session.get(Entry, submitted.id)
    assert entry.title == "Con đường hoa ở xã Tân Trào"
    assert len(entry.files) == 2
    assert len(stored_files(app)) == 2
    receipt = text_of(client.get(f"/c/thi-thu/entries/{submitted.code}"))
    assert "/edit" not in receipt


# --- who sees what -------------------------------------------------------------

def test_another_author_gets_404_everywhere(client, submitted, make_user, login):
    file_id = submitted.files[0].id
    post_form(client, "/auth/logout", form_page="/my/entries")
    login(make_user(Role.AUTHOR))
    base = f"/c/thi-thu/entries/{submitted.code}"
    for url in (base, base + "/edit", f"{base}/files/{file_id}", base + "/certificates/GCN.pdf"):
        assert client.get(url).status_code == 404, url
    response = post_form(client, base + "/edit", entry_data(submitted.contest, title="Chiếm"),
                         form_page="/my/entries", content_type="multipart/form-data")
    assert response.status_code == 404
    assert "TT-0001" not in text_of(client.get("/my/entries"))
    db.session.expire_all()
    assert db.session.get(Entry, submitted.id).title == "Con đường hoa ở xã Tân Trào"


def test_an_entry_is_only_found_in_its_own_contest(client, submitted, make_contest):
    make_contest("cuoc-thi-khac", code_prefix="TT")
    assert client.get(f"/c/cuoc-thi-khac/entries/{submitted.code}").status_code == 404
    file_id = submitted.files[0].id
    assert client.get(f"/c/cuoc-thi-khac/entries/{submitted.code}/files/{file_id}").status_code == 404


def test_a_file_of_another_entry_is_not_served_through_mine(client, author, contest, make_entry):
    mine = make_entry(contest, submitted_by=author)
    other = make_entry(contest)
    other.files.append(EntryFile(original_name="x.pdf", stored_name="x.pdf", content_type="application/pdf",
                                 size=1, sha256="0" * 64))
    db.session.commit()
    assert client.get(f"/c/thi-thu/entries/{mine.code}/files/{other.files[0].id}").status_code == 404


def test_the_owner_downloads_a_file_under_its_real_name(client, submitted):
    stored = submitted.files[0]
    with client.get(f"/c/thi-thu/entries/{submitted.code}/files/{stored.id}") as response:
        assert response.status_code == 200
        assert response.data == DOCX_BYTES
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert quote("Bài viết.docx") in disposition


def test_an_organizer_sees_the_receipt_and_files_but_cannot_edit(client, submitted, make_user, login):
    post_form(client, "/auth/logout", form_page="/my/entries")
    login(make_user(Role.ORGANIZER, Role.AUTHOR))
    base = f"/c/thi-thu/entries/{submitted.code}"
    assert NAME in text_of(client.get(base))
    with client.get(f"{base}/files/{submitted.files[0].id}") as response:
        assert response.status_code == 200
    assert client.get(base + "/edit").status_code == 403


@pytest.mark.parametrize(("roles", "status"), [((Role.JUDGE,), 403), ((Role.ORGANIZER,), 403)])
def test_my_entries_and_submit_are_for_authors(client, contest, make_user, login, roles, status):
    login(make_user(*roles))
    assert client.get("/my/entries").status_code == status
    assert client.get("/c/thi-thu/submit").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, contest, make_entry):
    entry = make_entry(contest)
    for url in ("/my/entries", "/c/thi-thu/submit", f"/c/thi-thu/entries/{entry.code}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_an_unknown_contest_is_404(client, author):
    assert client.get("/c/khong-co/submit").status_code == 404


# --- my entries ------------------------------------------------------------------

def test_my_entries_lists_my_codes_only_with_edit_while_open(client, author, contest, closed_contest,
                                                             make_entry, make_user):
    open_entry = make_entry(contest, submitted_by=author)
    old_entry = make_entry(closed_contest, submitted_by=author, title="Bài năm trước")
    someone = make_entry(contest, submitted_by=make_user(), title="Bài của người khác")
    page = text_of(client.get("/my/entries"))
    assert open_entry.code in page and old_entry.code in page
    assert someone.title not in page
    assert f"/c/thi-thu/entries/{open_entry.code}/edit" in page
    assert f"/c/da-dong/entries/{old_entry.code}/edit" not in page


def test_my_entries_shows_a_known_utc_time_in_vietnam_time(client, author, contest, make_entry):
    entry = make_entry(contest, submitted_by=author,
                       submitted_at=datetime(2022, 11, 30, 17, 30, tzinfo=timezone.utc))
    assert "01/12/2022 00:30 (UTC+7)" in text_of(client.get("/my/entries"))
    assert "01/12/2022 00:30 (UTC+7)" in text_of(client.get(f"/c/thi-thu/entries/{entry.code}"))


def test_my_entries_takes_the_same_queries_for_few_or_many(client, author, contest, make_entry,
                                                           count_queries):
    make_entry(contest, submitted_by=author)
    with count_queries() as few:
        client.get("/my/entries")
    for _ in range(6):
        make_entry(contest, submitted_by=author)
    with count_queries() as many:
        assert client.get("/my/entries").status_code == 200
    assert len(many) == len(few)


# --- results and certificates --------------------------------------------------

def finalize_demo(contest: Contest) -> None:
    """Order the boundary ties of the demo contest as a person would, then finalize it."""
    for tie in compute_ranking(contest).ties:
        resolve_tie(contest, tie.codes, "Bốc thăm trước Ban Giám khảo", actor=None)
    assert compute_ranking(contest).ties == []
    finalize(contest, actor=None)
    db.session.commit()


def test_a_winner_downloads_the_certificate_once_results_are_published(client, login, demo_contest):
    from contest.auth.services import user_by_email

    finalize_demo(demo_contest)
    award = db.session.scalar(select(Award).order_by(Award.rank))
    author = user_by_email("tacgia@dvk2022.vn")
    award.entry.submitted_by = author
    db.session.commit()
    certs = {c.document_kind.code: c for c in db.session.scalars(
        select(Certificate).where(Certificate.entry_id == award.entry_id))}
    assert set(certs) == {"GCN", "BK"}
    login(author, "tacgia2022")
    url = f"/c/dvk-2022/entries/{award.entry.code}/certificates/GCN.pdf"

    # Finalized is not yet public: no prize, no download.
    assert client.get(url).status_code == 404
    assert "/certificates/" not in text_of(client.get("/my/entries"))

    publish(demo_contest, actor=None)
    db.session.commit()
    page = text_of(client.get("/my/entries"))
    assert award.tier.name in page
    assert url in page
    assert f"/c/dvk-2022/entries/{award.entry.code}/certificates/BK.pdf" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert certs["GCN"].recipient in text
    assert certs["GCN"].number in text

    assert client.get(f"/c/dvk-2022/entries/{award.entry.code}/certificates/XYZ.pdf").status_code == 404


def test_an_entry_without_a_prize_has_no_certificate(client, login, demo_contest):
    from contest.auth.services import user_by_email

    finalize_demo(demo_contest)
    publish(demo_contest, actor=None)
    db.session.commit()
    awarded = set(db.session.scalars(select(Award.entry_id)))
    loser = db.session.scalar(select(Entry).where(Entry.contest_id == demo_contest.id,
                                                  Entry.id.not_in(awarded)).order_by(Entry.code))
    author = user_by_email("tacgia@dvk2022.vn")
    loser.submitted_by = author
    db.session.commit()
    login(author, "tacgia2022")
    assert client.get(f"/c/dvk-2022/entries/{loser.code}/certificates/GCN.pdf").status_code == 404
    assert "did not win a prize" in text_of(client.get("/my/entries"))
