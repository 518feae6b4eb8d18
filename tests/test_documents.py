"""The office's documents of a finalized contest: settings, the command line, the files' contents."""
from __future__ import annotations

import io
import unicodedata

import pytest
from sqlalchemy import select

from contest import PROJECT_ROOT
from contest.admin.setup import SetupError, apply_contest_settings
from contest.extensions import db
from contest.models import Award, Certificate, Role
from contest.results.services import finalize
from tests.conftest import contest_settings
from tests.test_cli import invoke
from tests.test_tie_breakers import scored

PAPERWORK = {
    "issuer": "Ban Tổ chức cuộc thi\n“Dân vận khéo”", "place": "Hải Phòng",
    "signer_title": "TM. Ban Tổ chức\nTrưởng ban", "signer_name": "Lê Trí Vũ",
    "meeting_place": "Hội trường Ban Dân vận Thành ủy", "minutes_number": "01/BB-BGK",
    "decision_number": "125/QĐ-BTC", "judges_named": True,
    "jury": [{"name": "Trần Văn Hùng", "role": "Trưởng ban Giám khảo"}],
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def settled(runner, make_contest, make_user, tmp_path):
    """thi-thu finalized, its B/C tie settled by the tie-breaker criterion ND."""
    from datetime import date, datetime

    # As a settings file gives them: a TOML date and a local date-time.
    paperwork = dict(PAPERWORK, date=date(2022, 12, 15), meeting_start=datetime(2022, 12, 15, 8, 30))
    contest = scored(runner, make_contest, make_user, tmp_path, tie_breakers=["criterion:ND"],
                     paperwork=paperwork)
    finalize(contest, actor=None)
    db.session.commit()
    return contest


def winners_names() -> list[str]:
    return [name for award in db.session.scalars(select(Award)) for name in award.entry.author_names]


def export(runner, tmp_path, slug: str, what: str, fmt: str):
    out = tmp_path / f"{slug}-{what}.{fmt}"
    result = invoke(runner, "export", slug, "--what", what, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def read_workbook(path):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(path.read_bytes()))


def test_the_paperwork_settings_are_kept_and_checked(app):
    contest = apply_contest_settings(contest_settings(paperwork=PAPERWORK))
    assert contest.paperwork["decision_number"] == "125/QĐ-BTC"
    assert contest.paperwork["jury"] == [{"name": "Trần Văn Hùng", "role": "Trưởng ban Giám khảo"}]
    # A file without [paperwork] leaves it as it was.
    apply_contest_settings(contest_settings())
    assert contest.paperwork["signer_name"] == "Lê Trí Vũ"
    with pytest.raises(SetupError) as caught:
        apply_contest_settings(contest_settings(paperwork={
            "date": "15/12/2022", "meeting_start": "sáng", "jury": [{"ten": "A"}], "judges_named": "yes",
            "signer": "x"}))
    text = str(caught.value)
    assert "'paperwork': unknown key(s) signer" in text
    assert "'date' must be a date such as 2022-12-20" in text
    assert "'meeting_start' must be a local date-time such as 2022-12-15T08:30:00" in text
    assert "'jury' must be a list of tables with a name and a role" in text
    assert "'judges_named' must be true or false" in text
    assert contest.paperwork["signer_name"] == "Lê Trí Vũ"


def test_the_example_settings_file_gives_the_demo_its_paperwork(demo_contest):
    assert demo_contest.paperwork["decision_number"] == "125/QĐ-BTC"
    assert demo_contest.paperwork["meeting_start"] == "2022-12-15T08:30"


def test_nothing_is_exported_before_finalizing_and_each_document_has_its_formats(
        runner, demo_contest, tmp_path):
    result = invoke(runner, "export", "dvk-2022", "--what", "annex", "--format", "docx",
                    "--out", str(tmp_path / "a.docx"))
    assert result.exit_code != 0
    assert "The results of dvk-2022 are not finalized" in result.output
    assert not (tmp_path / "a.docx").exists()


def test_a_wrong_format_or_folder_is_refused(runner, settled, tmp_path):
    result = invoke(runner, "export", "thi-thu", "--what", "ranking", "--format", "docx",
                    "--out", str(tmp_path / "r.docx"))
    assert result.exit_code != 0 and "ranking comes as xlsx, not docx." in result.output
    result = invoke(runner, "export", "thi-thu", "--what", "minutes", "--format", "xlsx",
                    "--out", str(tmp_path / "m.xlsx"))
    assert result.exit_code != 0 and "minutes comes as docx/pdf, not xlsx." in result.output
    result = invoke(runner, "export", "thi-thu", "--what", "minutes", "--format", "docx",
                    "--out", str(tmp_path / "nowhere" / "m.docx"))
    assert result.exit_code != 0 and "there is no folder" in result.output
    result = invoke(runner, "export", "khong-co", "--what", "minutes", "--format", "docx",
                    "--out", str(tmp_path / "m.docx"))
    assert result.exit_code != 0 and "no contest with slug 'khong-co'" in result.output


def test_the_ranking_workbook_of_the_demo(runner, finalized_demo, tmp_path):
    book = read_workbook(export(runner, tmp_path, "dvk-2022", "ranking", "xlsx"))
    ranking, sheets = book["Xếp hạng"], book["Phiếu chấm"]
    assert ranking.freeze_panes == "A2" and sheets.freeze_panes == "A2"
    assert ranking.row_dimensions[1].height == 48  # the wrapped header has room
    for sheet in (ranking, sheets):  # printed on A4 landscape, two pages wide, titles repeated
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 2
        assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$A:$B"
    rows = list(ranking.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert ranking.auto_filter.ref == f"A1:{ranking.cell(1, len(header)).column_letter}{len(rows)}"
    assert header[:3] == ("Hạng", "Mã", "Tên tác phẩm")
    # The example names no judge; the demo's two rounds each have their columns.
    assert header[10:] == tuple(f"{name} · J{n}" for name in ("Sơ khảo", "Chung khảo") for n in range(1, 5))
    assert len(body) == 40 and [r[0] for r in body] == sorted(r[0] for r in body)
    authors = " ".join(r[3] for r in body)
    for name in winners_names():
        assert nfc(name) in authors
    assert sum(1 for r in body if r[8]) == 16
    assert ranking.column_dimensions["C"].width >= 40 and ranking.column_dimensions["A"].width < 10
    # 3 of the 4 judges read each entry in the preliminary, all 4 in the final; the final's
    # totals average to the raw mean; the sheets hold every criterion.
    for row in body:
        preliminary = [v for v in row[10:14] if v is not None]
        final = [v for v in row[14:] if v is not None]
        assert len(preliminary) == 3 and len(final) == row[7] == 4
        assert sum(final) / len(final) == pytest.approx(row[6], abs=0.0051)  # shown half-up
    sheet_rows = list(sheets.iter_rows(values_only=True))
    assert len(sheet_rows) == 1 + 40 * 3 + 40 * 4
    assert all(row[3] + row[4] + row[5] == pytest.approx(row[6]) for row in sheet_rows[1:])


def test_the_ranking_workbook_of_a_tie_settled_by_a_tie_breaker(runner, settled, tmp_path):
    book = read_workbook(export(runner, tmp_path, "thi-thu", "ranking", "xlsx"))
    rows = {r[1]: r for r in book["Xếp hạng"].iter_rows(min_row=2, values_only=True)}
    assert rows["TT-0002"][8] == "Giải B" and rows["TT-0003"][8] == "Giải C"
    assert rows["TT-0002"][9] == rows["TT-0003"][9] == "tiêu chí Nội dung"
    header = next(book["Xếp hạng"].iter_rows(max_row=1, values_only=True))
    assert header[10:] == ("Người dùng 1",)  # judges named, as the settings choose
    assert rows["TT-0001"][3] == nfc("Nguyễn Thị Thuỳ Dương")


def test_a_title_typed_as_a_formula_stays_text_in_the_workbook(runner, settled, tmp_path):
    from contest.models import Entry
    from contest.results.snapshots import current_snapshot

    # The snapshot keeps titles as they were finalized: change the stored one as an attacker would type it.
    stored = current_snapshot(settled)
    stored.body = stored.body.replace("Ngày Chủ nhật xanh", "=HYPERLINK(\\\"http://x\\\",\\\"y\\\")")
    db.session.commit()
    assert db.session.scalar(select(Entry).where(Entry.code == "TT-0005")) is not None
    book = read_workbook(export(runner, tmp_path, "thi-thu", "ranking", "xlsx"))
    titles = [r[2] for r in book["Xếp hạng"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in titles
    assert not any(isinstance(t, str) and t.startswith("=") for t in titles)


# --- DOCX -----------------------------------------------------------------------------------

def read_docx(path):
    from docx import Document

    return Document(io.BytesIO(path.read_bytes()))


def docx_text(doc) -> str:
    """Every paragraph and every table cell's text, nested tables included, in order."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def data_tables(doc):
    """The bordered tables (the results, the annex, the proposals), not the heading's or signatures'."""
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


def bold_texts(doc) -> set[str]:
    return {run.text for p in doc.paragraphs for run in p.runs if run.bold} | {
        run.text for t in doc.tables for row in t.rows for cell in row.cells
        for p in cell.paragraphs for run in p.runs if run.bold}


@pytest.mark.parametrize("what", ["minutes", "annex", "proposal"])
def test_each_word_document_of_the_demo_has_the_heading_bold_titles_and_real_tables(
        runner, finalized_demo, tmp_path, what):
    doc = read_docx(export(runner, tmp_path, "dvk-2022", what, "docx"))
    bold = bold_texts(doc)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold and "Độc lập - Tự do - Hạnh phúc" in bold
    assert "Hải Phòng, ngày 15 tháng 12 năm 2022" in docx_text(doc)
    [table] = data_tables(doc) if what != "proposal" else data_tables(doc)[:1]
    cells = [cell.text for row in table.rows for cell in row.cells]
    if what == "proposal":
        # The City's Bằng khen goes to the A and B winners: their certificates' names, NFC.
        merit = db.session.scalars(select(Certificate).join(Certificate.document_kind)
                                   .where(Certificate.number.like("%/QĐ-UBND"))).all()
        assert len(merit) == 6 and all(nfc(c.recipient) in cells for c in merit)
        assert "ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in " ".join(bold)
    else:
        text = " ".join(cells)
        for name in winners_names():
            assert nfc(name) in text
        assert "GIẢI A (02 giải)" in cells and "GIẢI C (10 giải)" in cells
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_the_minutes_of_a_tie_settled_by_a_tie_breaker(runner, settled, tmp_path):
    doc = read_docx(export(runner, tmp_path, "thi-thu", "minutes", "docx"))
    text = docx_text(doc)
    assert "Số: 01/BB-BGK" in text
    assert "BIÊN BẢN" in bold_texts(doc) and "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN" in bold_texts(doc)
    assert "Thời gian: 08 giờ 30 phút, ngày 15 tháng 12 năm 2022." in text
    assert "Địa điểm: Hội trường Ban Dân vận Thành ủy." in text
    assert "1. Trần Văn Hùng – Trưởng ban Giám khảo." in text
    assert ("Các tác phẩm TT-0002, TT-0003 bằng điểm 80.00 (ranh giới Giải B / Giải C): phân định theo "
            "điểm tiêu chí “Nội dung”, cao hơn xếp trên (TT-0002: 50.00, TT-0003: 45.50); "
            "thứ tự TT-0002 > TT-0003.") in text
    assert "TRƯỞNG BAN GIÁM KHẢO" in bold_texts(doc)
    from contest.results.snapshots import current_snapshot

    assert f"Mã kiểm tra (SHA-256) của kết quả đã chốt: {current_snapshot(settled).sha256}" in text
    [results] = data_tables(doc)
    rows = [[c.text for c in row.cells] for row in results.rows]
    assert rows[0] == ["TT", "Mã", "Tên tác phẩm", "Tác giả", "Đơn vị", "Điểm", "Giải"]
    assert ["1", "TT-0001", "Con đường hoa", nfc("Nguyễn Thị Thuỳ Dương"), "Hội Nông dân xã Tân Trào",
            "90.00", "Giải A"] in rows
    assert ["3", "TT-0003", "Hiến đất mở đường", "Trần Văn An, Lê Thị Bình", "Báo Hải Phòng", "80.00",
            "Giải C"] in rows


def test_the_proposal_says_who_is_proposed_and_why(runner, settled, tmp_path):
    doc = read_docx(export(runner, tmp_path, "thi-thu", "proposal", "docx"))
    [table] = data_tables(doc)
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1] == ["1", nfc("Nguyễn Thị Thuỳ Dương"), "Cá nhân", "Hội Nông dân xã Tân Trào",
                       "Đạt Giải A với tác phẩm “Con đường hoa”"]
    assert rows[2][1:3] == ["Tập thể Hội LHPN xã Kiền Bái", "Tập thể"]
    assert len(rows) == 3  # the Bằng khen goes to A and B only
    assert "Tổng số: 02 (01 tập thể, 01 cá nhân)." in docx_text(doc)
    signature = docx_text(doc)
    assert "TM. BAN TỔ CHỨC" in signature and "Lê Trí Vũ" in signature


def test_libreoffice_converts_every_word_document(runner, finalized_demo, settled, tmp_path):
    import shutil
    import subprocess

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (scripts/install --test installs it)")
    files = [export(runner, tmp_path, contest.slug, what, "docx")
             for contest in (finalized_demo, settled) for what in ("minutes", "annex", "proposal")]
    out = tmp_path / "pdf"
    # One run for all six (LibreOffice starts slowly), with a profile of its own.
    done = subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "Error" not in done.stdout
    for path in files:
        pdf = out / f"{path.stem}.pdf"
        assert pdf.exists(), done.stdout
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        # The names themselves are checked in the DOCX (python-docx); in a PDF LibreOffice lays
        # out, table cells that wrap can come out of pdftotext interleaved.
        assert "Độc lập - Tự do - Hạnh phúc" in text and "Hải Phòng, ngày 15 tháng 12 năm 2022" in text
    minutes = " ".join(subprocess.run(["pdftotext", str(out / "thi-thu-minutes.pdf"), "-"],
                                      capture_output=True, text=True, check=True).stdout.split())
    assert "Trần Văn Hùng" in minutes and "phân định theo điểm tiêu chí “Nội dung”" in minutes


# --- PDF ------------------------------------------------------------------------------------

def pdf_text(path) -> str:
    """The PDF's text in drawing order (-raw), whitespace folded: a name wrapped in a cell reads whole."""
    import subprocess

    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


@pytest.mark.parametrize("what", ["minutes", "annex", "proposal"])
def test_each_pdf_of_the_demo_names_the_winners_in_the_certificates_font(runner, finalized_demo, tmp_path, what):
    import subprocess

    path = export(runner, tmp_path, "dvk-2022", what, "pdf")
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    if what == "proposal":
        names = [c.recipient for c in db.session.scalars(
            select(Certificate).where(Certificate.number.like("%/QĐ-UBND")))]
        assert len(names) == 6
        assert "BKPT" not in text and "Tổng số: 06" in text  # the recognition list is not proposed here
    else:
        names = winners_names()
        assert len(names) >= 16
    assert [name for name in names if nfc(name) not in text] == []
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert families <= {"Noto-Serif", "Noto-Serif-Bold", "Noto-Serif-Italic", "Noto-Serif-BoldItalic"}


def test_the_pdf_minutes_of_a_tie_settled_by_a_tie_breaker(runner, settled, tmp_path):
    text = pdf_text(export(runner, tmp_path, "thi-thu", "minutes", "pdf"))
    assert "BIÊN BẢN Họp Ban Giám khảo" in text
    assert "phân định theo điểm tiêu chí “Nội dung”, cao hơn xếp trên (TT-0002: 50.00, TT-0003: 45.50)" in text
    assert nfc("Nguyễn Thị Thuỳ Dương") in text and "TRƯỞNG BAN GIÁM KHẢO" in text


# --- the ranking page -----------------------------------------------------------------------

def test_the_ranking_page_offers_the_documents_once_the_results_are_final(
        client, demo_contest, make_user, login):
    from contest.results.services import compute_ranking, resolve_tie
    from tests.conftest import post_form

    login(make_user(Role.ORGANIZER))
    client.get("/lang/en")
    page = client.get("/c/dvk-2022/organize/ranking").get_data(as_text=True)
    assert "Documents for the office" not in page and "/organize/documents/" not in page
    response = client.get("/c/dvk-2022/organize/documents/minutes.docx")
    assert response.status_code == 302 and response.location.endswith("/c/dvk-2022/organize/ranking")
    assert "finalize them first" in client.get(response.location).get_data(as_text=True)

    for tie in compute_ranking(demo_contest).ties:
        resolve_tie(demo_contest, tie.codes, "Bốc thăm", actor=None)
    db.session.commit()
    assert post_form(client, "/c/dvk-2022/organize/finalize",
                     form_page="/c/dvk-2022/organize/ranking").status_code == 302
    page = client.get("/c/dvk-2022/organize/ranking").get_data(as_text=True)
    assert "Documents for the office" in page
    links = {f"/c/dvk-2022/organize/documents/{what}.{fmt}" for what, fmt in (
        ("minutes", "docx"), ("minutes", "pdf"), ("annex", "docx"), ("annex", "pdf"),
        ("proposal", "docx"), ("proposal", "pdf"), ("ranking", "xlsx"))}
    assert all(f'href="{link}"' in page for link in links)

    docx = client.get("/c/dvk-2022/organize/documents/annex.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert 'filename=dvk-2022-phu-luc-danh-sach-dat-giai.docx' in docx.headers["Content-Disposition"]
    from docx import Document

    text = " ".join(cell.text for t in Document(io.BytesIO(docx.data)).tables for row in t.rows
                    for cell in row.cells)
    assert all(nfc(name) in text for name in winners_names())
    pdf = client.get("/c/dvk-2022/organize/documents/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get("/c/dvk-2022/organize/documents/ranking.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    wrong = client.get("/c/dvk-2022/organize/documents/ranking.pdf")
    assert wrong.status_code == 302
    assert "does not come in that format" in client.get(wrong.location).get_data(as_text=True)
    assert client.get("/c/dvk-2022/organize/documents/minutes.odt").status_code == 404
    assert client.get("/c/khong-co/organize/documents/minutes.pdf").status_code == 404


def test_the_documents_load_python_docx_weasyprint_and_openpyxl_only_when_they_write(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from config import TestConfig; from contest import create_app; "
            "import contest.documents.views, contest.documents.word, contest.documents.printed, "
            "contest.documents.workbook, contest.documents.commands; create_app(TestConfig); "
            "print(*(name in sys.modules for name in ('docx', 'weasyprint', 'openpyxl')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=str(PROJECT_ROOT))
    assert done.stdout.split() == ["False", "False", "False"]


@pytest.mark.parametrize("what, fmt", [("annex", "pdf"), ("annex", "docx"), ("proposal", "pdf")])
def test_the_other_documents_of_a_tie_settled_by_a_tie_breaker(runner, settled, tmp_path, what, fmt):
    path = export(runner, tmp_path, "thi-thu", what, fmt)
    text = pdf_text(path) if fmt == "pdf" else docx_text(read_docx(path))
    won = {"annex": ["Nguyễn Thị Thuỳ Dương", "Tập thể Hội LHPN xã Kiền Bái", "Trần Văn An, Lê Thị Bình",
                     "Phạm Cường"],
           "proposal": ["Nguyễn Thị Thuỳ Dương", "Tập thể Hội LHPN xã Kiền Bái"]}[what]
    assert [name for name in map(nfc, won) if name not in text] == []
    if what == "annex":
        assert "Đặng Văn Ơn" not in text  # TT-0005, no prize
        assert "Kèm theo Quyết định số 125/QĐ-BTC ngày 15 tháng 12 năm 2022" in text
    else:
        assert "Trần Văn An" not in text  # a C prize: no Bằng khen


def test_the_paperwork_can_be_set_after_finalizing_and_the_documents_follow(runner, finalized_demo, tmp_path):
    from contest.models import AuditEvent

    good = tmp_path / "paperwork.toml"
    good.write_text('[paperwork]\nminutes_number = "07/BB-BGK"\njury = [\n'
                    '  { name = "Nguyễn Thị Thuỳ Dương", role = "Trưởng ban Giám khảo" },\n'
                    '  { name = "Lê Văn Kiên" },\n]\n', encoding="utf-8")
    result = invoke(runner, "paperwork", "dvk-2022", str(good))
    assert result.exit_code == 0, result.output
    assert "dvk-2022: paperwork set (2 jury members)" in result.output
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.paperwork")) is not None
    doc = read_docx(export(runner, tmp_path, "dvk-2022", "minutes", "docx"))
    text = docx_text(doc)
    assert "Số: 07/BB-BGK" in text and "2. Lê Văn Kiên – Thành viên." in text
    assert "Ban Giám khảo gồm 2 thành viên" in text
    # The other settings of the example file are gone with the table that was replaced.
    assert "Thời gian:" not in text

    for content, message in (('name = "x"\n', "the file has no [paperwork] table"),
                             ('[paperwork]\njury = "Ban Giám khảo"\n', "'jury' must be a list of tables")):
        bad = tmp_path / "bad.toml"
        bad.write_text(content, encoding="utf-8")
        result = invoke(runner, "paperwork", "dvk-2022", str(bad))
        assert result.exit_code != 0 and message in result.output
    db.session.expire_all()
    assert finalized_demo.paperwork["minutes_number"] == "07/BB-BGK"


def test_a_title_that_wraps_gets_a_row_tall_enough_to_print(runner, finalized_demo, tmp_path):
    from contest.documents.workbook import LINE_HEIGHT, MAX_WIDTH

    book = read_workbook(export(runner, tmp_path, "dvk-2022", "ranking", "xlsx"))
    ranking = book["Xếp hạng"]
    header = [c.value for c in ranking[1]]
    title = header.index("Tên tác phẩm") + 1
    tall = 0
    for row in range(2, ranking.max_row + 1):
        text = ranking.cell(row, title).value or ""
        height = ranking.row_dimensions[row].height
        if len(text) > MAX_WIDTH - 2:
            assert height is not None and height >= 2 * LINE_HEIGHT, (row, text)
            tall += 1
        else:
            assert height is None, (row, text)
    assert tall > 0, "the demo has titles longer than a column"
