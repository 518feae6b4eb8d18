"""The final ranking over rounds: prizes only in the last round, the weighted combination,
entries that stopped earlier ranked after the finalists, and the snapshot that recomputes it."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from contest.domain.snapshot import recompute, snapshot_hash
from contest.extensions import db
from contest.judging.rounds import close_round
from contest.models import Award, EntryResult, ResultSnapshot
from contest.results.services import ResultsError, compute_ranking, finalize
from tests.test_rounds import ROUNDS, TOTALS, two_rounds  # noqa: F401  (the fixture)

WEIGHTED = [{**ROUNDS[0], "weight": 0.3}, {**ROUNDS[1], "weight": 0.7}]
# The four finalists' final totals; 30 % preliminary + 70 % final puts TT-0001 (69)
# above TT-0004 (68), where the final alone would put it below (60 < 65).
FINAL = [60, 70, 80, 65]


@pytest.fixture
def weighted(app, make_contest, make_entry, make_user):
    from contest.judging.services import assign_judges, start_judging
    from contest.models import Role
    from tests.test_rounds import TwoRounds

    contest = make_contest(rounds=WEIGHTED)
    entries = [make_entry(contest, title=f"Mô hình số {n}", email=f"tacgia{n}@example.vn")
               for n in range(1, 7)]
    judges = [make_user(Role.JUDGE, name=f"Giám khảo {n}") for n in range(1, 4)]
    start_judging(contest, actor=None)
    assign_judges(contest, judges, 2, actor=None)
    db.session.commit()
    return TwoRounds(contest, entries, judges, make_user(Role.ORGANIZER))


def through_the_final(rounds, final=FINAL) -> None:
    codes = [e.code for e in rounds.entries]
    rounds.score("SK", dict(zip(codes, TOTALS)))
    close_round(rounds.contest, actor=None)
    db.session.commit()
    rounds.score("CK", dict(zip(codes, final)))


def test_prizes_wait_for_the_last_round(two_rounds, client, login):
    two_rounds.score("SK", dict(zip([e.code for e in two_rounds.entries], TOTALS)))
    ranking = compute_ranking(two_rounds.contest)
    assert not ranking.prizes and all(row.tier is None and row.tier_if_mean is None for row in ranking.rows)
    with pytest.raises(ResultsError, match="round SK is open and is not the last round"):
        finalize(two_rounds.contest, actor=None)
    login(two_rounds.organizer)
    page = client.get(f"/c/{two_rounds.slug}/organize/ranking").get_data(as_text=True)
    assert 'id="round-not-last"' in page and "Close the round on the Rounds page first." in page


def test_the_last_round_decides_and_the_others_follow_without_a_tier(two_rounds, runner):
    through_the_final(two_rounds)
    ranking = compute_ranking(two_rounds.contest)
    e = [x.code for x in two_rounds.entries]
    assert [(r.code, r.rank, r.score_text, r.tier.code if r.tier else None, r.round_code)
            for r in ranking.rows] == [
        (e[2], 1, "80.00", "A", "CK"), (e[1], 2, "70.00", "B", "CK"), (e[3], 3, "65.00", "C", "CK"),
        (e[0], 4, "60.00", "C", "CK"), (e[4], 5, "60.00", None, "SK"), (e[5], 6, "50.00", None, "SK")]
    records = json.loads(runner.invoke(args=["results", two_rounds.slug, "--format", "json"]).output)
    assert records[0]["round_scores"] == {"SK": "75.00", "CK": "80.00"}
    assert records[4]["round_scores"] == {"SK": "60.00", "CK": None}
    csv_out = runner.invoke(args=["results", two_rounds.slug, "--format", "csv"]).output
    assert '"{""SK"": ""60.00"", ""CK"": null}"' in csv_out


def test_the_weighted_combination_ranks_and_is_in_the_snapshot(weighted, runner):
    through_the_final(weighted)
    ranking = compute_ranking(weighted.contest)
    e = [x.code for x in weighted.entries]
    finalists = [(r.code, r.score) for r in ranking.ranked]
    assert finalists == [(e[2], Fraction(785, 10)), (e[1], Fraction(73)), (e[0], Fraction(69)),
                         (e[3], Fraction(68))]
    # The round scores stay each round's own.
    assert ranking.ranked[2].round_scores == {"SK": Fraction(90), "CK": Fraction(60)}

    finalize(weighted.contest, actor=None)
    db.session.commit()
    awards = {a.entry.code: (a.rank, a.score) for a in db.session.scalars(select(Award))}
    assert awards[e[0]] == (3, Decimal("69.00")) and awards[e[3]] == (4, Decimal("68.00"))
    # Every entry's result is kept for its author, those that stopped in the preliminary too.
    code_of = {x.id: x.code for x in weighted.entries}
    assert sorted((r.rank, code_of[r.entry_id], f"{r.score:.2f}") for r in db.session.scalars(
        select(EntryResult))) == [(1, e[2], "78.50"), (2, e[1], "73.00"), (3, e[0], "69.00"),
                                  (4, e[3], "68.00"), (5, e[4], "60.00"), (6, e[5], "50.00")]
    printed = json.loads(runner.invoke(args=["results", weighted.slug, "--snapshot"]).output)
    snapshot = printed["snapshot"]
    assert [(r["entry"], r["score"]) for r in snapshot["ranking"]] == [
        (e[2], "78.50"), (e[1], "73.00"), (e[0], "69.00"), (e[3], "68.00")]
    assert snapshot_hash(recompute(copy.deepcopy(snapshot))) == printed["sha256"] == \
        db.session.scalar(select(ResultSnapshot.sha256))
    # A preliminary sheet changed in the stored snapshot changes the weighted result.
    sheet = next(s for s in snapshot["sheets"] if s["round"] == "SK" and s["entry"] == e[0])
    sheet["points"]["ND"] = "0.00"
    assert snapshot_hash(recompute(snapshot)) != printed["sha256"]
