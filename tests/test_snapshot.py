"""The finalize snapshot: what it holds, its SHA-256, and the ranking recomputed from its sheets."""
from __future__ import annotations

import copy
import hashlib
import json

from sqlalchemy import func, select

from contest.domain.snapshot import canonical_json, recompute, snapshot_hash
from contest.extensions import db
from contest.models import Assignment, Award, EntryResult, ResultSnapshot, Role
from contest.results.services import finalize
from tests.conftest import post_form
from tests.test_cli import invoke
from tests.test_tie_breakers import scored


def printed_snapshot(runner, slug: str = "dvk-2022") -> dict:
    result = invoke(runner, "results", slug, "--snapshot")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_printed_snapshot_carries_its_hash_and_recomputes_to_it(runner, finalized_demo):
    printed = printed_snapshot(runner)
    snapshot = printed["snapshot"]
    stored = db.session.scalar(select(ResultSnapshot))
    assert printed["sha256"] == stored.sha256
    assert hashlib.sha256(canonical_json(snapshot).encode()).hexdigest() == stored.sha256
    assert stored.body == canonical_json(snapshot)

    # The ranking rebuilt from the stored sheets and settings alone gives the same document.
    rebuilt = recompute(copy.deepcopy(snapshot))
    assert snapshot_hash(rebuilt) == printed["sha256"]


def test_an_altered_sheet_no_longer_recomputes_to_the_hash(runner, finalized_demo):
    snapshot = printed_snapshot(runner)["snapshot"]
    winner = snapshot["ranking"][0]["entry"]
    sheet = next(s for s in snapshot["sheets"] if s["entry"] == winner)
    sheet["points"]["ND"] = "0.00"
    assert snapshot_hash(recompute(snapshot)) != snapshot_hash(printed_snapshot(runner)["snapshot"])


def test_the_snapshot_holds_method_rounds_sheets_scores_ranks_tiers_and_ties(runner, finalized_demo):
    snapshot = printed_snapshot(runner)["snapshot"]
    assert snapshot["method"] == "mean"
    assert [r["code"] for r in snapshot["rounds"]] == ["SK", "CK"] and snapshot["ranked_round"] == "CK"
    submitted = db.session.scalar(select(func.count()).select_from(Assignment)
                                  .where(Assignment.submitted_at.is_not(None)))
    # The preliminary: 40 entries, 3 of the 4 judges each; all 40 go on, read by all 4.
    assert len(snapshot["sheets"]) == submitted == 40 * 3 + 40 * 4
    assert sum(s["round"] == "CK" for s in snapshot["sheets"]) == 160
    assert {tuple(sorted(s["points"])) for s in snapshot["sheets"]} == {
        tuple(sorted(c.code for c in finalized_demo.criteria))}
    awards = {a.entry.code: (a.tier.code, a.rank, f"{a.score:.2f}") for a in db.session.scalars(select(Award))}
    in_snapshot = {r["entry"]: (r["tier"], r["rank"], r["score"]) for r in snapshot["ranking"] if r["tier"]}
    assert in_snapshot == awards
    assert len(snapshot["ranking"]) == 40 and snapshot["open_ties"] == []
    results = {r.entry_id: (r.rank, f"{r.score:.2f}") for r in db.session.scalars(select(EntryResult))}
    assert sorted(results.values()) == sorted((r["rank"], r["score"]) for r in snapshot["ranking"])
    [tie] = snapshot["ties"]
    assert tie["decided_by"] == "organizer" and tie["reason"] == "Bốc thăm trước Ban Giám khảo"
    assert snapshot["finalized_by"] is None
    assert snapshot["finalized_at"].endswith("+00:00")


def test_finalizing_on_the_web_records_who_finalized(client, demo_contest, make_user, login):
    from contest.results.services import compute_ranking, resolve_tie

    organizer = make_user(Role.ORGANIZER, name="Trần Thu Hà")
    login(organizer)
    for tie in compute_ranking(demo_contest).ties:
        resolve_tie(demo_contest, tie.codes, "Bốc thăm", actor=organizer)
    db.session.commit()
    response = post_form(client, "/c/dvk-2022/organize/finalize", form_page="/c/dvk-2022/organize/ranking")
    assert response.status_code == 302
    stored = db.session.scalar(select(ResultSnapshot))
    body = json.loads(stored.body)
    assert body["finalized_by"]["name"] == "Trần Thu Hà"
    assert stored.finalized_by_id == organizer.id
    page = client.get("/c/dvk-2022/organize/ranking").get_data(as_text=True)
    assert stored.sha256 in page


def test_a_tie_settled_by_a_tie_breaker_is_in_the_snapshot(runner, make_contest, make_user, tmp_path):
    contest = scored(runner, make_contest, make_user, tmp_path, tie_breakers=["criterion:ND"])
    finalize(contest, actor=None)
    db.session.commit()
    snapshot = printed_snapshot(runner, "thi-thu")["snapshot"]
    assert snapshot["tie_breakers"] == ["criterion:ND"]
    assert snapshot["ties"] == [{"score": "80.00", "entries": ["TT-0002", "TT-0003"], "tiers": ["B", "C"],
                                 "decided_by": "criterion:ND", "values": ["50.00", "45.50"]}]
    assert snapshot_hash(recompute(snapshot)) == db.session.scalar(select(ResultSnapshot.sha256))


def test_no_snapshot_before_finalization(runner, demo_contest):
    result = invoke(runner, "results", "dvk-2022", "--snapshot")
    assert result.exit_code != 0
    assert "dvk-2022 is not finalized" in result.output


def test_the_snapshot_records_the_rounds_method_and_recomputes_under_it(runner, demo_contest):
    from contest.models import ScoreMethod
    from contest.results.services import compute_ranking, resolve_tie

    demo_contest.current_round.method = ScoreMethod.ZSCORE
    db.session.commit()
    for tie in compute_ranking(demo_contest).ties:
        resolve_tie(demo_contest, tie.codes, "Bốc thăm", actor=None)
    ranking = compute_ranking(demo_contest)
    assert ranking.method == "zscore"
    expected = {r.code: (r.rank, r.score_text, r.tier.code if r.tier else None) for r in ranking.ranked}
    by_mean = {r.code: r.score_text for r in compute_ranking(demo_contest, "mean").ranked}
    finalize(demo_contest, actor=None)
    db.session.commit()
    snapshot = printed_snapshot(runner)["snapshot"]
    assert snapshot["method"] == "zscore"
    assert {r["entry"]: (r["rank"], r["score"], r["tier"]) for r in snapshot["ranking"]} == expected
    assert any(by_mean[code] != score for code, (_, score, _) in expected.items())
    awards = {a.entry.code: (a.tier.code, f"{a.score:.2f}") for a in db.session.scalars(select(Award))}
    assert awards == {code: (tier, score) for code, (_, score, tier) in expected.items() if tier}
    assert snapshot_hash(recompute(copy.deepcopy(snapshot))) == db.session.scalar(select(ResultSnapshot.sha256))
    # Recomputed under the plain mean, the same sheets give other results.
    assert snapshot_hash(recompute({**snapshot, "method": "mean"})) != snapshot_hash(snapshot)
