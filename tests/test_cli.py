"""The `contest` command line, through Flask's CLI runner and through the real console script."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, func, select, text

from config import TestConfig
from contest import PROJECT_ROOT
from contest.extensions import db
from contest.models import (
    Assignment,
    AuditEvent,
    Award,
    Certificate,
    Contest,
    ContestPhase,
    Entry,
    Role,
    Score,
    TieResolution,
    User,
)
from tests.conftest import ON_POSTGRES

CONTEST_SCRIPT = Path(sys.executable).with_name("contest")
RECORD_KEYS = {"rank", "code", "title", "authors", "score", "tier", "boundary_tie", "complete",
               "raw_score", "method", "round", "round_scores", "tier_if_mean", "disagreement"}


def counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Contest, Entry, Assignment, Score)}


def invoke(runner, *args: str, **kwargs):
    return runner.invoke(args=list(args), **kwargs)


def results_json(runner, slug: str) -> list[dict]:
    result = invoke(runner, "results", slug, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def contest_by_slug(slug: str) -> Contest:
    db.session.expire_all()
    return db.session.scalar(select(Contest).where(Contest.slug == slug))


# --- demo -------------------------------------------------------------------


def test_demo_loads_the_seed_contest_and_prints_the_logins(runner):
    result = invoke(runner, "demo", "--entries", "30", "--judges", "4")
    assert result.exit_code == 0, result.output
    assert "Demo contest dvk-2022: 30 entries, 4 judges" in result.output
    for login in ("bantochuc@dvk2022.vn", "bantochuc2022", "tacgia@dvk2022.vn", "tacgia2022",
                  "giamkhao1@dvk2022.vn", "giamkhao4@dvk2022.vn", "giamkhao2022"):
        assert login in result.output
    assert "giamkhao5@" not in result.output
    contest = contest_by_slug("dvk-2022")
    assert contest.phase is ContestPhase.JUDGING
    # Two rounds: 3 of 4 judges per entry in the preliminary, all 4 on the 30 finalists.
    assert counts() == {"users": 6, "contests": 1, "entries": 30, "assignments": 210, "scores": 630}
    assert db.session.scalar(select(func.count()).where(Assignment.submitted_at.is_(None))) == 0
    records = results_json(runner, "dvk-2022")
    assert len(records) == 30
    assert all(r["complete"] for r in records)


def test_the_demo_prints_the_login_address_of_the_site_it_serves(runner, app):
    # scripts/demo serves on $PORT and sets PUBLIC_BASE_URL to http://127.0.0.1:$PORT.
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5300/"
    result = invoke(runner, "demo", "--entries", "3", "--judges", "3")
    assert result.exit_code == 0, result.output
    assert "Log in at http://127.0.0.1:5300/auth/login with:" in result.output
    assert ":5000" not in result.output


def test_running_the_demo_again_adds_nothing(runner):
    assert invoke(runner, "demo", "--entries", "30", "--judges", "4").exit_code == 0
    before = counts()
    first_results = results_json(runner, "dvk-2022")
    again = invoke(runner, "demo", "--entries", "30", "--judges", "4")
    assert again.exit_code == 0, again.output
    assert counts() == before
    assert results_json(runner, "dvk-2022") == first_results


def test_running_the_demo_again_keeps_later_edits(runner):
    assert invoke(runner, "demo", "--entries", "30", "--judges", "4").exit_code == 0
    contest = contest_by_slug("dvk-2022")
    contest.tiers[2].quota = 12
    contest.name = "Tên do Ban Tổ chức sửa"
    score = db.session.scalar(select(Score).order_by(Score.id))
    score.points = Decimal(0)
    db.session.commit()
    score_id = score.id
    assert invoke(runner, "demo", "--entries", "30", "--judges", "4").exit_code == 0
    contest = contest_by_slug("dvk-2022")
    assert (contest.name, contest.tiers[2].quota) == ("Tên do Ban Tổ chức sửa", 12)
    assert db.session.get(Score, score_id).points == 0


def test_a_larger_demo_after_the_preliminary_closed_changes_nothing(runner):
    assert invoke(runner, "demo", "--entries", "12", "--judges", "3").exit_code == 0
    before = counts()
    # 12 entries, 3 judges each in the preliminary; all 12 go on, read by all 3.
    assert before == {"users": 5, "contests": 1, "entries": 12, "assignments": 72, "scores": 216}
    larger = invoke(runner, "demo", "--entries", "15", "--judges", "4")
    assert larger.exit_code == 1
    assert "round SK of dvk-2022 is closed, so no entry can join it" in larger.output
    assert counts() == before
    assert all(r["complete"] for r in results_json(runner, "dvk-2022"))


def test_the_demo_is_the_same_for_the_same_seed(runner, app):
    assert invoke(runner, "demo", "--entries", "12", "--judges", "3", "--seed", "7").exit_code == 0
    first = results_json(runner, "dvk-2022")
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    assert invoke(runner, "demo", "--entries", "12", "--judges", "3", "--seed", "7").exit_code == 0
    assert results_json(runner, "dvk-2022") == first


def test_the_demo_refuses_too_few_judges(runner):
    result = invoke(runner, "demo", "--judges", "2")
    assert result.exit_code == 2
    assert "3 judges" in result.output
    assert counts()["contests"] == 0


def test_acceptance_results_after_the_full_demo(runner):
    """`contest demo` (380 entries, 7 judges) then `contest results dvk-2022 --format json`."""
    assert invoke(runner, "demo").exit_code == 0
    records = results_json(runner, "dvk-2022")
    assert len(records) == 380
    assert all(set(r) == RECORD_KEYS for r in records)
    assert all(r["complete"] for r in records)
    tiers = Counter(r["tier"] for r in records if r["tier"])
    ties = [r for r in records if r["boundary_tie"]]
    # Two rounds: 3 of the 7 judges read each entry, a tie at the cut takes 41 entries to
    # the final, where all 7 read them. Three finalists tie at 92.64 for the last C prize:
    # 15 prizes are settled (2 A, 4 B, 9 C) and the tie is reported, not broken.
    assert tiers == {"A": 2, "B": 4, "C": 9}
    assert sorted(r["code"] for r in ties) == ["DVK-0145", "DVK-0280", "DVK-0376"]
    assert {(r["rank"], r["score"], r["tier"]) for r in ties} == {(16, "92.64", None)}
    assert 2 + 4 + 10 - sum(tiers.values()) == 1  # one C slot left, three entries want it
    assert [r["tier"] for r in records[:15]] == ["A"] * 2 + ["B"] * 4 + ["C"] * 9
    finalists = [r for r in records if r["round"] == "CK"]
    assert len(finalists) == 41 and records[:41] == finalists
    assert all(r["round"] == "SK" and r["tier"] is None and r["round_scores"]["CK"] is None
               for r in records[41:])
    assert [r["rank"] for r in records[41:43]] == [42, 43]
    table = invoke(runner, "results", "dvk-2022")
    assert "boundary tie at 92.64 (C/none): DVK-0145 DVK-0280 DVK-0376" in table.output
    assert "tiers: A 2/2, B 4/4, C 9/10" in table.output
    # Under the plain mean the score is the raw mean, and no tier moves.
    assert all(r["method"] == "mean" and r["raw_score"] == r["score"] for r in records)
    assert all(r["tier_if_mean"] == r["tier"] for r in records)
    # The final's score decides (the preliminary's weight is 0); each round's own is beside it.
    assert all(r["round_scores"]["CK"] == r["score"] and r["round_scores"]["SK"] for r in finalists)
    assert all(r["round_scores"]["SK"] == r["score"] for r in records[41:])


def test_results_preview_another_method(runner, tmp_path):
    # The demo judged in one round, 3 of 7 judges per entry: there a harsh or lenient
    # judge weighs on an entry's mean (in the two-round demo's final all 7 read all).
    example = (PROJECT_ROOT / "docs" / "contest-example.toml").read_text(encoding="utf-8")
    one_round = tmp_path / "one-round.toml"
    one_round.write_text(example[:example.index("# Rounds of judging")], encoding="utf-8")
    assert invoke(runner, "setup", str(one_round)).exit_code == 0
    assert invoke(runner, "demo").exit_code == 0
    assert len(contest_by_slug("dvk-2022").rounds) == 1
    by_mean = {r["code"]: r for r in results_json(runner, "dvk-2022")}
    result = invoke(runner, "results", "dvk-2022", "--format", "json", "--method", "zscore")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["method"] for r in records} == {"zscore"}
    # The raw score stays the plain mean; the score is the normalized one.
    assert all(r["raw_score"] == by_mean[r["code"]]["score"] for r in records)
    assert any(r["score"] != r["raw_score"] for r in records)
    assert all(r["tier_if_mean"] == by_mean[r["code"]]["tier"] for r in records)
    moved = [r for r in records if r["tier"] != r["tier_if_mean"]]
    assert moved
    table = invoke(runner, "results", "dvk-2022", "--method", "zscore").output
    assert "method: zscore" in table
    assert f"{len(moved)} entries change tier under mean" in table
    assert "the prize list is the same under every method" not in table
    refused = invoke(runner, "results", "dvk-2022", "--method", "average")
    assert refused.exit_code == 2 and "'average' is not one of" in refused.output
    assert "method: mean" in invoke(runner, "results", "dvk-2022").output


# --- a small contest with a boundary tie -----------------------------------

ENTRIES_CSV = """code,title,category,author_kind,authors,organization,district,email,phone
TT-0001,Con đường hoa,BAO,individual,Nguyễn Thị Thuỳ Dương,Hội Nông dân xã Tân Trào,Kiến Thụy,,
TT-0002,Thắp sáng đường quê,BAO,collective,Tập thể Hội LHPN xã Kiền Bái,Hội LHPN xã Kiền Bái,Thủy Nguyên,,
TT-0003,Hiến đất mở đường,ANH,individual,Trần Văn An;Lê Thị Bình,Báo Hải Phòng,An Dương,,
TT-0004,Nước sạch về thôn,ANH,individual,Phạm Cường,,Vĩnh Bảo,,
TT-0005,Ngày Chủ nhật xanh,BAO,individual,Đặng Văn Ơn,,Tiên Lãng,,
"""
# Judge totals: TT-0001 90, TT-0002 and TT-0003 80 (tied across the B/C line), TT-0004 70, TT-0005 60.
SCORES_CSV = """entry_code,judge_email,ND,HT,comment
TT-0001,giamkhao1@example.vn,55,35,
TT-0002,giamkhao1@example.vn,50,30,
TT-0003,giamkhao1@example.vn,45.5,34.5,
TT-0004,giamkhao1@example.vn,40,30,
TT-0005,giamkhao1@example.vn,30,30,
"""


@pytest.fixture
def tied(runner, make_contest, make_user, tmp_path) -> Contest:
    """thi-thu (tiers A 1, B 1, C 2) in judging, with a boundary tie at 80 between TT-0002 and TT-0003."""
    make_contest()
    make_user(Role.JUDGE, email="giamkhao1@example.vn")
    (tmp_path / "entries.csv").write_text(ENTRIES_CSV, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES_CSV, encoding="utf-8")
    assert invoke(runner, "import-entries", "thi-thu", str(tmp_path / "entries.csv")).exit_code == 0
    started = invoke(runner, "start-judging", "thi-thu")
    assert started.exit_code == 0, started.output
    assert "thi-thu: judging" in started.output
    assert invoke(runner, "import-scores", "thi-thu", str(tmp_path / "scores.csv")).exit_code == 0
    return contest_by_slug("thi-thu")


def test_results_json_shape(runner, tied):
    records = results_json(runner, "thi-thu")
    assert all(set(r) == RECORD_KEYS for r in records)
    same = {"method": "mean", "round": "1", "disagreement": False}
    assert records == [
        {"rank": 1, "code": "TT-0001", "title": "Con đường hoa", "authors": ["Nguyễn Thị Thuỳ Dương"],
         "score": "90.00", "tier": "A", "boundary_tie": False, "complete": True,
         "raw_score": "90.00", "round_scores": {"1": "90.00"}, "tier_if_mean": "A", **same},
        {"rank": 2, "code": "TT-0002", "title": "Thắp sáng đường quê",
         "authors": ["Tập thể Hội LHPN xã Kiền Bái"], "score": "80.00", "tier": None,
         "boundary_tie": True, "complete": True,
         "raw_score": "80.00", "round_scores": {"1": "80.00"}, "tier_if_mean": None, **same},
        {"rank": 2, "code": "TT-0003", "title": "Hiến đất mở đường",
         "authors": ["Trần Văn An", "Lê Thị Bình"], "score": "80.00", "tier": None,
         "boundary_tie": True, "complete": True,
         "raw_score": "80.00", "round_scores": {"1": "80.00"}, "tier_if_mean": None, **same},
        {"rank": 4, "code": "TT-0004", "title": "Nước sạch về thôn", "authors": ["Phạm Cường"],
         "score": "70.00", "tier": "C", "boundary_tie": False, "complete": True,
         "raw_score": "70.00", "round_scores": {"1": "70.00"}, "tier_if_mean": "C", **same},
        {"rank": 5, "code": "TT-0005", "title": "Ngày Chủ nhật xanh", "authors": ["Đặng Văn Ơn"],
         "score": "60.00", "tier": None, "boundary_tie": False, "complete": True,
         "raw_score": "60.00", "round_scores": {"1": "60.00"}, "tier_if_mean": None, **same},
    ]


def test_results_list_incomplete_entries_without_rank_or_score(runner, tied, make_entry):
    make_entry(tied, title="Chưa chấm")
    records = results_json(runner, "thi-thu")
    assert records[-1] == {"rank": None, "code": "TT-0006", "title": "Chưa chấm",
                           "authors": ["Nguyễn Thị Thuỳ Dương"], "score": None, "tier": None,
                           "boundary_tie": False, "complete": False, "raw_score": None,
                           "method": "mean", "round": "1", "round_scores": {"1": None},
                           "tier_if_mean": None, "disagreement": False}
    table = invoke(runner, "results", "thi-thu")
    assert "incomplete: 1 entries" in table.output


def test_results_table(runner, tied):
    result = invoke(runner, "results", "thi-thu")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["1", "TT-0001", "90.00", "90.00", "A"]
    assert "TIE" in lines[1] and "TT-0002" in lines[1]
    assert "Con đường hoa" in lines[0]
    assert "tiers: A 1/1, B 0/1, C 1/2" in result.output
    assert "boundary tie at 80.00 (B/C): TT-0002 TT-0003" in result.output


def test_results_csv(runner, tied):
    result = invoke(runner, "results", "thi-thu", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert set(rows[0]) == RECORD_KEYS
    assert [r["code"] for r in rows] == ["TT-0001", "TT-0002", "TT-0003", "TT-0004", "TT-0005"]
    assert rows[2]["authors"] == "Trần Văn An; Lê Thị Bình"
    assert (rows[0]["score"], rows[0]["tier"], rows[1]["boundary_tie"]) == ("90.00", "A", "True")
    assert (rows[0]["raw_score"], rows[0]["method"], rows[0]["tier_if_mean"]) == ("90.00", "mean", "A")
    assert json.loads(rows[0]["round_scores"]) == {"1": "90.00"}


def test_results_csv_never_holds_a_formula(runner, tied):
    entry = db.session.scalar(select(Entry).where(Entry.code == "TT-0001"))
    entry.title = '=HYPERLINK("http://evil.example","Bấm vào")'
    entry.set_authors(["@SUM(A1)", "-2+3", "+84 912 345 678"])
    db.session.commit()
    result = invoke(runner, "results", "thi-thu", "--format", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(result.output)) if r["code"] == "TT-0001")
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Bấm vào")'
    assert row["authors"] == "'@SUM(A1); -2+3; +84 912 345 678"
    assert row["score"] == "90.00"


def test_results_of_an_unknown_contest(runner, app):
    result = invoke(runner, "results", "khong-co")
    assert result.exit_code == 1
    assert "no contest with slug 'khong-co'" in result.output


def test_results_of_a_contest_without_entries(runner, make_contest):
    make_contest()
    assert results_json(runner, "thi-thu") == []
    result = invoke(runner, "results", "thi-thu", "--format", "csv")
    assert result.exit_code == 0
    assert invoke(runner, "results", "thi-thu").exit_code == 0


def test_finalize_is_refused_while_a_boundary_tie_is_open(runner, tied):
    result = invoke(runner, "finalize", "thi-thu")
    assert result.exit_code != 0
    assert "unresolved boundary ties" in result.output
    assert "TT-0002 TT-0003" in result.output
    assert contest_by_slug("thi-thu").phase is ContestPhase.JUDGING
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0


def test_finalize_is_refused_while_scoring_is_incomplete(runner, tied, make_entry):
    make_entry(tied, title="Chưa chấm")
    result = invoke(runner, "finalize", "thi-thu")
    assert result.exit_code != 0
    assert "not fully scored: TT-0006" in result.output
    assert contest_by_slug("thi-thu").phase is ContestPhase.JUDGING


def test_resolve_tie_orders_the_group_and_is_audited(runner, tied):
    result = invoke(runner, "resolve-tie", "thi-thu", "TT-0003", "TT-0002",
                    "--reason", "Ban Giám khảo thống nhất: TT-0003 sáng tạo hơn")
    assert result.exit_code == 0, result.output
    assert "tie resolved: TT-0003 > TT-0002" in result.output
    records = {r["code"]: r for r in results_json(runner, "thi-thu")}
    assert (records["TT-0003"]["rank"], records["TT-0003"]["tier"]) == (2, "B")
    assert (records["TT-0002"]["rank"], records["TT-0002"]["tier"]) == (3, "C")
    assert records["TT-0004"]["tier"] == "C"
    assert not any(r["boundary_tie"] for r in records.values())
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tie.resolved"))
    assert event.details == {"order": ["TT-0003", "TT-0002"],
                             "reason": "Ban Giám khảo thống nhất: TT-0003 sáng tạo hơn",
                             "score": "80.00"}
    assert event.target == "TT-0003 TT-0002"
    assert event.actor_id is None


def test_resolving_again_replaces_the_earlier_order(runner, tied):
    assert invoke(runner, "resolve-tie", "thi-thu", "TT-0003", "TT-0002", "--reason", "một").exit_code == 0
    assert invoke(runner, "resolve-tie", "thi-thu", "TT-0002", "TT-0003", "--reason", "hai").exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(TieResolution)) == 1
    records = {r["code"]: r for r in results_json(runner, "thi-thu")}
    assert (records["TT-0002"]["tier"], records["TT-0003"]["tier"]) == ("B", "C")


@pytest.mark.parametrize(("codes", "message"), [
    pytest.param(["TT-0002"], "not exactly one group of equal scores", id="part-of-the-group"),
    pytest.param(["TT-0002", "TT-0003", "TT-0004"], "not exactly one group", id="group-and-another"),
    pytest.param(["TT-0001", "TT-0004"], "not exactly one group", id="not-equal-scores"),
    pytest.param(["TT-0002", "TT-0009"], "not ranked entries of thi-thu: TT-0009", id="unknown-code"),
    pytest.param(["TT-0002", "TT-0002"], "only once", id="code-twice"),
])
def test_resolve_tie_refuses_anything_but_one_equal_score_group(runner, tied, codes, message):
    result = invoke(runner, "resolve-tie", "thi-thu", *codes, "--reason", "lý do")
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(TieResolution)) == 0


def test_a_refused_resolution_names_the_open_boundary_ties(runner, tied):
    result = invoke(runner, "resolve-tie", "thi-thu", "TT-0001", "TT-0002", "--reason", "lý do")
    assert result.exit_code == 1
    assert "boundary ties now: TT-0002 TT-0003" in result.output


def test_resolve_tie_requires_a_reason(runner, tied):
    missing = invoke(runner, "resolve-tie", "thi-thu", "TT-0003", "TT-0002")
    assert missing.exit_code == 2
    assert "--reason" in missing.output
    blank = invoke(runner, "resolve-tie", "thi-thu", "TT-0003", "TT-0002", "--reason", "   ")
    assert blank.exit_code == 1
    assert "reason" in blank.output
    assert db.session.scalar(select(func.count()).select_from(TieResolution)) == 0


def test_start_judging_twice_is_refused(runner, tied):
    result = invoke(runner, "start-judging", "thi-thu")
    assert result.exit_code == 1
    assert "is judging, not open" in result.output


def test_certificates_before_finalization_is_a_clear_error(runner, tied, tmp_path):
    out = tmp_path / "gcn.pdf"
    result = invoke(runner, "certificates", "thi-thu", "--document", "GCN", "--out", str(out))
    assert result.exit_code == 1
    assert "not finalized" in result.output
    assert "contest finalize thi-thu" in result.output
    assert not out.exists()


def test_publish_before_finalization_is_refused(runner, tied):
    result = invoke(runner, "publish", "thi-thu")
    assert result.exit_code == 1
    assert "finalize it first" in result.output
    assert contest_by_slug("thi-thu").phase is ContestPhase.JUDGING


@pytest.fixture
def finalized(runner, tied) -> Contest:
    assert invoke(runner, "resolve-tie", "thi-thu", "TT-0003", "TT-0002", "--reason", "lý do").exit_code == 0
    result = invoke(runner, "finalize", "thi-thu")
    assert result.exit_code == 0, result.output
    assert "thi-thu finalized: 4 prizes" in result.output
    assert "GCN: 4 certificates 01/GCN-BTC … 04/GCN-BTC (tiers A, B, C)" in result.output
    assert "BK: 2 certificates 01/QĐ-UBND … 02/QĐ-UBND (tiers A, B)" in result.output
    return contest_by_slug("thi-thu")


def issued(document: str) -> list[tuple[str, str, str]]:
    return [(c.number, c.entry.code, c.tier_name) for c in db.session.scalars(
        select(Certificate).join(Certificate.document_kind)
        .where(Certificate.document_kind.has(code=document)).order_by(Certificate.seq))]


def test_finalize_issues_numbered_certificates_in_prize_order(runner, finalized):
    assert finalized.phase is ContestPhase.FINALIZED
    assert finalized.finalized_at is not None
    awards = {a.entry.code: (a.tier.code, a.rank, a.score) for a in
              db.session.scalars(select(Award))}
    assert {code: (tier, rank) for code, (tier, rank, _) in awards.items()} == {
        "TT-0001": ("A", 1), "TT-0003": ("B", 2), "TT-0002": ("C", 3), "TT-0004": ("C", 4)}
    assert awards["TT-0003"][2] == Decimal("80.00")
    assert issued("GCN") == [
        ("01/GCN-BTC", "TT-0001", "Giải A"), ("02/GCN-BTC", "TT-0003", "Giải B"),
        ("03/GCN-BTC", "TT-0002", "Giải C"), ("04/GCN-BTC", "TT-0004", "Giải C")]
    assert issued("BK") == [("01/QĐ-UBND", "TT-0001", "Giải A"), ("02/QĐ-UBND", "TT-0003", "Giải B")]
    recipients = {c.entry.code: c.recipient for c in db.session.scalars(select(Certificate))}
    assert recipients["TT-0003"] == "Trần Văn An, Lê Thị Bình"
    assert recipients["TT-0001"] == "Nguyễn Thị Thuỳ Dương"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "contest.finalized"))


def test_a_finalized_contest_cannot_be_finalized_or_resolved_again(runner, finalized):
    again = invoke(runner, "finalize", "thi-thu")
    assert again.exit_code == 1
    assert "is finalized, not judging" in again.output
    resolve = invoke(runner, "resolve-tie", "thi-thu", "TT-0002", "TT-0003", "--reason", "x")
    assert resolve.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 6


@pytest.mark.parametrize(("document", "pages", "names"), [
    ("GCN", 4, ["Nguyễn Thị Thuỳ Dương", "Trần Văn An, Lê Thị Bình", "01/GCN-BTC", "04/GCN-BTC"]),
    ("BK", 2, ["Nguyễn Thị Thuỳ Dương", "02/QĐ-UBND"]),
])
def test_certificates_writes_one_pdf_page_per_certificate(runner, finalized, tmp_path, document,
                                                          pages, names):
    out = tmp_path / f"{document}.pdf"
    result = invoke(runner, "certificates", "thi-thu", "--document", document, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out}: {pages} certificates" in result.output
    reader = PdfReader(out)
    assert len(reader.pages) == pages
    text_ = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for name in names:
        assert name in text_


def test_certificates_for_an_unknown_document(runner, finalized, tmp_path):
    out = tmp_path / "x.pdf"
    result = invoke(runner, "certificates", "thi-thu", "--document", "GKHEN", "--out", str(out))
    assert result.exit_code == 1
    assert "no document 'GKHEN' in thi-thu; documents: GCN, BK" in result.output
    assert not out.exists()


def test_certificates_to_a_folder_that_does_not_exist(runner, finalized, tmp_path):
    out = tmp_path / "khong-co" / "gcn.pdf"
    result = invoke(runner, "certificates", "thi-thu", "--document", "GCN", "--out", str(out))
    assert result.exit_code == 1
    assert f"cannot write {out}" in result.output
    assert "Traceback" not in result.output


def test_publish_after_finalization(runner, finalized):
    result = invoke(runner, "publish", "thi-thu")
    assert result.exit_code == 0, result.output
    assert "thi-thu: results published" in result.output
    contest = contest_by_slug("thi-thu")
    assert contest.phase is ContestPhase.PUBLISHED
    assert contest.published_at is not None
    assert invoke(runner, "publish", "thi-thu").exit_code == 1


# --- create-user --------------------------------------------------------------


def test_create_user_makes_an_account_that_can_log_in(runner, app):
    result = invoke(runner, "create-user", "GiamKhao9@DVK2022.vn", "--name", "Nguyễn Văn Chín",
                    "--role", "judge", "--password", "mat-khau-9")
    assert result.exit_code == 0, result.output
    assert "giamkhao9@dvk2022.vn: judge" in result.output
    user = db.session.scalar(select(User).where(User.email == "giamkhao9@dvk2022.vn"))
    assert user.name == "Nguyễn Văn Chín"
    assert user.roles == {Role.JUDGE}
    assert user.check_password("mat-khau-9")


def test_create_user_adds_roles_to_an_existing_account(runner, make_user):
    make_user(Role.AUTHOR, email="ai@example.vn")
    result = invoke(runner, "create-user", "ai@example.vn", "--name", "Ai Đó", "--role", "judge",
                    "--role", "organizer", "--password", "mat-khau-moi")
    assert result.exit_code == 0, result.output
    assert "ai@example.vn: author, judge, organizer" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_asks_for_the_password_twice(runner, app):
    result = invoke(runner, "create-user", "bantochuc@example.vn", "--name", "Ban Tổ chức",
                    "--role", "organizer", input="mat-khau-12\nmat-khau-12\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).check_password("mat-khau-12")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["khong-phai-email", "--name", "A", "--role", "judge", "--password", "mat-khau-1"], 1, "email"),
    (["a@example.vn", "--name", "A", "--role", "judge", "--password", "ngan"], 1, "at least 10"),
    (["a@example.vn", "--name", "  ", "--role", "judge", "--password", "mat-khau-1"], 1, "name"),
    (["a@example.vn", "--name", "A", "--role", "king", "--password", "mat-khau-1"], 2, "king"),
    (["a@example.vn", "--name", "A", "--password", "mat-khau-1"], 2, "--role"),
])
def test_create_user_refuses_bad_input(runner, app, args, code, message):
    result = invoke(runner, "create-user", *args)
    assert result.exit_code == code
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


# --- the real console script -------------------------------------------------

SCRIPT_SCHEMA = "cli_check"


@pytest.fixture
def script_env(tmp_path):
    """Environment for `.venv/bin/contest`: its own instance folder and an empty database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGOPTIONS", "FLASK_APP")}
    env["CONTEST_INSTANCE_PATH"] = str(tmp_path / "instance")
    if not ON_POSTGRES:
        yield env
        return
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    # A schema of its own, so `contest db upgrade` starts from nothing beside the tests' tables.
    env["PGOPTIONS"] = f"-csearch_path={SCRIPT_SCHEMA}"
    admin = create_engine(TestConfig.SQLALCHEMY_DATABASE_URI)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRIPT_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRIPT_SCHEMA}"))
    try:
        yield env
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRIPT_SCHEMA} CASCADE"))
        admin.dispose()


def contest_script(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CONTEST_SCRIPT), *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_the_console_script_runs_the_whole_flow(script_env, tmp_path):
    assert CONTEST_SCRIPT.exists(), f"{CONTEST_SCRIPT} is missing: pip install -e ."
    helped = contest_script(script_env, "--help")
    assert helped.returncode == 0, helped.stderr
    for command in ("run", "db", "demo", "setup", "import-entries", "import-scores", "results",
                    "resolve-tie", "start-judging", "finalize", "publish", "certificates",
                    "create-user"):
        assert f"  {command} " in helped.stdout, command
    too_early = contest_script(script_env, "demo")
    assert too_early.returncode == 1
    assert "run `contest db upgrade` first" in too_early.stderr
    assert "Traceback" not in too_early.stderr
    upgraded = contest_script(script_env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    if not ON_POSTGRES:
        assert (tmp_path / "instance" / "contest.db").exists()
    demo = contest_script(script_env, "demo", "--entries", "30", "--judges", "4")
    assert demo.returncode == 0, demo.stderr
    assert "bantochuc@dvk2022.vn" in demo.stdout
    again = contest_script(script_env, "demo", "--entries", "30", "--judges", "4")
    assert again.returncode == 0, again.stderr

    shown = contest_script(script_env, "results", "dvk-2022", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    records = json.loads(shown.stdout)
    assert len(records) == 30
    assert all(set(r) == RECORD_KEYS and r["complete"] for r in records)
    assert "Nguyễn Thị Thuỳ Dương" in {a for r in records for a in r["authors"]}

    # This smaller seed has no boundary tie: 16 prizes.
    assert not any(r["boundary_tie"] for r in records)
    assert Counter(r["tier"] for r in records if r["tier"]) == {"A": 2, "B": 4, "C": 10}
    finalized = contest_script(script_env, "finalize", "dvk-2022")
    assert finalized.returncode == 0, finalized.stderr
    assert "dvk-2022 finalized: 16 prizes" in finalized.stdout
    out = tmp_path / "bk.pdf"
    printed = contest_script(script_env, "certificates", "dvk-2022", "--document", "BK", "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    assert len(PdfReader(out).pages) == 6
    # The demo leaves a finalized contest alone.
    assert contest_script(script_env, "demo", "--entries", "30", "--judges", "4").returncode == 0
    assert json.loads(contest_script(script_env, "results", "dvk-2022", "--format", "json").stdout) \
        == records

    missing = contest_script(script_env, "results", "khong-co")
    assert missing.returncode == 1
    assert "no contest with slug 'khong-co'" in missing.stderr
    assert "Traceback" not in missing.stderr
