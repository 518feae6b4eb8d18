"""Blind files: judges read copies without the metadata that names the author; the
organizers keep the original byte for byte and see where the text names the author."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from contest.entries.services import EntryFields, create_entry, upload_path
from contest.extensions import db
from contest.judging.services import assign_judges, start_judging
from contest.models import Assignment, AuditEvent, BlindStatus, Role
from tests import files
from tests.conftest import csrf_token, post_form

FORMATS = [
    ("pdf", files.pdf), ("docx", files.docx), ("xlsx", files.xlsx), ("pptx", files.pptx),
    ("odt", files.odt), ("jpg", files.jpeg), ("png", files.png), ("mp3", files.mp3),
    ("m4a", files.m4a), ("mp4", files.mp4),
]


@pytest.fixture
def submit(make_contest, make_user):
    """An author submits one entry with the given files; a judge is assigned to it."""
    contest = make_contest()
    author = make_user(Role.AUTHOR, email=files.EMAIL, name=files.NAME)
    judge = make_user(Role.JUDGE, email="giamkhao@example.vn")
    organizer = make_user(Role.ORGANIZER, email="btc@example.vn")

    def run(*uploads: tuple[str, bytes], body_identity: bool = False):
        entry = create_entry(contest, EntryFields(
            title="Mô hình hay", category=contest.categories[0], author_kind="individual",
            authors=[files.NAME], organization=files.ORGANIZATION, email=files.EMAIL,
            phone=files.PHONE), [FileStorage(io.BytesIO(data), filename=name) for name, data in uploads],
            submitted_by=author)
        start_judging(contest, actor=None)
        assign_judges(contest, [judge], None, actor=None)
        db.session.commit()
        return contest, entry, judge, organizer

    return run


def served(client, url: str) -> tuple[int, bytes, dict]:
    with client.get(url) as response:
        return response.status_code, response.get_data(), dict(response.headers)


@pytest.mark.parametrize(("extension", "make"), FORMATS, ids=[f for f, _ in FORMATS])
def test_a_judge_gets_no_identity_and_the_organizer_the_original(client, login, submit,
                                                                  extension, make):
    original = make()
    assert files.identity_strings_in(original), "the planted identity must be in the original"
    contest, entry, judge, organizer = submit((f"{files.NAME} - bài.{extension}", original))
    stored = entry.files[0]
    assert stored.blind_status is BlindStatus.CLEAN
    # The copy sits beside the original, in the uploads folder.
    assert (upload_path(stored).parent / stored.blind_name).is_file()

    login(judge)
    status, body, headers = served(client, f"/c/{contest.slug}/judge/{entry.code}/files/{stored.id}")
    assert status == 200
    assert files.identity_strings_in(body) == []
    assert headers["Content-Disposition"] == f"inline; filename={entry.code}-1.{extension}"
    assert "Bí Mật" not in client.get(f"/c/{contest.slug}/judge/{entry.code}").get_data(as_text=True)

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(organizer)
    status, body, _ = served(client, f"/c/{contest.slug}/entries/{entry.code}/files/{stored.id}")
    assert status == 200 and body == original


def test_blind_copies_still_open_in_their_own_programs(submit):
    import docx
    import mutagen
    import pikepdf
    from openpyxl import load_workbook
    from PIL import Image

    _, entry, _, _ = submit(*[(f"bai.{ext}", make()) for ext, make in FORMATS])
    blind = {f.extension: upload_path(f).parent / f.blind_name for f in entry.files}
    with pikepdf.open(blind["pdf"]) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
    assert "Dân vận khéo" in docx.Document(blind["docx"]).paragraphs[0].text
    assert load_workbook(blind["xlsx"]).active["A1"].value == "Số liệu mô hình"
    with Image.open(blind["jpg"]) as image:
        # Orientation 6 applied to the pixels, the EXIF gone: the picture stands as it was shown.
        assert image.size == (20, 40) and not image.getexif()
    with Image.open(blind["png"]) as image:
        assert image.size == (30, 30) and image.mode == "RGBA"
    assert mutagen.File(blind["mp3"]).info.length > 0.5
    assert mutagen.File(blind["m4a"]).tags is None or not len(mutagen.File(blind["m4a"]).tags)


@pytest.mark.parametrize("name", ["bai.doc", "bai.rtf", "clip.webm", "hong.pdf"])
def test_a_file_the_app_cannot_clean_needs_review_and_is_not_served(client, login, submit, name):
    content = {"bai.doc": files.doc(), "bai.rtf": files.rtf(), "clip.webm": files.webm(),
               "hong.pdf": b"%PDF-1.4 not really a pdf"}[name]
    contest, entry, judge, organizer = submit((name, content))
    stored = entry.files[0]
    assert stored.blind_status is BlindStatus.NEEDS_REVIEW and stored.blind_name is None
    login(judge)
    assert served(client, f"/c/{contest.slug}/judge/{entry.code}/files/{stored.id}")[0] == 404
    page = client.get(f"/c/{contest.slug}/judge/{entry.code}").get_data(as_text=True)
    assert "the secretariat is checking this file before judges get it." in page

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(organizer)
    entry_url = f"/c/{contest.slug}/organize/entries/{entry.code}"
    assert "Needs review" in client.get(entry_url).get_data(as_text=True)
    response = post_form(client, f"{entry_url}/files/{stored.id}/release", form_page=entry_url)
    assert response.status_code == 302
    db.session.expire_all()
    assert stored.blind_status is BlindStatus.RELEASED
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "file.released"))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/organize/")})
    login(judge)
    assert served(client, f"/c/{contest.slug}/judge/{entry.code}/files/{stored.id}")[1] == content


PDF = ("pdf", lambda text: files.pdf(body=text, identity=False), "page 1")
DOCX = ("docx", lambda text: files.docx(body=text, identity=False), "in the text")
ODT = ("odt", lambda text: files.odt_text(text), "in the text")
TXT = ("txt", lambda text: text.encode("utf-16"), "in the text")


@pytest.mark.parametrize(("extension", "make", "where", "written"), [
    (*DOCX, "Bài của TRẦN VĂN BÍ MẬT, xã Tân Trào"),
    (*PDF, "Bai cua tran van bi mat, xa Tan Trao"),
    (*TXT, "Liên hệ: 0987.654.321"),
    (*ODT, "Gửi BIMAT.TACGIA@example.vn"),
    (*DOCX, "Đơn vị: hợp tác xã kín tiếng kiến thụy"),
], ids=["docx-name-capitals", "pdf-name-no-diacritics", "txt-utf16-phone", "odt-email", "docx-organization"])
def test_the_identity_check_shows_organizers_where_the_text_names_the_author(
        client, login, submit, extension, make, where, written):
    contest, entry, judge, organizer = submit((f"bai.{extension}", make(written)))
    hits = entry.files[0].identity_hits
    assert hits, f"no hit for {written!r}"
    login(organizer)
    page = client.get(f"/c/{contest.slug}/organize/entries/{entry.code}").get_data(as_text=True)
    assert f"appears {'on ' + where if where.startswith('page') else where}" in page
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/organize/")})
    login(judge)
    page = client.get(f"/c/{contest.slug}/judge/{entry.code}").get_data(as_text=True)
    assert "appears" not in page and "identity-hit" not in page


def test_the_identity_check_finds_the_page_in_a_pdf(submit):
    import pikepdf

    document = pikepdf.open(io.BytesIO(files.pdf(body="Trang mot", identity=False)))
    second = pikepdf.open(io.BytesIO(files.pdf(body="Tac gia: Tran Van Bi Mat", identity=False)))
    document.pages.append(second.pages[0])
    out = io.BytesIO()
    document.save(out)
    _, entry, _, _ = submit(("bai.pdf", out.getvalue()))
    assert entry.files[0].identity_hits == [{"kind": "author", "text": files.NAME, "page": 2}]


def test_a_clean_text_has_no_hits(submit):
    _, entry, _, _ = submit(("bai.odt", files.odt(identity=False)))
    assert entry.files[0].identity_hits == []
    assert entry.files[0].blind_status is BlindStatus.CLEAN


def test_a_judge_of_the_entry_reads_media_inline(client, login, submit):
    contest, entry, judge, _ = submit(("anh.jpg", files.jpeg()), ("bai.mp3", files.mp3()),
                                      ("clip.mp4", files.mp4()))
    login(judge)
    page = client.get(f"/c/{contest.slug}/judge/{entry.code}").get_data(as_text=True)
    ids = [f.id for f in entry.files]
    assert '<img class="entry-media' in page and f"/files/{ids[0]}" in page
    assert "<audio" in page and "<video" in page
    assert db.session.scalar(select(Assignment.judge_id)) == judge.id


def test_files_uploaded_before_blind_copies_get_them_from_the_command_line(runner, submit):
    contest, entry, judge, _ = submit(("bai.pdf", files.pdf()), ("bai.doc", files.doc()))
    pdf, doc = entry.files
    (upload_path(pdf).parent / pdf.blind_name).unlink()
    pdf.blind_name, pdf.blind_status, pdf.identity_hits = None, BlindStatus.NEEDS_REVIEW, []
    db.session.commit()
    result = runner.invoke(args=["blind-copies", contest.slug])
    assert result.exit_code == 0, result.output
    assert "1 blind copies made, 1 files need review" in result.output
    db.session.expire_all()
    assert pdf.blind_status is BlindStatus.CLEAN and doc.blind_status is BlindStatus.NEEDS_REVIEW
    assert files.identity_strings_in((upload_path(pdf).parent / pdf.blind_name).read_bytes()) == []
