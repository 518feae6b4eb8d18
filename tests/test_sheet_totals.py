"""Every sheet keeps its total Σ points × weight over its round's rubric: every path that writes
scores, or changes a rubric or its weights, leaves it equal to the sum of the sheet's scores."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from contest.admin.setup import apply_contest_settings
from contest.extensions import db
from contest.judging.services import save_sheet, start_judging
from contest.models import Assignment, Contest, Role, Round, Score, ScoreSource
from contest.results.totals import RoundSheets
from tests.conftest import contest_settings, post_form
from tests.test_score_history import xlsx_file


def recomputed() -> dict[int, tuple[int, int]]:
    """Each sheet's (total in 10⁻⁵ points, criteria scored) summed again from its score rows,
    in Decimal, over its round's rubric."""
    db.session.expire_all()
    rubrics = {r.id: {c.id: c.weight for c in r.rubric} for r in db.session.scalars(select(Round))}
    sums: dict[int, list] = {a: [Decimal(0), 0] for a in db.session.scalars(select(Assignment.id))}
    for assignment_id, round_id, criterion_id, points in db.session.execute(
            select(Score.assignment_id, Assignment.round_id, Score.criterion_id, Score.points)
            .join(Assignment, Assignment.id == Score.assignment_id)):
        weight = rubrics[round_id].get(criterion_id)
        if weight is not None:
            sums[assignment_id][0] += points * weight
            sums[assignment_id][1] += 1
    return {a: (int(total * 100_000), scored) for a, (total, scored) in sums.items()}


def stored() -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    return {a: (total, scored) for a, total, scored in db.session.execute(
        select(Assignment.id, Assignment.total, Assignment.scored))}


def assert_totals_hold() -> None:
    assert stored() == recomputed()


@pytest.fixture
def judging(make_contest, make_entry, make_user):
    """thi-thu in judging: ND (max 60) and HT (max 40), two entries, two judges on both."""
    contest = make_contest(criteria=[{"code": "ND", "name": "Nội dung", "max": 60, "weight": "1.5"},
                                     {"code": "HT", "name": "Hình thức", "max": 40}])
    entries = [make_entry(contest, title=f"Mô hình số {n}") for n in (1, 2)]
    start_judging(contest, actor=None)
    judges = [make_user(Role.JUDGE, email=f"giamkhao{n}@example.vn", name=f"Giám khảo {n}") for n in (1, 2)]
    db.session.add_all(Assignment(round_id=contest.current_round.id, entry_id=e.id, judge_id=j.id)
                       for e in entries for j in judges)
    db.session.commit()
    return contest, entries, judges


def criterion_id(contest: Contest, code: str) -> int:
    return next(c.id for c in contest.criteria if c.code == code)


def sheet(judge, entry) -> Assignment:
    return db.session.scalar(select(Assignment).where(Assignment.judge_id == judge.id,
                                                      Assignment.entry_id == entry.id))


def test_the_judges_form_draft_submit_and_correction(client, login, judging):
    contest, (entry, _), (judge, _) = judging
    login(judge)
    url = f"/c/{contest.slug}/judge/{entry.code}"
    nd, ht = f"points_{criterion_id(contest, 'ND')}", f"points_{criterion_id(contest, 'HT')}"
    post_form(client, url, {nd: "40,5", ht: "", "comment": "", "save_draft": "Save draft"})
    assert sheet(judge, entry).total == 40_50 * 1500 and sheet(judge, entry).scored == 1
    assert_totals_hold()
    post_form(client, url, {nd: "40,5", ht: "30", "comment": "", "submit_scores": "Submit scores"})
    assert (sheet(judge, entry).total, sheet(judge, entry).scored) == (40_50 * 1500 + 30_00 * 1000, 2)
    assert_totals_hold()
    post_form(client, url, {nd: "60", ht: "0", "comment": "sửa", "submit_scores": "Submit scores"})
    assert sheet(judge, entry).total == 60_00 * 1500
    assert_totals_hold()


def test_a_cleared_score_leaves_the_total(judging):
    contest, (entry, _), (judge, _) = judging
    nd, ht = criterion_id(contest, "ND"), criterion_id(contest, "HT")
    save_sheet(sheet(judge, entry), {nd: Decimal("12.5"), ht: Decimal(7)}, "", submit=False, actor=judge)
    save_sheet(sheet(judge, entry), {nd: None, ht: Decimal(7)}, "", submit=False, actor=judge,
               source=ScoreSource.AUTOSAVE)
    db.session.commit()
    assert (sheet(judge, entry).total, sheet(judge, entry).scored) == (7_00 * 1000, 1)
    assert_totals_hold()


def test_imported_paper_sheets_csv_and_xlsx(runner, tmp_path, judging):
    contest, (first, second), _ = judging
    csv = tmp_path / "scores.csv"
    csv.write_text("entry_code,judge_email,ND,HT,comment\n"
                   f"{first.code},giamkhao1@example.vn,46.5,30,\n"
                   f"{second.code},giamkhao3@example.vn,\"40,5\",39.5,\n", encoding="utf-8")
    assert runner.invoke(args=["import-scores", contest.slug, str(csv), "--create-judges"]).exit_code == 0
    assert_totals_hold()
    workbook = tmp_path / "scores.xlsx"
    workbook.write_bytes(xlsx_file([["entry_code", "judge_email", "ND", "HT", "comment"],
                                    [first.code, "giamkhao1@example.vn", 10, 20, "sửa"],
                                    [second.code, "giamkhao2@example.vn", 0.5, 0, ""]]))
    result = runner.invoke(args=["import-scores", contest.slug, str(workbook), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert sheet(judging[2][0], first).total == 10_00 * 1500 + 20_00 * 1000
    assert_totals_hold()


def test_the_demo_loader_both_rounds(demo_contest):
    assert len(demo_contest.rounds) == 2
    totals = stored()
    assert sum(1 for total, scored in totals.values() if scored) > 40
    assert totals == recomputed()


def test_a_change_of_weights_or_rubric_sums_the_sheets_again(judging):
    contest, entries, judges = judging
    nd, ht = criterion_id(contest, "ND"), criterion_id(contest, "HT")
    for entry in entries:
        save_sheet(sheet(judges[0], entry), {nd: Decimal(50), ht: Decimal(20)}, "", submit=True, actor=None)
    db.session.commit()
    before = sheet(judges[0], entries[0]).total
    apply_contest_settings(contest_settings(criteria=[
        {"code": "ND", "name": "Nội dung", "max": 60, "weight": "2"},
        {"code": "HT", "name": "Hình thức", "max": 40}]))
    db.session.commit()
    assert sheet(judges[0], entries[0]).total == 50_00 * 2000 + 20_00 * 1000 != before
    assert_totals_hold()
    # A new criterion: the sheets score one of three, and are no longer full.
    apply_contest_settings(contest_settings(criteria=[
        {"code": "ND", "name": "Nội dung", "max": 60, "weight": "2"},
        {"code": "HT", "name": "Hình thức", "max": 40},
        {"code": "ST", "name": "Sáng tạo", "max": 10}]))
    db.session.commit()
    assert_totals_hold()
    assert RoundSheets.load(contest.current_round).totals == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(0, 120)),
                          st.one_of(st.none(), st.integers(0, 80)), st.booleans()), max_size=8),
       st.sampled_from(["1", "0.5", "2.25", "1.125"]))
def test_any_sequence_of_saves_and_weights_keeps_every_total(judging, saves, weight):
    contest, entries, judges = judging
    nd, ht = criterion_id(contest, "ND"), criterion_id(contest, "HT")
    sheets = [sheet(j, e) for e in entries for j in judges]
    for index, nd_half, ht_half, submit in saves:
        points = {nd: None if nd_half is None else Decimal(nd_half) / 2,
                  ht: None if ht_half is None else Decimal(ht_half) / 2}
        target = sheets[index]
        full = all(v is not None for v in points.values())
        if target.is_submitted and not full:
            continue
        save_sheet(target, points, "", submit=submit and full, actor=None)
    db.session.commit()
    assert_totals_hold()
    apply_contest_settings(contest_settings(criteria=[
        {"code": "ND", "name": "Nội dung", "max": 60, "weight": weight},
        {"code": "HT", "name": "Hình thức", "max": 40}]))
    db.session.commit()
    assert_totals_hold()
