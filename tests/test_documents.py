"""The office's documents of a finalized contest: settings, the command line, the files' contents."""
from __future__ import annotations

import io
import unicodedata

import pytest
from sqlalchemy import select

from contest.admin.setup import SetupError, apply_contest_settings
from contest.extensions import db
from contest.models import Award, Certificate
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
    out = tmp_path / f"{what}.{fmt}"
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
