"""The ranking page under each aggregation method: the side-by-side view, the method preview,
the disagreement flag and its re-read, pages of rows, and queries that do not grow."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.judging.services import start_judging
from contest.models import Assignment, AuditEvent, Conflict, ConflictSource, Contest, Role
from contest.results import services
from contest.results.services import compute_ranking
from tests.conftest import csrf_token, post_form
from tests.harsh import english, give, harsh, organizer  # noqa: F401 (fixtures)
from tests.scale import bulk_judge

RANKING = "/c/thi-thu/organize/ranking"


def row_of(page: str, code: str) -> str:
    match = re.search(rf'<tr[^>]*id="row-{code}">.*?</tr>', page, re.DOTALL)
    assert match, f"no ranking row for {code}"
    return match.group()


def test_the_plain_mean_page_says_which_methods_would_change_the_prizes(client, harsh, organizer):
    page = client.get(RANKING).get_data(as_text=True)
    ranking = compute_ranking(harsh.contest)
    assert ranking.method == "mean"
    # S 66, R 64, Q 62, X 61 (90 and 32) take the prizes under the mean.
    assert [(r.code, r.tier.code if r.tier else None) for r in ranking.ranked[:5]] == [
        (harsh.code("S"), "A"), (harsh.code("R"), "B"), (harsh.code("Q"), "C"), (harsh.code("X"), "C"),
        (harsh.code("P"), None)]
    assert 'id="preview-note"' not in page
    assert "Rank by mean" not in page  # nothing to put beside the mean
    summary = re.search(r'id="method-summary".*?</ul>', page, re.DOTALL).group()
    changes = ranking.tier_changes_by_method
    assert changes["zscore"] > 0
    assert f"{changes['zscore']} entries change tier under Normalized (z-score)." in summary
    assert "The prize list is the same under every method." not in summary


def test_a_zscore_preview_shows_both_scores_both_ranks_and_marks_the_moved_tiers(
        client, harsh, organizer):
    page = client.get(f"{RANKING}?method=zscore").get_data(as_text=True)
    assert 'id="preview-note"' in page
    assert "the round is scored by Mean" in page
    assert '<option value="zscore" selected>' in page
    ranking = compute_ranking(harsh.contest, "zscore")
    by_code = {r.code: r for r in ranking.ranked}
    best_harsh = by_code[harsh.code("W")]  # the harsh judge's best: 47, ranked low by the mean
    assert best_harsh.tier is not None and best_harsh.tier_if_mean is None
    assert best_harsh.rank < best_harsh.rank_if_mean
    row = row_of(page, best_harsh.code)
    assert f'<td class="score">{best_harsh.score_text}</td>' in row
    assert '<td class="score raw-score">47.00</td>' in row
    assert f'<td class="score rank-if-mean">{best_harsh.rank_if_mean}</td>' in row
    assert "by mean: no prize" in row
    moved = [r for r in ranking.ranked if r.tier_changes]
    assert page.count('tier-changes"') == len(moved) == ranking.tier_changes_by_method["mean"]
    # Entries whose tier is the same either way carry no mark.
    unmoved = next(r for r in ranking.ranked if not r.tier_changes)
    assert "tier-changes" not in row_of(page, unmoved.code)


def test_a_contest_whose_methods_agree_says_so(client, make_contest, make_entry, make_user, organizer):
    contest = make_contest()
    entries = [make_entry(contest, title=f"Mô hình {n}") for n in range(3)]
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE, email="mot@example.vn")
    for entry, total in zip(entries, (90, 70, 50)):
        give(contest, judge, entry, total)
    db.session.commit()
    assert compute_ranking(contest).same_prizes_under_every_method
    page = client.get(f"{RANKING}?method=median").get_data(as_text=True)
    assert "The prize list is the same under every method." in page
    assert "judges disagree" not in page


def test_an_unknown_method_falls_back_to_the_rounds_with_a_message(client, harsh, organizer):
    response = client.get(f"{RANKING}?method=average")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is no such method" in page
    assert '<option value="mean" selected>' in page


def test_judges_who_disagree_are_flagged_and_a_judge_can_be_added(client, harsh, organizer):
    x = harsh.code("X")
    page = client.get(RANKING).get_data(as_text=True)
    row = row_of(page, x)
    assert "judges disagree" in row
    assert f'action="/c/thi-thu/organize/ranking/{x}/reread"' in row
    assert "1 entry has judges who disagree by more than 25 % of the maximum total." in page
    assert "judges disagree" not in row_of(page, harsh.code("P"))
    # Lan has a conflict with X: the re-read goes to Hùng, the other judge not on it.
    db.session.add(Conflict(contest_id=harsh.contest.id, judge_id=harsh.judges["Lan"].id,
                            entry_id=harsh.entries["X"].id, source=ConflictSource.ORGANIZER,
                            reason="Cùng cơ quan"))
    db.session.commit()
    response = post_form(client, f"/c/thi-thu/organize/ranking/{x}/reread", {}, form_page=RANKING)
    assert response.status_code == 302
    readers = set(db.session.scalars(select(Assignment.judge_id).where(
        Assignment.entry_id == harsh.entries["X"].id)))
    assert readers == {harsh.judges[n].id for n in ("Cúc", "Dũng", "Hùng")}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sheet.reread"))
    assert event.target == x and event.details["judge"] == "hung@example.vn"
    page = client.get(RANKING).get_data(as_text=True)
    assert "Hùng now also reads" in page
    assert f'id="incomplete-{x}"' in page  # waiting for the new sheet
    # Nobody is left: Lan is conflicted, the three others already read it.
    before = db.session.scalar(select(func.count()).select_from(Assignment))
    response = post_form(client, f"/c/thi-thu/organize/ranking/{x}/reread", {}, form_page=RANKING)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == before
    assert "every judge of the round already reads" in client.get(RANKING).get_data(as_text=True)


def test_only_organizers_add_a_judge(client, harsh, login):
    login(harsh.judges["Lan"])
    token = csrf_token(client, "/")
    assert client.post(f"/c/thi-thu/organize/ranking/{harsh.code('X')}/reread",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 10


def test_a_reread_of_an_unknown_entry_is_refused(client, harsh, organizer):
    response = post_form(client, "/c/thi-thu/organize/ranking/TT-9999/reread", {}, form_page=RANKING)
    assert response.status_code == 302
    assert "no entry TT-9999 is ranked" in client.get(RANKING).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 10


def test_the_ranking_shows_a_page_of_rows_at_a_time(client, make_contest, organizer):
    contest = make_contest()
    start_judging(contest, actor=None)
    db.session.commit()
    bulk_judge(contest, entries=230, judges=6, per_entry=2, submitted=0.9)
    ranking = compute_ranking(contest)
    first = client.get(RANKING).get_data(as_text=True)
    assert first.count('<tr class="') + first.count('<tr id="incomplete-') == 100
    assert "Rows 1–100 of 230" in first
    assert re.search(r'href="\s*/c/thi-thu/organize/ranking\?page=2"', first)
    third = client.get(f"{RANKING}?page=3").get_data(as_text=True)
    assert "Rows 201–230 of 230" in third
    last = ranking.rows[-1]
    assert f'id="incomplete-{last.code}"' in third
    assert f'id="row-{ranking.ranked[0].code}"' not in third
    # The method stays while paging.
    assert re.search(r'href="\s*/c/thi-thu/organize/ranking\?method=median&amp;page=2"',
                     client.get(f"{RANKING}?method=median").get_data(as_text=True))
    assert client.get(f"{RANKING}?page=99").status_code == 200


@pytest.mark.parametrize("method", ["mean", "zscore"])
def test_the_ranking_page_runs_the_same_queries_at_380_and_5000_entries_computed_or_kept(
        client, make_contest, organizer, count_queries, method):
    small = make_contest("nho")
    large = make_contest("lon")
    for contest in (small, large):
        start_judging(contest, actor=None)
    db.session.commit()
    bulk_judge(small, entries=380, judges=7, per_entry=3)
    bulk_judge(large, entries=5000, judges=40, per_entry=3, submitted=0.95)
    counted = {}
    for contest in (small, large):
        url = f"/c/{contest.slug}/organize/ranking?method={method}"
        for kept in (False, True):  # computed, then kept from the first request
            db.session.expire_all()
            with count_queries() as statements:
                response = client.get(url)
            assert response.status_code == 200
            counted[contest.slug, kept] = len(statements)
    assert counted["nho", False] == counted["lon", False] == 13
    # Kept: the user, their roles, the contest with its ranking version.
    assert counted["nho", True] == counted["lon", True] == 3


@pytest.mark.parametrize("max_ids", [500, 1])  # 1: more ids than one statement takes
def test_the_page_reads_each_shown_entrys_title_authors_and_category(
        make_contest, make_entry, monkeypatch, max_ids):
    monkeypatch.setattr(services, "MAX_IDS", max_ids)
    contest = make_contest()
    other = make_contest("khac")
    first = make_entry(contest, title="Mô hình một", authors=("Lê Văn Ba", "An Thị Hai"))
    second = make_entry(contest, title="Mô hình hai", authors=())
    make_entry(contest, title="Không hiện trên trang này")
    make_entry(other, title="Ở cuộc thi khác")
    lines = services.entry_lines(contest, [first.id, second.id])
    category = contest.categories[0].name
    assert lines == {first.id: services.EntryLine("Mô hình một", ("Lê Văn Ba", "An Thị Hai"), category),
                     second.id: services.EntryLine("Mô hình hai", (), category)}
    assert services.entry_lines(contest, []) == {}


def test_a_preview_neither_resolves_ties_nor_finalizes(client, tied_page_contest, organizer):
    page = client.get(f"{RANKING}?method=median").get_data(as_text=True)
    assert "boundary tie" in page.lower()
    assert 'action="/c/thi-thu/organize/ranking/resolve"' not in page
    assert 'action="/c/thi-thu/organize/finalize"' not in page
    assert "Ties are resolved and results finalized under the round" in page
    plain = client.get(RANKING).get_data(as_text=True)
    assert 'action="/c/thi-thu/organize/ranking/resolve"' in plain
    assert 'action="/c/thi-thu/organize/finalize"' in plain


@pytest.fixture
def tied_page_contest(make_contest, make_entry, make_user) -> Contest:
    """thi-thu with two entries tied at 80 across the A/B line, one judge."""
    contest = make_contest()
    entries = [make_entry(contest, title=f"Mô hình {n}") for n in range(2)]
    start_judging(contest, actor=None)
    judge = make_user(Role.JUDGE, email="mot@example.vn")
    for entry in entries:
        give(contest, judge, entry, 80)
    db.session.commit()
    return contest


def test_the_distribution_of_scores_is_drawn_with_the_tier_lines_and_tabled(client, harsh, organizer):
    page = client.get(RANKING).get_data(as_text=True)
    figure = re.search(r'<figure class="chart mb-3" id="distribution-chart">.*?</figure>', page, re.DOTALL).group()
    assert '<svg role="img" aria-labelledby="distribution-chart-caption"' in figure
    assert "Tier A from 66.00" in figure and "Tier C from 61.00" in figure
    bins = re.search(r'id="distribution-table".*?</table>', page, re.DOTALL).group()
    assert re.findall(r"<td>(\d+–\d+)</td><td class=\"score\">(\d+)</td>", bins) == [
        ("40–45", "3"), ("45–50", "1"), ("60–65", "4"), ("65–70", "1")]
    cuts = re.search(r'id="cuts-table".*?</table>', page, re.DOTALL).group()
    assert re.findall(r"<td>(Giải \w)</td><td class=\"score\">([\d.]+)</td>", cuts) == [
        ("Giải A", "66.00"), ("Giải B", "64.00"), ("Giải C", "61.00")]
    # Under another method the lines move with its scores.
    zscore = client.get(f"{RANKING}?method=zscore").get_data(as_text=True)
    ranking = compute_ranking(harsh.contest, "zscore")
    lowest_c = min((r for r in ranking.winners if r.tier.code == "C"), key=lambda r: r.score)
    assert lowest_c.score_text != "61.00"
    assert f"Tier C from {lowest_c.score_text}" in zscore
