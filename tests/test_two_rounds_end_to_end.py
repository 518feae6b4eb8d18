"""A two-round contest end to end, through the command line and the web: set up from a
file, preliminary scores, advance with a tie at the cut, final scores, ranking, finalize,
certificates (on SQLite, and on PostgreSQL with DATABASE_URL)."""
from __future__ import annotations

import json
import subprocess

from sqlalchemy import select

from contest import PROJECT_ROOT
from contest.extensions import db
from contest.models import Assignment, Contest, ContestPhase, Role
from tests.conftest import PASSWORD, post_form

SETTINGS = (PROJECT_ROOT / "docs" / "contest-example.toml").read_text(encoding="utf-8").replace(
    "advance = { top = 40 }", "advance = { top = 3 }").replace(
    "code = \"A\"\nname = \"Giải A\"\nquota = 2", "code = \"A\"\nname = \"Giải A\"\nquota = 1").replace(
    "quota = 4", "quota = 1").replace("quota = 10", "quota = 1")
# Preliminary totals (every judge gives the same): the third place is shared by two entries.
PRELIMINARY = [90, 85, 80, 80, 70, 60]
# Final totals of the four finalists: the preliminary's order is turned around.
FINAL = [70, 75, 95, 90]


def sheet_rows(entries: list[str], judges: list[str], totals: list[int], sheets: set) -> str:
    """CSV rows for the sheets the judges have, ND/HT/LT split 40/30/30 at most."""
    lines = ["entry_code,judge_email,ND,HT,LT,comment"]
    for code, total in zip(entries, totals):
        nd = min(40, total)
        ht = min(30, total - nd)
        for email in judges:
            if (code, email) in sheets:
                lines.append(f"{code},{email},{nd},{ht},{total - nd - ht},")
    return "\n".join(lines) + "\n"


def test_two_rounds_through_the_command_line_and_the_web(app, runner, client, login, make_user,
                                                         tmp_path):
    def run(*args):
        result = runner.invoke(args=[str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result.output

    settings = tmp_path / "contest.toml"
    settings.write_text(SETTINGS, encoding="utf-8")
    run("setup", settings)
    entries = tmp_path / "entries.csv"
    entries.write_text("code,title,category,author_kind,authors,organization,district,email,phone\n" + "".join(
        f"DVK-{n:04d},Mô hình số {n},BAO-IN,individual,Nguyễn Văn Tác Giả {n},Hội Nông dân xã {n},"
        f"Kiến Thụy,tacgia{n}@example.vn,091234567{n}\n" for n in range(1, 7)), encoding="utf-8")
    run("import-entries", "dvk-2022", entries)
    judges = [make_user(Role.JUDGE, email=f"giamkhao{n}@dvk2022.vn", name=f"Giám khảo {n}")
              for n in range(1, 4)]
    emails = [j.email for j in judges]
    organizer = make_user(Role.ORGANIZER, name="Ban Tổ chức")
    run("start-judging", "dvk-2022")
    codes = [f"DVK-{n:04d}" for n in range(1, 7)]

    # The preliminary: 2 of the 3 judges per entry, assigned on the Judges page.
    login(organizer)
    judges_url = "/c/dvk-2022/organize/judges"
    assert post_form(client, f"{judges_url}/assign", {"judges": [j.id for j in judges], "mode": "balanced",
                                                      "per_entry": 2}, form_page=judges_url).status_code == 302

    def sheets_of(round_code: str) -> set:
        contest = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
        round_ = next(r for r in contest.rounds if r.code == round_code)
        return {(a.entry.code, a.judge.email) for a in db.session.scalars(
            select(Assignment).where(Assignment.round_id == round_.id))}

    preliminary = sheets_of("SK")
    assert len(preliminary) == 12
    scores = tmp_path / "so-khao.csv"
    scores.write_text(sheet_rows(codes, emails, PRELIMINARY, preliminary), encoding="utf-8")
    assert "12 score sheets imported into round SK" in run("import-scores", "dvk-2022", scores,
                                                            "--round", "SK")

    # Closing the round: the page shows the tie at the cut, the command closes it.
    page = client.get("/c/dvk-2022/organize/rounds").get_data(as_text=True)
    assert "4 entries go on to Chung khảo." in page and "Tie at the cut" in page
    out = run("advance", "dvk-2022")
    assert "round SK closed: 4 entries go on to round CK (Chung khảo)" in out
    assert "tie at the cut: 2 entries at 80.00 all go on (1 more than the rule): DVK-0003 DVK-0004" in out
    final = sheets_of("CK")
    assert final == {(c, e) for c in codes[:4] for e in emails}

    # The final: one judge on the web, the others from paper.
    reader = app.test_client()
    assert post_form(reader, "/auth/login", {"email": judges[0].email, "password": PASSWORD}).status_code == 302
    listing = reader.get("/c/dvk-2022/judge/?show=all").get_data(as_text=True)
    assert "Chung khảo" in listing and "DVK-0005" not in listing
    score_url = "/c/dvk-2022/judge/DVK-0003"
    nd, ht, lt = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022")).criteria
    assert post_form(reader, score_url, {f"points_{nd.id}": "40", f"points_{ht.id}": "30",
                                         f"points_{lt.id}": "25", "comment": "Rất thuyết phục",
                                         "submit_scores": "1"}).status_code == 302
    paper = tmp_path / "chung-khao.csv"
    paper.write_text(sheet_rows(codes[:4], emails[1:], FINAL, final), encoding="utf-8")
    assert "8 score sheets imported, 8 changed" in run("import-scores", "dvk-2022", paper)
    rest = tmp_path / "chung-khao-2.csv"
    rest.write_text(sheet_rows([c for c in codes[:4] if c != "DVK-0003"], emails[:1],
                               [t for c, t in zip(codes, FINAL) if c != "DVK-0003"], final), encoding="utf-8")
    run("import-scores", "dvk-2022", rest, "--round", "CK")

    # The ranking: the finalists by the final (DVK-0003 95, DVK-0004 90, …), then the others.
    records = json.loads(run("results", "dvk-2022", "--format", "json"))
    assert [(r["code"], r["rank"], r["score"], r["tier"], r["round"]) for r in records] == [
        ("DVK-0003", 1, "95.00", "A", "CK"), ("DVK-0004", 2, "90.00", "B", "CK"),
        ("DVK-0002", 3, "75.00", "C", "CK"), ("DVK-0001", 4, "70.00", None, "CK"),
        ("DVK-0005", 5, "70.00", None, "SK"), ("DVK-0006", 6, "60.00", None, "SK")]
    assert records[0]["round_scores"] == {"SK": "80.00", "CK": "95.00"}
    assert records[4]["round_scores"] == {"SK": "70.00", "CK": None}

    ranking = client.get("/c/dvk-2022/organize/ranking").get_data(as_text=True)
    assert "Did not reach the last round" in ranking and 'id="stopped-DVK-0005"' in ranking
    assert post_form(client, "/c/dvk-2022/organize/finalize",
                     form_page="/c/dvk-2022/organize/ranking").status_code == 302
    contest = db.session.scalar(select(Contest).where(Contest.slug == "dvk-2022"))
    db.session.refresh(contest)
    assert contest.phase is ContestPhase.FINALIZED

    pdf = tmp_path / "gcn.pdf"
    run("certificates", "dvk-2022", "--document", "GCN", "--out", pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Nguyễn Văn Tác Giả 3" in text and "Nguyễn Văn Tác Giả 2" in text
    assert "Nguyễn Văn Tác Giả 5" not in text and "Nguyễn Văn Tác Giả 1" not in text
