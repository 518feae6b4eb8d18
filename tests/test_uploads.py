"""Uploads are checked by content as well as by name, and against the size limits
(MAX_FILE_MB, MAX_ENTRY_MB) on the server; the 413 page says the limits."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.entries.content import Mismatch, content_problem
from contest.extensions import db
from contest.models import Entry, EntryFile, Role
from tests import files
from tests.conftest import post_form

MB = 1024 * 1024
# Requests stay under 500 KB: beyond that the test client spools its own body to a
# temporary file that it never closes.


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("bai.txt", "Bài dự thi")
    return out.getvalue()


@pytest.fixture
def author(make_user, login):
    user = make_user(Role.AUTHOR, email="duong@example.vn")
    login(user)
    return user


@pytest.fixture
def contest(make_contest):
    return make_contest()


def form(contest, *uploads: tuple[str, bytes], **overrides) -> dict:
    data = {
        "title": "Con đường hoa ở xã Tân Trào", "category": str(contest.categories[0].id),
        "author_kind": "individual", "authors": "Nguyễn Thị Thuỳ Dương",
        "description": "Mô hình “Con đường hoa”.",
        "files": [(io.BytesIO(content), name) for name, content in uploads],
    }
    data.update(overrides)
    return data


def submit(client, contest, *uploads, **overrides):
    return post_form(client, f"/c/{contest.slug}/submit", form(contest, *uploads, **overrides),
                     content_type="multipart/form-data")


def nothing_stored(app) -> bool:
    folder = Path(app.config["UPLOAD_FOLDER"])
    entries = db.session.scalar(select(func.count()).select_from(Entry))
    rows = db.session.scalar(select(func.count()).select_from(EntryFile))
    return entries == 0 and rows == 0 and (not folder.exists() or not any(folder.iterdir()))


DISGUISED = [
    ("bai-du-thi.pdf", files.windows_program(), "is a program, not a .pdf file"),
    ("bai viết.docx", files.windows_program(), "is a program, not a .docx file"),
    ("anh.jpg", files.windows_program(), "is a program, not a .jpg file"),
    ("video.mp4", b"\x7fELF\x02\x01\x01" + b"\0" * 100, "is a program, not a .mp4 file"),
    ("bai-du-thi.pdf", files.web_page(), "is a web page, not a .pdf file"),
    ("ghi-chu.txt", files.web_page(), "is a web page, not a .txt file"),
    ("ghi-chu.txt", "\ufeff  <svg onload='alert(1)'></svg>".encode("utf-16"), "is a web page"),
    ("anh.png", files.jpeg(identity=False), "is a .jpg file renamed .png"),
    ("bai.docx", plain_zip(), "is a .zip file renamed .docx"),
    ("so-lieu.xlsx", files.docx(identity=False), "is a .docx file renamed .xlsx"),
    ("bai.odt", files.pdf(identity=False), "is a .pdf file renamed .odt"),
    ("bai.pdf", "Bài dự thi viết tay".encode(), "does not read as a .pdf file"),
    ("ghi-chu.txt", files.png(identity=False), "is a .png file renamed .txt"),
    ("ghi-chu.txt", b"\x00\x01\x02\x03binary" * 20, "does not read as a .txt file"),
]


@pytest.mark.parametrize(("name", "content", "why"), DISGUISED,
                         ids=[f"{n}-{w.split()[-3]}" for n, _, w in DISGUISED])
def test_a_disguised_file_is_refused_naming_it_and_nothing_is_kept(app, client, author, contest,
                                                                   name, content, why):
    response = submit(client, contest, ("that-bai.pdf", files.pdf(identity=False)), (name, content))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"The file “{name}” {why}" in page
    assert "Nothing was saved." in page
    # What was typed is still in the form.
    assert 'value="Con đường hoa ở xã Tân Trào"' in page
    assert nothing_stored(app)


REAL = [
    ("bai.pdf", files.pdf), ("bai.docx", files.docx), ("so-lieu.xlsx", files.xlsx),
    ("trinh-chieu.pptx", files.pptx), ("bai.odt", files.odt), ("anh.jpg", files.jpeg),
    ("anh.jpeg", files.jpeg), ("anh.png", files.png), ("bai.mp3", files.mp3), ("bai.m4a", files.m4a),
    ("video.mp4", files.mp4), ("video.mov", files.mp4), ("bai.doc", files.doc), ("bai.rtf", files.rtf),
    ("clip.webm", files.webm),
]


@pytest.mark.parametrize(("name", "make"), REAL, ids=[n for n, _ in REAL])
def test_real_files_of_every_accepted_type_pass(tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make())
    assert content_problem(path, path.suffix) is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_texts_in_the_encodings_vietnamese_computers_write_pass(tmp_path, encoding):
    path = tmp_path / "bai.txt"
    path.write_bytes("Mô hình “Dân vận khéo” ở xã Tân Trào,\r\nhuyện Kiến Thụy.\n".encode(encoding)
                     if encoding != "cp1258" else "Mô hi\u0300nh Dân vâ\u0323n khe\u0301o\r\n".encode("cp1258"))
    assert content_problem(path, "txt") is None


def test_a_program_is_a_program_under_any_name(tmp_path):
    path = tmp_path / "anh.webp"
    path.write_bytes(files.windows_program())
    assert content_problem(path, "webp").mismatch is Mismatch.PROGRAM


def test_a_real_file_is_accepted_through_the_form(app, client, author, contest):
    response = submit(client, contest, ("Bài dự thi.docx", files.docx(identity=False)),
                      ("Ảnh.png", files.png(identity=False)))
    assert response.status_code == 302
    entry = db.session.scalar(select(Entry))
    assert [f.original_name for f in entry.files] == ["Bài dự thi.docx", "Ảnh.png"]


# --- sizes -----------------------------------------------------------------------

def padded_pdf(size: int) -> bytes:
    data = files.pdf(identity=False)
    return data + b"%" + b"0" * (size - len(data) - 1)


def test_a_file_over_the_limit_per_file_is_refused_with_the_limit(app, client, author, contest):
    app.config["MAX_FILE_MB"] = 0.1
    limit = int(0.1 * MB)
    response = submit(client, contest, ("nho.pdf", padded_pdf(limit // 2)), ("lon.pdf", padded_pdf(limit + 1)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The file “lon.pdf” is larger than 0.1 MB, the limit per file." in page
    assert nothing_stored(app)
    assert submit(client, contest, ("vua.pdf", padded_pdf(limit))).status_code == 302


def test_files_over_the_limit_per_entry_are_refused_with_the_total(app, client, author, contest):
    app.config["MAX_ENTRY_MB"] = 0.2
    response = submit(client, contest, ("mot.pdf", padded_pdf(120 * 1024)), ("hai.pdf", padded_pdf(120 * 1024)))
    page = response.get_data(as_text=True)
    assert "With “hai.pdf” the files of this entry come to 0.2 MB: at most 0.2 MB are accepted per entry." \
        in page
    assert nothing_stored(app)


def test_an_edit_counts_the_files_the_entry_keeps(app, client, author, contest):
    app.config["MAX_ENTRY_MB"] = 0.2
    assert submit(client, contest, ("mot.pdf", padded_pdf(150 * 1024))).status_code == 302
    entry = db.session.scalar(select(Entry))
    url = f"/c/{contest.slug}/entries/{entry.code}/edit"
    data = form(contest, ("hai.pdf", padded_pdf(150 * 1024)))
    response = post_form(client, url, data, content_type="multipart/form-data")
    assert "the files of this entry come to 0.3 MB" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [f.original_name for f in db.session.get(Entry, entry.id).files] == ["mot.pdf"]
    # Removing the first file makes room for the second.
    data = form(contest, ("hai.pdf", padded_pdf(150 * 1024)), remove_files=[str(entry.files[0].id)])
    assert post_form(client, url, data, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert [f.original_name for f in db.session.get(Entry, entry.id).files] == ["hai.pdf"]


def test_the_form_says_the_limits_and_gives_them_to_the_browser(client, author, contest, app):
    app.config.update(MAX_FILE_MB=20, MAX_ENTRY_MB=60)
    page = client.get(f"/c/{contest.slug}/submit").get_data(as_text=True)
    assert "At most 20 MB per file and 60 MB for all the files of the entry" in page
    assert f'data-max-file-bytes="{20 * MB}"' in page and f'data-max-entry-bytes="{60 * MB}"' in page
    assert 'src="/static/js/upload-limits.js"' in page


def test_a_request_over_the_limit_gets_a_413_page_with_the_limits_and_the_way_back(app, client, author,
                                                                                 contest):
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024, MAX_FILE_MB=2.5, MAX_ENTRY_MB=10)
    response = submit(client, contest, ("video.mp4", files.mp4() + b"\0" * 100_000))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "at most 2.5 MB per file and 10 MB for all the files of an entry" in page
    assert f'href="/c/{contest.slug}/submit"' in page and 'href="/my/entries"' in page
    assert nothing_stored(app)
