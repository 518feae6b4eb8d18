"""`[[rounds]]` in a settings file: the rounds a contest is judged in, checked before anything changes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.admin.setup import SetupError, apply_contest_settings
from contest.extensions import db
from contest.models import AdvanceRule, Assignment, Role, Round, RoundStatus, ScoreMethod
from tests.conftest import contest_settings

TWO_ROUNDS = [
    {"code": "SK", "name": "Sơ khảo", "per_entry": 3, "advance": {"top": 40}},
    {"code": "CK", "name": "Chung khảo", "per_entry": "all", "method": "zscore"},
]


def setup(**overrides):
    contest = apply_contest_settings(contest_settings(**overrides))
    db.session.commit()
    return contest


def problems(**overrides) -> list[str]:
    with pytest.raises(SetupError) as caught:
        apply_contest_settings(contest_settings(**overrides))
    db.session.rollback()
    return [str(p) for p in caught.value.errors]


def test_a_contest_without_rounds_has_one_open_round_scored_by_the_mean(app):
    contest = setup()
    (only,) = contest.rounds
    assert (only.code, only.number, only.status, only.method) == ("1", 1, RoundStatus.OPEN, ScoreMethod.MEAN)
    assert (only.per_entry, only.advance_rule, only.weight) == (None, None, Decimal(1))
    assert only.rubric == contest.criteria and contest.current_round is only
    assert not contest.has_rounds


def test_two_rounds_from_the_file_with_their_defaults(app):
    contest = setup(rounds=TWO_ROUNDS)
    sk, ck = contest.rounds
    assert [r.code for r in contest.rounds] == ["SK", "CK"]
    assert (sk.number, sk.name, sk.status, sk.per_entry) == (1, "Sơ khảo", RoundStatus.OPEN, 3)
    assert (sk.advance_rule, sk.advance_count, sk.weight) == (AdvanceRule.TOP, 40, 0)
    assert (sk.method, sk.disagreement) == (ScoreMethod.MEAN, Decimal("0.25"))
    assert (ck.number, ck.status, ck.per_entry, ck.method) == (2, RoundStatus.PENDING, None, ScoreMethod.ZSCORE)
    assert (ck.advance_rule, ck.weight) == (None, 1)
    assert contest.current_round is sk and contest.has_rounds
    assert sk.next is ck and ck.previous is sk and ck.is_last and sk.is_first


@pytest.mark.parametrize("advance, rule, count, min_score", [
    ({"top": 40}, AdvanceRule.TOP, 40, None),
    ({"top_per_category": 5}, AdvanceRule.TOP_PER_CATEGORY, 5, None),
    ({"min_score": 70}, AdvanceRule.MIN_SCORE, None, Decimal(70)),
    ({"min_score": 72.5}, AdvanceRule.MIN_SCORE, None, Decimal("72.5")),
    ({"pick": True}, AdvanceRule.PICK, None, None),
])
def test_every_advancement_rule(app, advance, rule, count, min_score):
    rounds = [{**TWO_ROUNDS[0], "advance": advance}, TWO_ROUNDS[1]]
    sk = setup(rounds=rounds).rounds[0]
    assert (sk.advance_rule, sk.advance_count, sk.advance_min_score) == (rule, count, min_score)


def test_weights_judges_and_rubric_of_a_round(app, make_user):
    judge = make_user(Role.JUDGE, email="giamkhao1@dvk2022.vn")
    rounds = [{**TWO_ROUNDS[0], "weight": 0.3, "judges": ["GiamKhao1@dvk2022.vn"], "criteria": ["ND"],
               "disagreement": 0.125},
              {**TWO_ROUNDS[1], "weight": 0.7}]
    contest = setup(rounds=rounds)
    sk, ck = contest.rounds
    assert (sk.weight, ck.weight, sk.disagreement) == (Decimal("0.3"), Decimal("0.7"), Decimal("0.125"))
    assert sk.judges == [judge] and ck.judges == []
    assert [c.code for c in sk.rubric] == ["ND"] and [c.code for c in ck.rubric] == ["ND", "HT"]


@pytest.mark.parametrize("rounds, expected", [
    ([{"code": "SK", "name": "Sơ khảo", "advance": {"top": 40}}, {"code": "CK", "name": "Chung khảo",
                                                                  "advance": {"top": 5}}],
     "rounds[2]: 'advance': the last round has no advancement rule"),
    ([{"code": "SK", "name": "Sơ khảo"}, {"code": "CK", "name": "Chung khảo"}],
     "rounds[1]: 'advance' is required on every round but the last"),
    ([{"code": "SK", "name": "Sơ khảo", "advance": {"top": 0}}, TWO_ROUNDS[1]],
     "rounds[1]: 'advance.top' must be a whole number ≥ 0"),
    ([{"code": "SK", "name": "Sơ khảo", "advance": {"best": 3}}, TWO_ROUNDS[1]],
     "rounds[1]: 'advance' must be one of { top = 40 }, { top_per_category = 5 }, "
     "{ min_score = 70 }, { pick = true }"),
    ([{"code": "SK", "name": "Sơ khảo", "advance": {"top": 3, "pick": True}}, TWO_ROUNDS[1]],
     "rounds[1]: 'advance' must be one of { top = 40 }, { top_per_category = 5 }, "
     "{ min_score = 70 }, { pick = true }"),
    ([{"code": "SK", "name": "Sơ khảo", "advance": {"pick": False}}, TWO_ROUNDS[1]],
     "rounds[1]: 'advance' must be one of { top = 40 }, { top_per_category = 5 }, "
     "{ min_score = 70 }, { pick = true }"),
    ([{**TWO_ROUNDS[0], "per_entry": 0}, TWO_ROUNDS[1]],
     "rounds[1]: 'per_entry' must be a whole number ≥ 1 or \"all\""),
    ([{**TWO_ROUNDS[0], "per_entry": "some"}, TWO_ROUNDS[1]],
     "rounds[1]: 'per_entry' must be a whole number ≥ 1 or \"all\""),
    ([{**TWO_ROUNDS[0], "method": "average"}, TWO_ROUNDS[1]],
     "rounds[1]: 'method' must be one of mean, trimmed, median, zscore, not 'average'"),
    ([{**TWO_ROUNDS[0], "disagreement": 1.5}, TWO_ROUNDS[1]],
     "rounds[1]: 'disagreement' is a share of the maximum total: at most 1"),
    ([{**TWO_ROUNDS[0], "weight": -1}, TWO_ROUNDS[1]], "rounds[1]: 'weight' must be at least 0"),
    ([TWO_ROUNDS[0], {**TWO_ROUNDS[1], "weight": 0}],
     "'weight': at least one round must have a weight above 0"),
    ([TWO_ROUNDS[0], {**TWO_ROUNDS[1], "criteria": ["XX"]}], "rounds[2]: 'criteria': unknown criterion 'XX'"),
    ([TWO_ROUNDS[0], {**TWO_ROUNDS[1], "judges": ["nobody@example.vn"]}],
     "rounds[2]: 'judges': 'nobody@example.vn' is not a judge's account"),
    ([TWO_ROUNDS[0], {**TWO_ROUNDS[1], "code": "SK"}], "[[rounds]]: duplicate code(s) SK"),
    ([{**TWO_ROUNDS[0], "name": ""}, TWO_ROUNDS[1]], "rounds[1]: 'name' must not be empty"),
])
def test_wrong_rounds_are_refused_and_nothing_is_created(app, rounds, expected):
    assert expected in problems(rounds=rounds)
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_rounds_are_updated_by_code(app):
    contest = setup(rounds=TWO_ROUNDS)
    ids = [r.id for r in contest.rounds]
    rounds = [{**TWO_ROUNDS[0], "name": "Vòng sơ khảo", "advance": {"top": 30}},
              {"code": "BK", "name": "Bán kết", "per_entry": 5, "advance": {"pick": True}},
              TWO_ROUNDS[1]]
    contest = setup(rounds=rounds)
    assert [(r.code, r.number, r.status) for r in contest.rounds] == [
        ("SK", 1, RoundStatus.OPEN), ("BK", 2, RoundStatus.PENDING), ("CK", 3, RoundStatus.PENDING)]
    assert [contest.rounds[0].id, contest.rounds[2].id] == ids
    assert (contest.rounds[0].name, contest.rounds[0].advance_count) == ("Vòng sơ khảo", 30)
    # A file without [[rounds]] leaves them as they are.
    assert [r.code for r in setup().rounds] == ["SK", "BK", "CK"]


def test_a_started_round_cannot_be_removed_or_moved(app, make_entry, make_user):
    contest = setup(rounds=TWO_ROUNDS)
    entry, judge = make_entry(contest), make_user(Role.JUDGE)
    db.session.add(Assignment(round_id=contest.rounds[0].id, entry_id=entry.id, judge_id=judge.id))
    db.session.commit()
    assert "rounds 'SK' has started and cannot be removed" in problems(rounds=[TWO_ROUNDS[1]])
    assert "rounds 'SK' has started: the rounds before it cannot change" in problems(
        rounds=[{"code": "PRE", "name": "Vòng loại", "advance": {"top": 100}}, *TWO_ROUNDS])
    db.session.expire_all()
    assert [r.code for r in contest.rounds] == ["SK", "CK"]


def test_a_closed_round_keeps_its_rule(app):
    contest = setup(rounds=TWO_ROUNDS)
    contest.rounds[0].status = RoundStatus.CLOSED
    contest.rounds[1].status = RoundStatus.OPEN
    db.session.commit()
    assert "rounds 'SK' is closed: its advance can no longer change" in problems(
        rounds=[{**TWO_ROUNDS[0], "advance": {"top": 10}}, TWO_ROUNDS[1]])
    # Its name and weight may still change.
    contest = setup(rounds=[{**TWO_ROUNDS[0], "name": "Sơ khảo (đã xong)", "weight": 0.3},
                            {**TWO_ROUNDS[1], "weight": 0.7}])
    assert contest.rounds[0].name == "Sơ khảo (đã xong)"
