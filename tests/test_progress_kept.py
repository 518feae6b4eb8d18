"""The progress and judges pages' counts, kept between requests under the contest's ranking
version as the ranking is (judging/sheet_counts.py), and their charts kept by what they are
drawn from: two app instances on one database stand for two workers; whatever one of them
changes, the other's pages show it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest import charts
from contest.extensions import db
from contest.judging.sheet_counts import count_sheets, sheet_counts
from contest.models import Criterion, Entry, EntryStatus, User
from contest.results.cache import COUNTS_EXTENSION, process_cache
from tests import test_ranking_cache as ranking_cache
from tests.harsh import english, harsh, organizer  # noqa: F401 (fixtures)
from tests.test_charts import svgs
from tests.test_ranking_cache import CHANGES, app, contest_of, other, page  # noqa: F401 (fixtures)

PROGRESS = "/c/thi-thu/organize/progress"
JUDGES = "/c/thi-thu/organize/judges"

# The writes each page shows: the progress page counts full sheets' totals too.
SHOWN_ON = {
    PROGRESS: ["a sheet's points", "a sheet removed", "a sheet back to a draft", "an entry screened ineligible",
               "an entry withdrawn", "a judge added to an entry", "a sheet reopened by a bulk statement"],
    JUDGES: ["a sheet removed", "a sheet back to a draft", "an entry screened ineligible", "an entry withdrawn",
             "a judge added to an entry", "a sheet reopened by a bulk statement"],
}


def kept() -> object:
    return process_cache(COUNTS_EXTENSION)


def warm(client, url: str) -> str:
    """The page twice: the second from the counts the first kept."""
    return ranking_cache.warm(client, url, kept)


def fresh_page(client, url: str) -> str:
    return ranking_cache.fresh_page(client, url, kept)


@pytest.mark.parametrize("url, change", [(url, change) for url, changes in SHOWN_ON.items() for change in changes])
def test_a_change_by_another_worker_shows_on_the_next_page(harsh, client, organizer, other, url, change):
    codes = {name: entry.code for name, entry in harsh.entries.items()}
    before = warm(client, url)
    with other():
        CHANGES[change](harsh.contest.id, codes)
        db.session.commit()
    after = page(client, url)
    assert after != before
    assert after == fresh_page(client, url)


def test_a_criterion_added_to_the_rubric_leaves_no_sheet_full(harsh, client, organizer, other):
    before = warm(client, PROGRESS)
    assert 'id="calibration-table"' in before
    with other():
        contest = contest_of(harsh.contest.id)
        db.session.add(Criterion(contest=contest, code="MT", name="Mới", max_points=10, weight=1,
                                 position=len(contest.criteria)))
        db.session.commit()
    after = page(client, PROGRESS)
    assert 'id="calibration-table"' not in after and "<svg" in after  # the progress bars alone
    assert after == fresh_page(client, PROGRESS)


@pytest.mark.parametrize("url", [PROGRESS, JUDGES])
def test_a_judge_renamed_shows_on_the_kept_pages_and_their_charts(harsh, client, organizer, other, url):
    """A judge's name is no part of the counts (nor of the ranking version): it is read at
    each request, and a chart drawn with another name is drawn again."""
    warm(client, url)
    with other():
        db.session.scalar(select(User).where(User.email == "lan@example.vn")).name = "Lan Anh"
        db.session.commit()
    db.session.expire_all()  # the requests share the test's session: what a new one would hold
    hits = kept().hits
    after = page(client, url)
    assert kept().hits == hits + 1
    assert "Lan Anh" in after
    for svg in (svgs(after) if url == PROGRESS else []):
        assert "Lan Anh" in svg


def test_an_unsaved_change_is_counted_afresh_and_never_kept(harsh, client, organizer):
    warm(client, PROGRESS)
    entry = db.session.scalar(select(Entry).where(Entry.code == harsh.code("X")))
    round_ = contest_of(harsh.contest.id).current_round
    before = sheet_counts(round_)
    entry.status = EntryStatus.INELIGIBLE
    counted = sheet_counts(round_)
    assert counted is not before and counted == count_sheets(round_, tallies=False)
    assert counted.entries == before.entries - 1
    db.session.rollback()
    assert sheet_counts(contest_of(harsh.contest.id).current_round) is before


def test_a_kept_page_runs_fewer_queries_and_reads_the_version(harsh, client, organizer, count_queries):
    for url in (PROGRESS, JUDGES):
        kept().clear()
        with count_queries() as computed:
            page(client, url)
        with count_queries() as kept_statements:
            page(client, url)
        assert len(kept_statements) < len(computed)
        assert any("ranking_versions" in s for s in kept_statements)
        assert not any("GROUP BY" in s for s in kept_statements)


def test_counts_kept_by_the_judges_page_are_given_tallies_by_the_progress_page(
        harsh, client, organizer, count_queries):
    """The judges page counts no totals; the progress page that comes after it counts them
    once, into what is kept."""
    kept().clear()
    warm(client, JUDGES)
    with count_queries() as first:
        progress = page(client, PROGRESS)
    assert sum("GROUP BY assignments.judge_id, assignments.total" in s for s in first) == 1
    with count_queries() as second:
        assert page(client, PROGRESS) == progress
    assert not any("GROUP BY" in s for s in second)
    assert progress == fresh_page(client, PROGRESS)
    round_ = contest_of(harsh.contest.id).current_round
    assert sheet_counts(round_, tallies=True).tallies == count_sheets(round_).tallies


def test_the_judges_page_loads_no_entry_waiting(harsh, client, organizer, count_queries):
    ranking_cache.sheet_of(harsh.contest.id, "cuc@example.vn", harsh.code("X")).submitted_at = None
    db.session.commit()
    with count_queries() as statements:
        html = page(client, JUDGES)
    assert 'id="loads-heading"' in html
    assert not any("ORDER BY entries.code" in s for s in statements)
    assert re.search(r'id="unfinished-count">1<', page(client, PROGRESS))


def test_a_chart_is_drawn_once_for_the_same_inputs():
    bars = [charts.Bar("Lan", 3, 4), charts.Bar("Hùng", 1, 4)]
    first = charts.progress_bars(bars, "Submitted", "Left", "x-caption")
    assert charts.progress_bars(list(bars), "Submitted", "Left", "x-caption") is first
    other_bars = charts.progress_bars([charts.Bar("Lan", 4, 4), bars[1]], "Submitted", "Left", "x-caption")
    assert other_bars != first
    assert charts.progress_bars(bars, "Đã nộp", "Còn lại", "x-caption") is not first
