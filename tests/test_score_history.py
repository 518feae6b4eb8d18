"""Every change of a score is kept, from every path, and organizers read it back;
paper sheets print, and filled ones come back in by CSV or XLSX with a preview."""
from __future__ import annotations

import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.judging.services import assign_judges, save_sheet, start_judging
from contest.models import Assignment, AuditEvent, Role, Score, ScoreChange
from tests import files
from tests.conftest import csrf_token, post_form


@pytest.fixture
def scored(make_contest, make_entry, make_user):
    contest = make_contest()
    entries = [make_entry(contest, title=f"Bài {n}", email=f"tg{n}@example.vn") for n in range(3)]
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE, email="giamkhao1@example.vn", name="Phạm Giám Khảo")
    organizer = make_user(Role.ORGANIZER, email="btc@example.vn", name="Ban Tổ chức")
    assign_judges(contest, [judge], None, actor=None)
    db.session.commit()
    return contest, entries, judge, organizer


def fields(contest, nd: str, ht: str, comment: str = "", submit: bool = True) -> dict:
    nd_c, ht_c = contest.criteria
    button = {"submit_scores": "Submit scores"} if submit else {"save_draft": "Save draft"}
    return {f"points_{nd_c.id}": nd, f"points_{ht_c.id}": ht, "comment": comment} | button


def changes() -> list[ScoreChange]:
    db.session.expire_all()
    return list(db.session.scalars(select(ScoreChange).order_by(ScoreChange.id)))


def test_the_web_sheet_records_old_and_new_per_criterion_and_the_comment(client, login, scored):
    contest, entries, judge, _ = scored
    login(judge)
    url = f"/c/{contest.slug}/judge/{entries[0].code}"
    post_form(client, url, fields(contest, "40", "", "Nháp", submit=False))
    post_form(client, url, fields(contest, "40", "30,5", "Nháp"))
    post_form(client, url, fields(contest, "45,5", "30,5", "Đã sửa"))
    post_form(client, url, fields(contest, "45,5", "30,5", "Đã sửa"))  # the same again: no change
    got = changes()
    assert [(c.source.value, c.state, c.points) for c in got] == [
        ("sheet", "draft", {"ND": [None, "40"]}),
        ("sheet", "submitted", {"HT": [None, "30.5"]}),
        ("sheet", "submitted", {"ND": ["40", "45.5"]}),
    ]
    assert (got[0].comment_before, got[0].comment_after) == ("", "Nháp")
    assert (got[2].comment_before, got[2].comment_after) == ("Nháp", "Đã sửa")
    assert got[1].comment_before is None and not got[1].comment_changed
    assert all(c.actor_id == judge.id for c in got)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "score.sheet")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.details["points"] == {"ND": ["40", "45.5"]}
    assert event.details["comment"] == ["Nháp", "Đã sửa"]
    assert event.target == entries[0].code and event.details["judge"] == "giamkhao1@example.vn"


def test_autosave_keeps_a_draft_and_says_when(client, login, scored):
    contest, entries, judge, _ = scored
    login(judge)
    url = f"/c/{contest.slug}/judge/{entries[0].code}"
    token = csrf_token(client, url)
    nd, ht = contest.criteria
    saved = client.post(f"{url}/autosave", data={f"points_{nd.id}": "12,5", f"points_{ht.id}": "",
                                                 "comment": "đang chấm", "csrf_token": token})
    assert saved.status_code == 200 and saved.json["saved"] is True
    assert saved.json["message"] == f"Draft saved at {saved.json['saved_at']}."
    assert [(c.source.value, c.points) for c in changes()] == [("autosave", {"ND": [None, "12.5"]})]
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    assert sheet.submitted_at is None and sheet.comment == "đang chấm"

    refused = client.post(f"{url}/autosave", data={f"points_{nd.id}": "12.3", "csrf_token": token})
    assert refused.status_code == 422 and "12.3 is not one of them" in str(refused.json["errors"])
    assert [s.points for s in db.session.get(Assignment, sheet.id).scores] == [Decimal("12.5")]

    post_form(client, url, fields(contest, "20", "20"))
    late = client.post(f"{url}/autosave", data={f"points_{nd.id}": "1", "csrf_token": token})
    assert late.status_code == 409
    db.session.expire_all()
    assert sorted(s.points for s in db.session.get(Assignment, sheet.id).scores) == [20, 20]


def test_import_with_overwrite_and_a_correction_are_in_the_history(runner, tmp_path, scored):
    contest, entries, judge, organizer = scored
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    nd, ht = contest.criteria
    save_sheet(sheet, {nd.id: Decimal(50), ht.id: Decimal(30)}, "web", submit=True, actor=judge)
    db.session.commit()
    path = tmp_path / "scores.csv"
    path.write_text(f"entry_code,judge_email,ND,HT,comment\n{entries[0].code},giamkhao1@example.vn,20,30,giấy\n")
    assert runner.invoke(args=["import-scores", contest.slug, str(path), "--overwrite"]).exit_code == 0
    last = changes()[-1]
    assert (last.source.value, last.points, last.comment_before, last.comment_after, last.actor_id) == (
        "import", {"ND": ["50", "20"]}, "web", "giấy", None)


def test_the_history_pages_read_back_every_change_in_fixed_queries(client, login, scored, count_queries):
    contest, entries, judge, organizer = scored
    login(judge)
    for entry in entries:
        url = f"/c/{contest.slug}/judge/{entry.code}"
        post_form(client, url, fields(contest, "10", "10", "một"))
        post_form(client, url, fields(contest, "15", "10", "hai"))
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/judge/")})
    login(organizer)
    entry_url = f"/c/{contest.slug}/organize/entries/{entries[0].code}/history"
    judge_url = f"/c/{contest.slug}/organize/judges/{judge.id}/history"
    page = client.get(entry_url).get_data(as_text=True)
    assert "Phạm Giám Khảo" in page and "10 → 15" in page and "“một” → “hai”" in page
    page = client.get(judge_url).get_data(as_text=True)
    assert all(e.code in page for e in entries) and page.count("10 → 15") == 3
    db.session.expire_all()
    with count_queries() as few:
        client.get(judge_url)
    for entry in entries[1:]:
        save_sheet(db.session.scalar(select(Assignment).where(Assignment.entry_id == entry.id)),
                   {c.id: Decimal(5) for c in contest.criteria}, "ba", submit=True, actor=judge)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as more:
        client.get(judge_url)
    assert len(more) == len(few), "\n".join(s[:90] for s in few) + "\n----\n" + "\n".join(s[:90] for s in more)
    db.session.expire_all()
    with count_queries() as entry_queries:
        client.get(entry_url)
    assert len(entry_queries) <= len(few)


def xlsx_file(rows: list[list], title: str = "Điểm") -> bytes:
    return files.workbook(rows, title)


def test_import_scores_reads_xlsx_and_names_sheet_row_and_column(runner, tmp_path, scored):
    contest, entries, judge, _ = scored
    header = ["entry_code", "judge_email", "ND", "HT", "comment"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_file([header, [entries[0].code, "giamkhao1@example.vn", 46.5, 30, "tốt"],
                               [entries[1].code, "giamkhao1@example.vn", 70, "ba mươi", None]]))
    result = runner.invoke(args=["import-scores", contest.slug, str(bad)])
    assert result.exit_code == 1
    assert "sheet 'Điểm', row 3, column 'ND': 70 is outside 0–60" in result.output
    assert "sheet 'Điểm', row 3, column 'HT': 'ba mươi' is not a number" in result.output
    assert db.session.scalar(select(func.count(Score.id))) == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_file([header, [entries[0].code, "giamkhao1@example.vn", 46.5, 30, "tốt"],
                                [entries[1].code, "giamkhao1@example.vn", "40,5", 0.5, None]]))
    result = runner.invoke(args=["import-scores", contest.slug, str(good)])
    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Score.points))) == [Decimal("0.5"), 30, Decimal("40.5"),
                                                                Decimal("46.5")]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_organizer_previews_an_upload_before_it_is_applied(client, login, scored, kind):
    contest, entries, judge, organizer = scored
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    nd, ht = contest.criteria
    save_sheet(sheet, {nd.id: Decimal(50), ht.id: Decimal(30)}, "", submit=True, actor=judge)
    db.session.commit()
    rows = [["entry_code", "judge_email", "ND", "HT"], [entries[0].code, "giamkhao1@example.vn", "45", "30"],
            [entries[1].code, "giamkhao1@example.vn", "10", "10"]]
    data = xlsx_file(rows) if kind == "xlsx" else "\n".join(",".join(r) for r in rows).encode()
    login(organizer)
    url = f"/c/{contest.slug}/organize/scores/import"

    def upload(**options):
        return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), f"diem.{kind}"),
                                      **options}, content_type="multipart/form-data")

    refused = upload().get_data(as_text=True)
    assert "Nothing was imported" in refused and "is already submitted and would change" in refused
    preview = upload(overwrite="y").get_data(as_text=True)
    assert "replaces a submitted sheet" in preview and "new sheet" in preview
    assert db.session.scalar(select(func.count(ScoreChange.id))) == 1  # nothing applied yet
    token = preview.split('name="token" type="hidden" value="')[1].split('"')[0]
    applied = client.post(f"{url}/apply", data={"csrf_token": csrf_token(client, url), "token": token,
                                                "overwrite": "1", "create_judges": ""},
                          follow_redirects=True)
    assert "2 score sheets imported, 2 changed." in applied.get_data(as_text=True)
    assert [c.points for c in changes()[1:]] == [{"ND": ["50", "45"]},
                                                 {"ND": [None, "10"], "HT": [None, "10"]}]
    again = client.post(f"{url}/apply", data={"csrf_token": csrf_token(client, url), "token": token,
                                              "overwrite": "1"}, follow_redirects=True)
    assert "This upload has expired" in again.get_data(as_text=True)


def test_paper_score_sheets_from_the_command_line_and_the_browser(runner, tmp_path, client, login, scored):
    contest, entries, judge, organizer = scored
    out = tmp_path / "phieu.pdf"
    result = runner.invoke(args=["score-sheets", contest.slug, "--judge", judge.email, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert all(e.code in text for e in entries)
    assert "Phạm Giám Khảo" in text and "Nội dung" in text and "/ 60" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif" in fonts
    assert runner.invoke(args=["score-sheets", contest.slug, "--judge", "khong@example.vn",
                               "--out", str(out)]).exit_code == 1
    assert runner.invoke(args=["score-sheets", contest.slug, "--out", str(out)]).exit_code == 0
    login(organizer)
    with client.get(f"/c/{contest.slug}/organize/paper-sheets.pdf?judge={judge.id}") as response:
        assert response.status_code == 200 and response.data[:5] == b"%PDF-"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a file that is always full")
def test_paper_score_sheets_that_cannot_be_written_say_so(runner, scored):
    contest = scored[0]
    result = runner.invoke(args=["score-sheets", contest.slug, "--out", "/dev/full"])
    assert result.exit_code == 1
    assert "cannot write /dev/full: No space left on device" in result.output
    assert "Traceback" not in result.output


def test_an_autosave_that_arrives_after_the_submit_changes_nothing(scored):
    from contest.judging.services import SheetErrors
    from contest.models import ScoreSource

    contest, entries, judge, _ = scored
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    nd, ht = contest.criteria
    save_sheet(sheet, {nd.id: Decimal(50), ht.id: Decimal(30)}, "", submit=True, actor=judge)
    db.session.commit()
    with pytest.raises(SheetErrors):
        save_sheet(sheet, {nd.id: Decimal(1)}, "", submit=False, actor=judge, source=ScoreSource.AUTOSAVE)
    db.session.rollback()
    assert sorted(s.points for s in db.session.get(Assignment, sheet.id).scores) == [30, 50]
