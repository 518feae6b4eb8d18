"""Tie-breakers and shared tiers from the settings file to the ranking page and the awards."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.admin.setup import SetupError, apply_contest_settings
from contest.extensions import db
from contest.models import Award, Certificate, ContestPhase, Role
from contest.results.services import compute_ranking, finalize
from tests.conftest import contest_settings
from tests.test_admin import save_settings, settings_fields
from tests.test_cli import ENTRIES_CSV, SCORES_CSV, contest_by_slug, invoke

TIERS = [{"code": "A", "name": "Giải A", "quota": 1}, {"code": "B", "name": "Giải B", "quota": 1},
         {"code": "C", "name": "Giải C", "quota": 2}]


@pytest.fixture(autouse=True)
def english(client):
    client.get("/lang/en")


def scored(runner, make_contest, make_user, tmp_path, **settings):
    """thi-thu judged from the CLI's CSVs: TT-0002 (ND 50) and TT-0003 (ND 45.5) tie at 80 on B/C."""
    make_contest(**settings)
    make_user(Role.JUDGE, email="giamkhao1@example.vn")
    (tmp_path / "entries.csv").write_text(ENTRIES_CSV, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES_CSV, encoding="utf-8")
    assert invoke(runner, "import-entries", "thi-thu", str(tmp_path / "entries.csv")).exit_code == 0
    assert invoke(runner, "start-judging", "thi-thu").exit_code == 0
    assert invoke(runner, "import-scores", "thi-thu", str(tmp_path / "scores.csv")).exit_code == 0
    return contest_by_slug("thi-thu")


def tiers_by_code(ranking) -> dict[str, str | None]:
    return {r.code: (r.tier.code if r.tier else None) for r in ranking.ranked}


@pytest.fixture
def organizer(make_user, login):
    user = make_user(Role.ORGANIZER)
    login(user)
    return user


def test_by_default_a_boundary_tie_still_waits_for_the_organizer(runner, make_contest, make_user, tmp_path):
    contest = scored(runner, make_contest, make_user, tmp_path)
    assert contest.tie_breakers == []
    ranking = compute_ranking(contest)
    assert [t.codes for t in ranking.ties] == [["TT-0002", "TT-0003"]]


def test_a_criterion_tie_breaker_settles_the_tie_and_the_ranking_says_so(
        client, organizer, runner, make_contest, make_user, tmp_path):
    contest = scored(runner, make_contest, make_user, tmp_path, tie_breakers=["criterion:ND"])
    ranking = compute_ranking(contest)
    assert ranking.ties == []
    assert tiers_by_code(ranking) == {"TT-0001": "A", "TT-0002": "B", "TT-0003": "C",
                                      "TT-0004": "C", "TT-0005": None}
    [decided] = ranking.decided
    assert (decided.codes, decided.decided_by, decided.value_texts) == (
        ["TT-0002", "TT-0003"], "criterion:ND", ["50.00", "45.50"])

    page = client.get("/c/thi-thu/organize/ranking").get_data(as_text=True)
    assert "How the ties were decided" in page
    assert "TT-0002 (50.00) &gt; TT-0003 (45.50)" in page
    assert page.count("tie: criterion ND") == 2

    finalize(contest, actor=None)
    db.session.commit()
    awards = {a.entry.code: a.tier.code for a in db.session.scalars(select(Award))}
    assert awards == {"TT-0001": "A", "TT-0002": "B", "TT-0003": "C", "TT-0004": "C"}


def test_a_sharing_tier_gives_both_tied_entries_the_prize_and_grows(
        client, organizer, runner, make_contest, make_user, tmp_path):
    tiers = [dict(t) for t in TIERS]
    tiers[1]["on_tie"] = "share"
    contest = scored(runner, make_contest, make_user, tmp_path, tiers=tiers,
                     tie_breakers=["criterion:ND"])
    ranking = compute_ranking(contest)
    assert tiers_by_code(ranking) == {"TT-0001": "A", "TT-0002": "B", "TT-0003": "B",
                                      "TT-0004": "C", "TT-0005": "C"}
    assert ranking.grown == {"B": 1}
    assert [r.rank for r in ranking.ranked] == [1, 2, 2, 4, 5]

    page = client.get("/c/thi-thu/organize/ranking").get_data(as_text=True)
    assert 'data-tier="B">2/2<' in page
    assert "shared tie: quota 1 grown by 1" in page
    assert "TT-0002 = TT-0003" in page

    finalize(contest, actor=None)
    db.session.commit()
    b_certificates = db.session.scalars(
        select(Certificate.number).where(Certificate.tier_name == "Giải B").order_by(Certificate.number))
    assert sorted(b_certificates) == ["02/GCN-BTC", "02/QĐ-UBND", "03/GCN-BTC", "03/QĐ-UBND"]


@pytest.mark.parametrize("breakers, message", [
    (["criterion:XX"], "'tie_breakers': 'criterion:XX' names no criterion of this contest"),
    (["round:SK"], "'tie_breakers': 'round:SK' names no round of this contest"),
    (["score"], "'tie_breakers': 'score' is neither criterion:CODE nor round:CODE"),
    (["criterion:ND", "criterion:ND"], "'tie_breakers': 'criterion:ND' is listed twice"),
    ("criterion:ND", "'tie_breakers' must list tie-breakers"),
])
def test_tie_breakers_must_name_the_contests_own_criteria_and_rounds(app, breakers, message):
    with pytest.raises(SetupError) as caught:
        apply_contest_settings(contest_settings(tie_breakers=breakers))
    assert message in str(caught.value)


def test_on_tie_is_share_or_nothing(app):
    tiers = [dict(t) for t in TIERS]
    tiers[0]["on_tie"] = "split"
    with pytest.raises(SetupError) as caught:
        apply_contest_settings(contest_settings(tiers=tiers))
    assert "tiers[1]: 'on_tie' must be \"share\" or left out, not 'split'" in str(caught.value)


def test_editing_the_settings_page_keeps_the_tie_breakers_and_the_sharing_tier(
        client, organizer, make_contest):
    tiers = [dict(t) for t in TIERS]
    tiers[2]["on_tie"] = "share"
    make_contest(tiers=tiers, tie_breakers=["criterion:HT", "criterion:ND"], show_scores=True)
    response = save_settings(client, settings_fields(client, name="Cuộc thi đã đổi tên"))
    assert response.status_code == 302
    contest = contest_by_slug("thi-thu")
    assert contest.name == "Cuộc thi đã đổi tên"
    assert contest.tie_breakers == ["criterion:HT", "criterion:ND"]
    assert contest.show_scores is True
    assert [t.share_ties for t in contest.tiers] == [False, False, True]


def test_an_earlier_rounds_score_breaks_a_tie_in_the_final_round(app, make_entry, make_user):
    from decimal import Decimal

    from contest.judging.services import save_sheet
    from contest.models import AdvanceReason, Advancement, Assignment, RoundStatus

    rounds = [{"code": "SK", "name": "Sơ khảo", "advance": {"pick": True}},
              {"code": "CK", "name": "Chung khảo"}]
    contest = apply_contest_settings(contest_settings(rounds=rounds, tie_breakers=["round:SK"]))
    db.session.commit()
    judge = make_user(Role.JUDGE)
    sk, ck = contest.rounds
    first, second, third = (make_entry(contest, title=f"Bài {n}") for n in (1, 2, 3))
    contest.phase = ContestPhase.JUDGING

    def sheet(round_, entry, nd, ht):
        assignment = Assignment(round_id=round_.id, entry_id=entry.id, judge_id=judge.id)
        db.session.add(assignment)
        db.session.flush()
        by_code = {c.code: c.id for c in contest.criteria}
        save_sheet(assignment, {by_code["ND"]: Decimal(nd), by_code["HT"]: Decimal(ht)}, "", True,
                   actor=judge)

    # Sơ khảo: the second entry did better (85 against 70); Chung khảo: both 80.
    sheet(sk, first, 40, 30)
    sheet(sk, second, 50, 35)
    # The organizers picked all three for the final.
    sk.advancements = [Advancement(entry_id=e.id, position=i, reason=AdvanceReason.PICK)
                       for i, e in enumerate((first, second, third))]
    sk.status, ck.status = RoundStatus.CLOSED, RoundStatus.OPEN
    sheet(ck, first, 50, 30)
    sheet(ck, second, 45, 35)
    sheet(ck, third, 55, 35)
    db.session.commit()

    ranking = compute_ranking(contest)
    assert ranking.ties == []
    assert tiers_by_code(ranking) == {third.code: "A", second.code: "B", first.code: "C"}
    [decided] = ranking.decided
    assert (decided.codes, decided.decided_by, decided.value_texts) == (
        [second.code, first.code], "round:SK", ["85.00", "70.00"])
