"""Conflicts of interest: no judge on an entry they wrote; declared conflicts withdraw the
sheet and reassign it; organizers add and lift conflicts, move sheets, handle a drop-out."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.judging.conflicts import ConflictError, conflicted_pairs, drop_judge, reassign_sheet
from contest.judging.services import SheetErrors, assign_judges, save_sheet, start_judging
from contest.models import Assignment, Conflict, Role, ScoreChange
from tests.conftest import csrf_token, post_form


@pytest.fixture
def jury(make_contest, make_entry, make_user):
    contest = make_contest()
    judges = [make_user(Role.JUDGE, email=f"giamkhao{i}@example.vn", name=f"Giám khảo {i}")
              for i in range(1, 5)]
    entries = [make_entry(contest, title=f"Bài {n}", email=f"tacgia{n}@example.vn") for n in range(6)]
    start_judging(contest, actor=None)
    db.session.commit()
    return contest, judges, entries


def readers(entry) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(Assignment.judge_id).where(Assignment.entry_id == entry.id)))


@pytest.mark.parametrize("per_entry", [None, 2])
def test_an_author_is_never_assigned_their_own_entry_in_any_mode(jury, make_user, per_entry):
    contest, judges, entries = jury
    entries[0].submitted_by = judges[0]          # same account
    entries[1].email = "GiamKhao2@Example.vn"    # same e-mail as the contact
    db.session.commit()
    assign_judges(contest, judges, per_entry, actor=None)
    assert judges[0].id not in readers(entries[0])
    assert judges[1].id not in readers(entries[1])
    assert all(len(readers(e)) == (2 if per_entry else 4 - (e in entries[:2])) for e in entries)


def test_the_contest_may_rule_out_the_same_organization_or_district(jury):
    contest, judges, entries = jury
    judges[0].organization = "  Hội Nông dân xã Tân Trào "  # the factory's organization, spaced
    judges[1].district = "kiến thụy"                         # the factory's district, lower case
    db.session.commit()
    assert conflicted_pairs(contest, judges) == set()
    contest.conflict_same_organization = True
    contest.conflict_same_district = True
    assert {(e.id, judges[0].id) for e in entries} <= conflicted_pairs(contest, judges)
    assert {(e.id, judges[1].id) for e in entries} <= conflicted_pairs(contest, judges)


def test_a_judge_who_wrote_an_entry_cannot_score_it_even_when_assigned(jury):
    contest, judges, entries = jury
    sheet = Assignment(round_id=contest.current_round.id, entry_id=entries[0].id, judge_id=judges[0].id)
    db.session.add(sheet)
    entries[0].submitted_by = judges[0]
    db.session.commit()
    nd, ht = contest.criteria
    with pytest.raises(SheetErrors):
        save_sheet(sheet, {nd.id: Decimal(10), ht.id: Decimal(10)}, "", submit=True, actor=judges[0])


def test_import_refuses_a_judge_scoring_their_own_entry(jury, runner, tmp_path):
    contest, judges, entries = jury
    entries[0].submitted_by = judges[0]
    db.session.commit()
    path = tmp_path / "scores.csv"
    path.write_text(f"entry_code,judge_email,ND,HT\n{entries[0].code},giamkhao1@example.vn,10,10\n")
    result = runner.invoke(args=["import-scores", contest.slug, str(path)])
    assert result.exit_code == 1
    assert "giamkhao1@example.vn may not score TT-0001 (conflict of interest)" in result.output
    assert readers(entries[0]) == set()


def test_a_declared_conflict_withdraws_the_sheet_and_reassigns_the_entry(client, login, jury):
    contest, judges, entries = jury
    assign_judges(contest, judges[:3], 2, actor=None)
    db.session.commit()
    entry = next(e for e in entries if judges[0].id in readers(e))
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entry.id,
                                                       Assignment.judge_id == judges[0].id))
    nd = contest.criteria[0]
    save_sheet(sheet, {nd.id: Decimal(20)}, "nháp", submit=False, actor=judges[0])
    db.session.commit()
    before = readers(entry)

    login(judges[0])
    url = f"/c/{contest.slug}/judge/{entry.code}"
    refused = post_form(client, f"{url}/conflict", {"reason": ""}, form_page=url)
    assert refused.status_code == 200 and "Give a reason" in refused.get_data(as_text=True)
    response = post_form(client, f"{url}/conflict", {"reason": "Tôi quen tác giả"}, form_page=url)
    assert response.status_code == 302
    after = readers(entry)
    assert judges[0].id not in after and len(after) == len(before)
    assert client.get(url).status_code == 404
    conflict = db.session.scalar(select(Conflict))
    assert (conflict.judge_id, conflict.reason, conflict.source.value) == (judges[0].id, "Tôi quen tác giả",
                                                                          "judge")
    removed = db.session.scalars(select(ScoreChange).where(ScoreChange.state == "removed")).one()
    assert removed.points == {"ND": ["20", None]} and removed.comment_before == "nháp"
    # Later assignments (a new round, or a run again) keep the judge off the entry.
    assign_judges(contest, judges, None, actor=None)
    assert judges[0].id not in readers(entry)


def test_the_organizer_adds_and_lifts_a_conflict(client, login, jury, make_user):
    contest, judges, entries = jury
    assign_judges(contest, judges, None, actor=None)
    db.session.commit()
    login(make_user(Role.ORGANIZER))
    url = f"/c/{contest.slug}/organize/entries/{entries[2].code}"
    post_form(client, f"{url}/conflicts", {"judge": judges[3].id, "reason": "Cùng cơ quan"}, form_page=url)
    assert judges[3].id not in readers(entries[2])
    page = client.get(url).get_data(as_text=True)
    assert "Cùng cơ quan" in page and "Giám khảo 4" in page
    conflict = db.session.scalar(select(Conflict))
    post_form(client, f"{url}/conflicts/{conflict.id}/lift", {"reason": "Nhầm người"}, form_page=url)
    db.session.expire_all()
    assert conflict.lifted_at is not None and conflict.lift_reason == "Nhầm người"
    assign_judges(contest, judges, None, actor=None)
    assert judges[3].id in readers(entries[2])


def test_the_organizer_reassigns_one_sheet_but_not_a_submitted_one(jury):
    contest, judges, entries = jury
    assign_judges(contest, judges[:2], 1, actor=None)
    db.session.commit()
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    moved = reassign_sheet(sheet, judges[3], actor=None)
    assert moved.judge_id == judges[3].id and readers(entries[0]) == {judges[3].id}
    nd, ht = contest.criteria
    save_sheet(moved, {nd.id: Decimal(10), ht.id: Decimal(10)}, "", submit=True, actor=None)
    with pytest.raises(ConflictError):
        reassign_sheet(moved, judges[2], actor=None)


def test_a_judge_who_drops_out_hands_over_unscored_sheets_and_keeps_submitted_ones(jury):
    contest, judges, entries = jury
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    leaving = judges[0]
    mine = list(db.session.scalars(select(Assignment).where(Assignment.judge_id == leaving.id)))
    nd, ht = contest.criteria
    save_sheet(mine[0], {nd.id: Decimal(10), ht.id: Decimal(10)}, "", submit=True, actor=leaving)
    db.session.commit()
    with pytest.raises(ConflictError):
        drop_judge(contest, leaving, actor=None, discard_submitted=True, reason=" ")
    moved, discarded = drop_judge(contest, leaving, actor=None)
    assert (moved, discarded) == (len(mine) - 1, 0)
    left = list(db.session.scalars(select(Assignment).where(Assignment.judge_id == leaving.id)))
    assert [a.id for a in left] == [mine[0].id]
    assert all(len(readers(e)) == 2 for e in entries)
    moved, discarded = drop_judge(contest, leaving, actor=None, discard_submitted=True,
                                  reason="Giám khảo ốm")
    assert (moved, discarded) == (0, 1)
    assert all(len(readers(e)) == 2 and leaving.id not in readers(e) for e in entries)


def test_the_organizer_discards_a_submitted_sheet_with_a_reason(client, login, jury, make_user):
    contest, judges, entries = jury
    assign_judges(contest, judges[:2], 1, actor=None)
    db.session.commit()
    sheet = db.session.scalar(select(Assignment).where(Assignment.entry_id == entries[0].id))
    nd, ht = contest.criteria
    save_sheet(sheet, {nd.id: Decimal(10), ht.id: Decimal(10)}, "", submit=True, actor=None)
    db.session.commit()
    login(make_user(Role.ORGANIZER))
    url = f"/c/{contest.slug}/organize/entries/{entries[0].code}"
    post_form(client, f"{url}/sheets/{sheet.id}/discard", {"reason": ""}, form_page=url)
    assert len(readers(entries[0])) == 1 and sheet.id in set(db.session.scalars(select(Assignment.id)))
    response = post_form(client, f"{url}/sheets/{sheet.id}/discard", {"reason": "Chấm nhầm bài"},
                         form_page=url, follow_redirects=True)
    assert "The sheet was discarded" in response.get_data(as_text=True)
    assert sheet.id not in set(db.session.scalars(select(Assignment.id)))
    change = db.session.scalars(select(ScoreChange).order_by(ScoreChange.id.desc())).first()
    assert change.state == "removed" and "Chấm nhầm bài" in change.reason


def test_a_judge_dropping_out_from_the_judges_page(client, login, jury, make_user):
    contest, judges, entries = jury
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    login(make_user(Role.ORGANIZER))
    url = f"/c/{contest.slug}/organize/judges/{judges[1].id}/history"
    assert "This judge drops out" in client.get(url).get_data(as_text=True)
    response = post_form(client, f"/c/{contest.slug}/organize/judges/{judges[1].id}/drop",
                         {"reason": ""}, form_page=url, follow_redirects=True)
    assert "is off the panel" in response.get_data(as_text=True)
    assert all(judges[1].id not in readers(e) for e in entries)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/organize/")})


def test_a_judges_workplace_from_the_form_and_the_command_line_rules_them_out(
        client, login, runner, jury, make_user):
    contest, judges, entries = jury
    contest.conflict_same_organization = True
    contest.conflict_same_district = True
    db.session.commit()
    login(make_user(Role.ORGANIZER))
    url = f"/c/{contest.slug}/organize/judges"
    post_form(client, f"{url}/add", {"name": "Lê Văn Cùng", "email": "cung@example.vn",
                                     "password": "mat-khau-dai-42", "organization": "Hội Nông dân xã Tân Trào"},
              form_page=url)
    result = runner.invoke(args=["create-user", "huyen@example.vn", "--name", "Đỗ Cùng Huyện", "--role", "judge",
                                 "--district", "Kiến Thụy", "--password", "mat-khau-dai-42"])
    assert result.exit_code == 0, result.output
    from contest.auth.services import user_by_email

    same_unit, same_district = user_by_email("cung@example.vn"), user_by_email("huyen@example.vn")
    assert (same_unit.organization, same_district.district) == ("Hội Nông dân xã Tân Trào", "Kiến Thụy")
    assign_judges(contest, [*judges, same_unit, same_district], None, actor=None)
    assert all({same_unit.id, same_district.id}.isdisjoint(readers(e)) for e in entries)
