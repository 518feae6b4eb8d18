"""Closing a round on the web and with `contest advance`: every sheet in, who goes on and why,
the next round opened with its judges; only the open round is scored."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.judging.conflicts import conflicted_pairs
from contest.judging.services import SheetErrors, assign_judges, save_sheet, start_judging
from contest.models import (
    AdvanceReason,
    Advancement,
    Assignment,
    AuditEvent,
    Conflict,
    ConflictSource,
    Role,
    RoundStatus,
)
from tests.conftest import post_form

ROUNDS = [
    {"code": "SK", "name": "Sơ khảo", "per_entry": 2, "advance": {"top": 3}},
    {"code": "CK", "name": "Chung khảo", "per_entry": "all"},
]
# The preliminary totals of entries TT-0001 … TT-0006 (every judge gives the same):
# the third place is shared by TT-0003 and TT-0004, so four entries go on.
TOTALS = [90, 80, 75, 75, 60, 50]


class TwoRounds:
    def __init__(self, contest, entries, judges, organizer):
        self.contest, self.entries, self.judges, self.organizer = contest, entries, judges, organizer

    @property
    def slug(self) -> str:
        return self.contest.slug

    def sheets(self, round_code: str) -> list[Assignment]:
        round_ = next(r for r in self.contest.rounds if r.code == round_code)
        return list(db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)
                                       .order_by(Assignment.id)))

    def score(self, round_code: str, totals: dict[str, int], leave_out: int = 0) -> None:
        """Every sheet of the round submitted with the entry's total (ND up to 60, the rest HT)."""
        nd, ht = self.contest.criteria
        sheets = self.sheets(round_code)
        for sheet in sheets[:len(sheets) - leave_out]:
            total = totals[sheet.entry.code]
            save_sheet(sheet, {nd.id: Decimal(min(60, total)), ht.id: Decimal(total - min(60, total))},
                       "", submit=True, actor=sheet.judge)
        db.session.commit()


@pytest.fixture
def two_rounds(app, make_contest, make_entry, make_user):
    contest = make_contest(rounds=ROUNDS)
    entries = [make_entry(contest, title=f"Mô hình số {n}", email=f"tacgia{n}@example.vn")
               for n in range(1, 7)]
    judges = [make_user(Role.JUDGE, name=f"Giám khảo {n}") for n in range(1, 4)]
    organizer = make_user(Role.ORGANIZER)
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    return TwoRounds(contest, entries, judges, organizer)


def totals_by_code(two_rounds) -> dict[str, int]:
    return {e.code: t for e, t in zip(two_rounds.entries, TOTALS)}


def test_the_round_cannot_close_while_a_sheet_is_missing(two_rounds, client, login, runner):
    two_rounds.score("SK", totals_by_code(two_rounds), leave_out=1)
    missing = two_rounds.sheets("SK")[-1]
    login(two_rounds.organizer)
    html = client.get(f"/c/{two_rounds.slug}/organize/rounds").get_data(as_text=True)
    assert "The round cannot close yet: 1 entry is not fully scored." in html
    assert missing.entry.code in html and missing.judge.name in html
    assert 'id="close-form"' not in html

    response = post_form(client, f"/c/{two_rounds.slug}/organize/rounds/close",
                         form_page=f"/c/{two_rounds.slug}/organize/rounds")
    assert response.status_code == 400
    result = runner.invoke(args=["advance", two_rounds.slug])
    assert result.exit_code != 0
    assert (f"1 entry is not fully scored in round SK: {missing.entry.code} ({missing.judge.name})"
            in result.output)
    db.session.expire_all()
    assert [r.status for r in two_rounds.contest.rounds] == [RoundStatus.OPEN, RoundStatus.PENDING]
    assert db.session.scalar(select(func.count()).select_from(Advancement)) == 0


def test_closing_on_the_web_advances_the_tie_at_the_cut_and_assigns_the_final(two_rounds, client, login):
    codes = totals_by_code(two_rounds)
    two_rounds.score("SK", codes)
    login(two_rounds.organizer)
    html = client.get(f"/c/{two_rounds.slug}/organize/rounds").get_data(as_text=True)
    assert "4 entries go on to Chung khảo." in html
    assert ("Tie at the cut: 2 entries share the score 75.00 at the last place, so every one of them "
            "goes on (1 more than the rule).") in html
    assert "Goes on: tie at the cut" in html

    response = post_form(client, f"/c/{two_rounds.slug}/organize/rounds/close",
                         form_page=f"/c/{two_rounds.slug}/organize/rounds")
    assert response.status_code == 302
    db.session.expire_all()
    contest = two_rounds.contest
    sk, ck = contest.rounds
    assert (sk.status, ck.status, contest.current_round) == (RoundStatus.CLOSED, RoundStatus.OPEN, ck)
    assert sk.closed_by == two_rounds.organizer and sk.closed_at is not None
    e = two_rounds.entries
    assert [(a.entry.code, a.rank, a.score, a.reason) for a in sk.advancements] == [
        (e[0].code, 1, Decimal(90), AdvanceReason.RULE), (e[1].code, 2, Decimal(80), AdvanceReason.RULE),
        (e[2].code, 3, Decimal(75), AdvanceReason.TIE), (e[3].code, 3, Decimal(75), AdvanceReason.TIE)]
    # Every judge of the round before reads every finalist.
    final = two_rounds.sheets("CK")
    assert sorted((s.entry.code, s.judge.name) for s in final) == sorted(
        (x.code, j.name) for x in e[:4] for j in two_rounds.judges)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.closed"))
    assert event.details["ties"] == [[e[2].code, e[3].code]] and event.details["next"] == "CK"

    html = client.get(f"/c/{two_rounds.slug}/organize/rounds/SK").get_data(as_text=True)
    assert "4 entries went on to the next round" in html
    assert "2 entries went on because of a tie at the cut." in html
    # The final round is the last: nothing more to close.
    html = client.get(f"/c/{two_rounds.slug}/organize/rounds").get_data(as_text=True)
    assert "is the last round" in html and 'id="close-form"' not in html


def test_only_the_open_round_is_scored(two_rounds, client, login, runner, tmp_path):
    codes = totals_by_code(two_rounds)
    two_rounds.score("SK", codes)
    assert runner.invoke(args=["advance", two_rounds.slug]).exit_code == 0
    db.session.expire_all()
    old = two_rounds.sheets("SK")[0]
    nd, ht = two_rounds.contest.criteria
    with pytest.raises(SheetErrors) as caught:
        save_sheet(old, {nd.id: Decimal(1), ht.id: Decimal(1)}, "", submit=True, actor=old.judge)
    assert "Round Sơ khảo is closed" in str(caught.value.general[0])
    db.session.rollback()

    # The judge's list shows the final round's sheets, named.
    judge = two_rounds.judges[0]
    login(judge)
    html = client.get(f"/c/{two_rounds.slug}/judge/?show=all").get_data(as_text=True)
    assert "Chung khảo" in html
    assert two_rounds.entries[0].code in html and two_rounds.entries[5].code not in html

    rows = "entry_code,judge_email,ND,HT,comment\n" + f"{two_rounds.entries[0].code},{judge.email},50,30,\n"
    path = tmp_path / "diem.csv"
    path.write_text(rows, encoding="utf-8")
    refused = runner.invoke(args=["import-scores", two_rounds.slug, str(path), "--round", "SK"])
    assert refused.exit_code != 0 and "round SK is closed: scores go only into the open round, CK" in refused.output
    unknown = runner.invoke(args=["import-scores", two_rounds.slug, str(path), "--round", "BK"])
    assert "has no round 'BK'; its rounds: SK, CK" in unknown.output
    path.write_text(rows + f"{two_rounds.entries[5].code},{judge.email},10,10,\n", encoding="utf-8")
    out_of_round = runner.invoke(args=["import-scores", two_rounds.slug, str(path)])
    assert f"{two_rounds.entries[5].code} did not go on to round CK" in out_of_round.output
    path.write_text(rows, encoding="utf-8")
    done = runner.invoke(args=["import-scores", two_rounds.slug, str(path), "--round", "CK"])
    assert done.exit_code == 0, done.output
    assert "1 score sheets imported into round CK, 1 changed" in done.output


def test_contest_advance_on_the_command_line(two_rounds, runner):
    two_rounds.score("SK", totals_by_code(two_rounds))
    result = runner.invoke(args=["advance", two_rounds.slug])
    assert result.exit_code == 0, result.output
    e = two_rounds.entries
    assert "round SK closed: 4 entries go on to round CK (Chung khảo)" in result.output
    assert (f"tie at the cut: 2 entries at 75.00 all go on (1 more than the rule): {e[2].code} {e[3].code}"
            in result.output)
    assert "round CK: 3 judges, 12 score sheets assigned" in result.output
    again = runner.invoke(args=["advance", two_rounds.slug])
    assert again.exit_code != 0
    assert "round CK is the last round: finalize the results instead" in again.output


def test_the_next_round_keeps_judges_off_their_conflicts(two_rounds, runner):
    two_rounds.score("SK", totals_by_code(two_rounds))
    judge, entry = two_rounds.judges[0], two_rounds.entries[0]
    db.session.add(Conflict(contest_id=two_rounds.contest.id, judge_id=judge.id, entry_id=entry.id,
                            source=ConflictSource.ORGANIZER, reason="Cùng cơ quan"))
    db.session.commit()
    assert runner.invoke(args=["advance", two_rounds.slug]).exit_code == 0
    db.session.expire_all()
    final = {(s.entry_id, s.judge_id) for s in two_rounds.sheets("CK")}
    assert (entry.id, judge.id) not in final and len(final) == 11
    assert not final & set(conflicted_pairs(two_rounds.contest, two_rounds.judges))


def test_the_next_round_keeps_judges_off_entries_of_their_organization(two_rounds, runner):
    two_rounds.score("SK", totals_by_code(two_rounds))
    contest, judge = two_rounds.contest, two_rounds.judges[1]
    contest.conflict_same_organization = True
    judge.organization = "Hội Nông dân xã Tân Trào"  # every entry's organization
    other = two_rounds.entries[1]
    other.organization = "Báo Hải Phòng"
    db.session.commit()
    assert runner.invoke(args=["advance", two_rounds.slug]).exit_code == 0
    db.session.expire_all()
    # Judge 2 reads, of the four finalists, only the one from another organization.
    assert [s.entry.code for s in two_rounds.sheets("CK") if s.judge_id == judge.id] == [other.code]


def test_the_final_round_balances_k_judges_per_entry(app, make_contest, make_entry, make_user, runner):
    contest = make_contest(rounds=[{**ROUNDS[0], "per_entry": 1, "advance": {"top": 4}},
                                   {**ROUNDS[1], "per_entry": 2}])
    entries = [make_entry(contest, title=f"Bài {n}", email=f"tg{n}@example.vn") for n in range(6)]
    judges = [make_user(Role.JUDGE) for _ in range(4)]
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 1, actor=None)
    db.session.commit()
    TwoRounds(contest, entries, judges, None).score("SK", {e.code: 40 + 5 * n for n, e in enumerate(entries)})
    assert runner.invoke(args=["advance", contest.slug]).exit_code == 0
    final = TwoRounds(contest, entries, judges, None).sheets("CK")
    per_entry = {e: sum(s.entry_id == e for s in final) for e in {s.entry_id for s in final}}
    loads = sorted(sum(s.judge_id == j.id for s in final) for j in judges)
    assert sorted(per_entry.values()) == [2, 2, 2, 2] and loads == [2, 2, 2, 2]
    assert {s.entry.code for s in final} == {e.code for e in entries[2:]}


def test_the_organizers_pick_on_the_web(app, make_contest, make_entry, make_user, client, login):
    contest = make_contest(rounds=[{**ROUNDS[0], "advance": {"pick": True}}, ROUNDS[1]])
    entries = [make_entry(contest, title=f"Bài {n}", email=f"tg{n}@example.vn") for n in range(4)]
    judges = [make_user(Role.JUDGE) for _ in range(2)]
    organizer = make_user(Role.ORGANIZER)
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    TwoRounds(contest, entries, judges, None).score("SK", {e.code: 50 + n for n, e in enumerate(entries)})
    login(organizer)
    url = f"/c/{contest.slug}/organize/rounds"
    html = client.get(url).get_data(as_text=True)
    assert "The organizers choose who goes on" in html and 'name="pick"' in html
    nothing = post_form(client, f"{url}/close", form_page=url)
    assert nothing.status_code == 400
    assert "goes on by the organizer&#39;s pick: choose the entries" in nothing.get_data(as_text=True)
    wrong = post_form(client, f"{url}/close", {"pick": ["TT-9999"]}, form_page=url)
    assert wrong.status_code == 400 and "not entries of round SK: TT-9999" in wrong.get_data(as_text=True)
    picked = post_form(client, f"{url}/close", {"pick": [entries[0].code, entries[2].code]}, form_page=url)
    assert picked.status_code == 302
    db.session.expire_all()
    assert [(a.entry.code, a.reason) for a in contest.rounds[0].advancements] == [
        (entries[2].code, AdvanceReason.PICK), (entries[0].code, AdvanceReason.PICK)]


def test_top_per_category_and_min_score(app, make_contest, make_entry, make_user, runner):
    contest = make_contest(rounds=[{**ROUNDS[0], "advance": {"top_per_category": 1}}, ROUNDS[1]])
    bao, anh = contest.categories
    entries = [make_entry(contest, title=f"Bài {n}", email=f"tg{n}@example.vn",
                          category=bao if n % 2 else anh) for n in range(4)]
    judges = [make_user(Role.JUDGE) for _ in range(2)]
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    TwoRounds(contest, entries, judges, None).score("SK", {e.code: t for e, t in zip(entries, [70, 80, 60, 50])})
    result = runner.invoke(args=["advance", contest.slug])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    # The best of Ảnh (entry 0: 70) and of Báo in (entry 1: 80), in rank order.
    assert [a.entry.code for a in contest.rounds[0].advancements] == [entries[1].code, entries[0].code]


def test_the_rounds_page_runs_a_fixed_number_of_queries(two_rounds, client, login, make_entry,
                                                        count_queries):
    two_rounds.score("SK", totals_by_code(two_rounds))
    login(two_rounds.organizer)
    url = f"/c/{two_rounds.slug}/organize/rounds"
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    more = [make_entry(two_rounds.contest, title=f"Bài thêm {n}", email=f"them{n}@example.vn")
            for n in range(12)]
    assign_judges(two_rounds.contest, two_rounds.judges, 2, actor=None)
    db.session.commit()
    two_rounds.score("SK", {**totals_by_code(two_rounds), **{e.code: 40 for e in more}})
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
