"""Entries imported from any CSV a spreadsheet writes, or from XLSX: the same entries, previewed first."""
from __future__ import annotations

import codecs
import io
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Entry, EntryAuthor, Role
from tests import files
from tests.conftest import csrf_token

HEADER = ["code", "title", "category", "author_kind", "authors", "organization", "district", "email", "phone"]
ROWS = [
    ["TT-0101", "Con đường hoa ở xã Tân Trào", "BAO", "individual", "Nguyễn Thị Thuỳ Dương",
     "Hội Nông dân xã Tân Trào", "Kiến Thụy", "duong@example.vn", "0912345678"],
    ["", "Thắp sáng đường quê; nông thôn mới", "ANH", "collective", "Tập thể Hội Phụ nữ xã Kiền Bái",
     "Hội LHPN xã Kiền Bái", "Thủy Nguyên", "", ""],
    ["", "Hiến đất mở đường, làm giàu quê hương", "BAO", "individual", "Trần Văn Ân; Lê Thị Bình",
     "Đoàn xã Đại Hà", "Tiên Lãng", "an@example.vn", ""],
]


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Text as Windows-1258 holds it: letters with a tone mark are a letter and a combining mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(p for p in parts if p in TONE_MARKS)
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def csv_text(separator: str = ",", newline: str = "\n") -> str:
    def quoted(cell: str) -> str:
        return f'"{cell}"' if separator in cell or ";" in cell or "," in cell else cell

    return newline.join(separator.join(quoted(c) for c in row) for row in [HEADER, *ROWS]) + newline


def xlsx_bytes(rows: list[list], title: str = "Bài dự thi") -> bytes:
    return files.workbook(rows, title)


FORMATS = {
    "comma.csv": lambda: csv_text().encode(),
    "semicolon.csv": lambda: csv_text(";").encode(),
    "bom.csv": lambda: codecs.BOM_UTF8 + csv_text(";", "\r\n").encode(),
    "crlf.csv": lambda: csv_text(",", "\r\n").encode(),
    "windows-1258.csv": lambda: to_cp1258(csv_text(";", "\r\n")),
    "utf-16.csv": lambda: csv_text(";", "\r\n").encode("utf-16"),
    "utf-16-no-bom.csv": lambda: csv_text(",").encode("utf-16-le"),
    "entries.xlsx": lambda: xlsx_bytes([HEADER, *ROWS]),
}


def stored_entries() -> list[tuple]:
    db.session.expire_all()
    return [(e.code, e.title, e.category.code, str(e.author_kind), tuple(e.author_names), e.organization,
             e.district, e.email, e.phone) for e in db.session.scalars(select(Entry).order_by(Entry.code))]


EXPECTED = [
    ("TT-0001", *ROWS[1][1:4], (ROWS[1][4],), *ROWS[1][5:]),
    ("TT-0002", *ROWS[2][1:4], ("Trần Văn Ân", "Lê Thị Bình"), *ROWS[2][5:]),
    ("TT-0101", *ROWS[0][1:4], (ROWS[0][4],), *ROWS[0][5:]),
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_imports_the_same_entries_on_the_command_line(runner, make_contest, tmp_path, name):
    make_contest()
    path = tmp_path / name
    path.write_bytes(FORMATS[name]())
    result = runner.invoke(args=["import-entries", "thi-thu", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 entries created" not in result.output and "3 entries created, 0 updated" in result.output
    assert stored_entries() == EXPECTED
    # Stored composed (NFC) whatever the file held, so searches and certificates see one spelling.
    assert all(unicodedata.is_normalized("NFC", e.title) for e in db.session.scalars(select(Entry)))


@pytest.fixture
def organizer_client(client, login, make_user, make_contest):
    make_contest()
    login(make_user(Role.ORGANIZER))
    return client


URL = "/c/thi-thu/organize/entries/import"


def upload(client, data: bytes, name: str):
    return client.post(URL, data={"csrf_token": csrf_token(client, URL), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def apply(client, preview_html: str):
    token = preview_html.split('name="token" type="hidden" value="')[1].split('"')[0]
    return client.post(f"{URL}/apply", data={"csrf_token": csrf_token(client, URL), "token": token},
                       follow_redirects=True)


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_is_previewed_then_imported_in_the_browser(organizer_client, name):
    client = organizer_client
    preview = upload(client, FORMATS[name](), name)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "3 rows: 3 new entries, 0 entries change, 0 unchanged." in html
    assert "Con đường hoa ở xã Tân Trào" in html and "Trần Văn Ân; Lê Thị Bình" in html
    how = {"windows-1258.csv": "Windows-1258 text", "entries.xlsx": "an Excel workbook",
           "semicolon.csv": "separated by semicolons", "comma.csv": "separated by commas"}
    assert how.get(name, "Read as") in html
    assert count(Entry) == 0, "a preview creates nothing"
    done = apply(client, html)
    assert "3 entries created, 0 updated." in done.get_data(as_text=True)
    assert stored_entries() == EXPECTED


def test_the_preview_shows_what_an_update_changes(organizer_client):
    client = organizer_client
    apply(client, upload(client, FORMATS["comma.csv"](), "a.csv").get_data(as_text=True))
    changed = [HEADER, ["TT-0101", "Con đường hoa ở xã Tân Trào", "ANH", "individual", "Nguyễn Thị Thuỳ Dương",
                        "Hội Nông dân xã Tân Trào", "Kiến Thụy", "duong@example.vn", "0987654321"],
               ["TT-0001", *ROWS[1][1:]]]
    html = upload(client, xlsx_bytes(changed), "b.xlsx").get_data(as_text=True)
    assert "2 rows: 0 new entries, 1 entries change, 1 unchanged." in html
    assert "0912345678</span> → 0987654321" in html
    assert "sheet &#39;Bài dự thi&#39;, row 2" in html
    assert stored_entries() == EXPECTED
    assert "0 entries created, 2 updated." in apply(client, html).get_data(as_text=True)
    assert db.session.scalar(select(Entry.phone).where(Entry.code == "TT-0101")) == "0987654321"


def test_a_bad_row_imports_nothing_and_is_named_by_row_and_column(organizer_client):
    client = organizer_client
    bad = [HEADER, ROWS[0], ["", "Tiêu đề", "XYZ", "individual", "A", "", "", "", ""], ROWS[2]]
    html = upload(client, xlsx_bytes(bad), "bad.xlsx").get_data(as_text=True)
    assert "Nothing was imported" in html
    assert "sheet &#39;Bài dự thi&#39;, row 3, column &#39;category&#39;: unknown category" in html
    assert 'name="token"' not in html
    csv_html = upload(client, csv_text(";").replace("BAO;individual;\"Trần", "BAO;robot;\"Trần").encode(),
                      "bad.csv").get_data(as_text=True)
    assert "line 4, column &#39;author_kind&#39;: &#39;robot&#39; is neither" in csv_html
    assert count(Entry) == 0 and count(EntryAuthor) == 0


def test_errors_are_in_the_page_language(organizer_client):
    client = organizer_client
    client.get("/lang/vi?next=/")
    html = upload(client, csv_text(";").replace(";BAO;", ";XYZ;", 1).encode(), "x.csv").get_data(as_text=True)
    assert "Chưa nhập gì. Vui lòng sửa tệp:" in html
    assert "dòng 2, cột &#39;category&#39;" in html


def test_a_file_changed_after_the_preview_is_checked_again(organizer_client, make_entry):
    client = organizer_client
    html = upload(client, FORMATS["comma.csv"](), "a.csv").get_data(as_text=True)
    contest = db.session.scalar(select(Entry.contest_id))  # none yet
    assert contest is None
    done = apply(client, html)
    assert done.status_code == 200
    again = client.post(f"{URL}/apply", data={"csrf_token": csrf_token(client, URL),
                                              "token": html.split('value="')[-1].split('"')[0]},
                        follow_redirects=True)
    assert "This upload has expired" in again.get_data(as_text=True)
    assert count(Entry) == 3


@pytest.mark.parametrize(("raw", "message"), [
    pytest.param(csv_text().encode() + b"\x81\x8d", "cannot be read as UTF-8 or Windows-1258 text (line 5, byte 0x81)",
                 id="not-text"),
    pytest.param(xlsx_bytes([HEADER, *ROWS]), "the file is an Excel workbook: give it the extension .xlsx",
                 id="xlsx-named-csv"),
    pytest.param(csv_text().replace("Kiến Thụy", "Kiến\x00Thụy").encode(),
                 "line 2, column 'district': a control character", id="nul-in-a-cell"),
    pytest.param(("title|category|author_kind|authors\nT|BAO|individual|A\n").encode(),
                 "read as UTF-8 text, columns separated by commas; its header: title|category", id="separator"),
])
def test_unreadable_files_are_refused_with_what_was_found(runner, make_contest, tmp_path, raw, message):
    make_contest()
    path = tmp_path / "entries.csv"
    path.write_bytes(raw)
    result = runner.invoke(args=["import-entries", "thi-thu", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert count(Entry) == 0


def test_a_workbook_that_is_not_one_is_refused(runner, make_contest, tmp_path: Path):
    make_contest()
    path = tmp_path / "entries.xlsx"
    path.write_bytes(csv_text().encode())
    result = runner.invoke(args=["import-entries", "thi-thu", str(path)])
    assert result.exit_code == 1 and "not an Excel workbook" in result.output


def test_a_header_cell_with_markup_is_shown_as_text(organizer_client):
    """A column name comes from the uploaded file: it is printed as text, never run as markup."""
    evil = "<img src=x onerror=alert(1)>"
    data = ",".join([*HEADER, evil]).encode() + b"\n" + ",".join([*ROWS[0], "x"]).encode() + b"\n"
    html = upload(organizer_client, data, "evil.csv").get_data(as_text=True)
    assert "Nothing was imported" in html
    assert evil not in html
    assert "unknown column &#39;&lt;img src=x onerror=alert(1)&gt;&#39;" in html
    assert count(Entry) == 0
