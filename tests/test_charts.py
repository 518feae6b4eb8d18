"""The charts on the organizer's pages: SVG in the page with nothing the CSP refuses,
each with a table of its numbers; the progress and judges pages at scale."""
from __future__ import annotations

import re

import pytest

from contest.extensions import db
from contest.judging.services import start_judging
from tests.harsh import english, harsh, organizer  # noqa: F401 (fixtures)
from tests.scale import bulk_judge


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)


def assert_csp_clean(svg: str) -> None:
    assert "<style" not in svg and "<script" not in svg and " style=" not in svg
    assert re.match(r'<svg role="img" aria-labelledby="[a-z-]+-caption"', svg)


def test_the_progress_page_draws_progress_and_each_judge_against_the_jury(client, harsh, organizer):
    page = client.get("/c/thi-thu/organize/progress").get_data(as_text=True)
    charts = svgs(page)
    assert len(charts) == 3
    for svg in charts:
        assert_csp_clean(svg)
        caption = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
        assert f'<figcaption class="small text-muted" id="{caption}">' in page
    assert 'href="/static/css/charts.css"' in page
    # The judges' names are on the charts and in the tables beside them.
    for name in ("Lan", "Hùng", "Cúc", "Dũng"):
        assert all(name in svg for svg in charts)
    table = re.search(r'id="calibration-table".*?</table>', page, re.DOTALL).group()
    rows = re.findall(r"<tr[^>]*>\s*<td>([^<]+)</td>\s*<td class=\"score\">(\d+)</td>\s*"
                      r"<td class=\"score\">([\d.]+)</td>\s*<td class=\"score\">([\d.]+)</td>", table)
    # Lan: 60 62 64 66 (mean 63, σ √5); Hùng: 40 41 44 47 (mean 43, σ √7.5); the jury's 10 totals.
    assert ("Lan", "4", "63.00", "2.24") in rows
    assert ("Hùng", "4", "43.00", "2.74") in rows
    assert rows[0][:3] == ("Jury", "10", "54.60")


def y_labels(svg: str) -> list[float]:
    axis = re.search(r'<g class="axis y[^"]*">.*?</g>\s*</g>', svg, re.DOTALL).group()
    return [float(label) for label in re.findall(r'<text x="-5" y="[\d.]+" class="[^"]*">([\d.]+)</text>', axis)]


def test_the_box_plot_axis_spans_the_totals_not_from_zero(client, harsh, organizer):
    """The totals run from 32 to 90: an axis from 0 would squeeze every box into its top two thirds."""
    page = client.get("/c/thi-thu/organize/progress").get_data(as_text=True)
    box = next(svg for svg in svgs(page) if 'aria-labelledby="distribution-chart-caption"' in svg)
    labels = y_labels(box)
    assert 26 <= min(labels) <= 32 and 90 <= max(labels) <= 96, labels
    # The table beside it keeps every number.
    assert 'id="calibration-table"' in page


@pytest.mark.parametrize("values, axis", [
    ([60, 62, 95], (56.0, 99.0)),      # a tenth of the span each side, whole points
    ([71.5, 72], (70.0, 73.0)),        # at least a point each side
    ([0.5, 3], (0.0, 4.0)),            # never below 0
    ([], (0.0, 1.0)),
])
def test_an_axis_fits_its_values_with_a_margin(values, axis):
    from contest.charts import fitted_range

    assert fitted_range(values) == axis


def test_pages_without_scores_draw_no_empty_charts(client, make_contest, make_entry, organizer):
    contest = make_contest()
    make_entry(contest)
    start_judging(contest, actor=None)
    db.session.commit()
    for url in ("/c/thi-thu/organize/progress",):
        response = client.get(url)
        assert response.status_code == 200
        assert svgs(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("url", ["/c/{slug}/organize/progress", "/c/{slug}/organize/judges",
                                 "/c/{slug}/organize/progress?page=2"])
def test_progress_and_judges_pages_run_the_same_queries_at_380_and_5000_entries(
        client, make_contest, organizer, count_queries, url):
    small, large = make_contest("nho"), make_contest("lon")
    for contest in (small, large):
        start_judging(contest, actor=None)
    db.session.commit()
    bulk_judge(small, entries=380, judges=45, per_entry=3, submitted=0.9)
    bulk_judge(large, entries=5000, judges=45, per_entry=3, submitted=0.9)
    counted = {}
    for contest in (small, large):
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(url.format(slug=contest.slug))
        assert response.status_code == 200
        counted[contest.slug] = len(statements)
    assert counted["nho"] == counted["lon"]
    assert counted["lon"] <= 16


def test_the_progress_page_shows_judges_a_page_at_a_time(client, make_contest, organizer):
    contest = make_contest()
    start_judging(contest, actor=None)
    db.session.commit()
    bulk_judge(contest, entries=100, judges=45, per_entry=3, submitted=0.5)
    first = client.get("/c/thi-thu/organize/progress").get_data(as_text=True)
    assert "Judges 1–40 of 45" in first
    table = re.search(r'id="per-judge-table".*?</table>', first, re.DOTALL).group()
    assert table.count("<tr>") == 41  # the header and 40 judges
    second = client.get("/c/thi-thu/organize/progress?page=2").get_data(as_text=True)
    assert "Judges 41–45 of 45" in second
    second_table = re.search(r'id="per-judge-table".*?</table>', second, re.DOTALL).group()
    assert "Giám khảo 044" in second_table and "Giám khảo 044" not in table
    # 300 sheets, half submitted: the entries still waiting are counted, the first 100 listed.
    assert re.search(r'id="unfinished-count">(\d+)<', first).group(1) == "50"


def test_drawing_a_chart_leaves_imports_as_they_were():
    """pygal's own import hook would turn every later failed import into an ImportWarning."""
    import importlib

    from contest import charts

    charts.score_bins([])
    charts.histogram([(1, 50.0, 55.0)], [], "n", "x-caption")
    with pytest.raises(ImportError):
        importlib.import_module("a_module_nobody_installed")


@pytest.mark.parametrize("count", [2, 3, 4, 5, 7, 8, 9, 11, 150])
def test_a_box_drawn_from_its_stand_in_is_the_box_of_every_value(count):
    """The progress page hands pygal eight numbers per box, not every total: the same box."""
    import random

    from pygal.graph.box import Box

    from contest.charts import box_stand_in

    values = [round(random.Random(count).uniform(40, 100), 2) for _ in range(count)]
    assert Box._box_points(box_stand_in(values)) == Box._box_points(values)
    assert box_stand_in([71.5]) == [71.5] and box_stand_in([]) == []


@pytest.mark.parametrize("count", list(range(1, 30)) + [149, 150, 151, 152])
def test_a_box_read_at_a_few_positions_is_pygals_box_of_every_value(count):
    """The box's five numbers from the values at pygal's quartile positions alone, as floats
    bit for bit: many totals repeat (a tally), each a float of an integer number of units."""
    import random

    from pygal.graph.box import Box

    from contest.charts import ordered_box_stand_in

    rng = random.Random(count)
    values = sorted(rng.randrange(40 * 100_000, 100 * 100_000, 25_000) / 100_000 for _ in range(count))
    read = set()

    def nth(position):
        read.add(position)
        return values[position]

    stand_in = ordered_box_stand_in(count, nth)
    assert Box._box_points(stand_in) == Box._box_points(values)
    (low, _, q1, middle, q3, _, high), _ = Box._box_points(values)
    assert stand_in == ([low] if count == 1 else [low, q1, q1, middle, middle, q3, q3, high])
    assert len(read) <= 8


def test_the_calibration_counted_per_total_is_the_one_of_every_sheet(make_contest):
    """The database counts each judge's full sheets per total; the spreads and the boxes are
    those of every full sheet's total (some submitted, some left as drafts)."""
    from sqlalchemy import select

    from contest.charts import box_stand_in, ordered_box_stand_in
    from contest.domain.calibration import judge_spreads
    from contest.models import Assignment
    from contest.results.calibration import calibration
    from contest.results.totals import UNIT

    contest = make_contest()
    start_judging(contest, actor=None)
    db.session.commit()
    panel = bulk_judge(contest, entries=300, judges=7, per_entry=3, submitted=0.8)
    round_ = contest.current_round
    totals = [tuple(row) for row in db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id, Assignment.total)
        .where(Assignment.round_id == round_.id, Assignment.submitted_at.is_not(None)))]
    spreads, jury = judge_spreads(totals, unit=UNIT)
    calib = calibration(round_, panel)
    assert calib.jury == jury and jury.count == 720
    assert {c.judge.id: c.spread for c in calib.judges} == spreads
    every = sorted(t / UNIT for _, _, t in totals)
    assert ordered_box_stand_in(*calib.jury_points) == box_stand_in(every)
    for judged in calib.judges:
        mine = [t / UNIT for _, j, t in totals if j == judged.judge.id]
        assert ordered_box_stand_in(*judged.points) == box_stand_in(mine)


def test_the_overview_counted_by_kinds_of_entry_is_the_count_of_every_sheet(make_contest, make_entry):
    """How many entries have so many sheets (and submitted): the page's figures are those of
    counting each rankable entry's sheets; an entry screened out does not count, one
    without a sheet does, and the entries waiting are the first in code order."""
    from collections import Counter

    from sqlalchemy import select

    from contest.judging.services import judging_overview
    from contest.models import Assignment, Entry, EntryStatus

    contest = make_contest()
    start_judging(contest, actor=None)
    db.session.commit()
    bulk_judge(contest, entries=200, judges=9, per_entry=3, submitted=0.7)
    out, bare = db.session.scalars(select(Entry).where(Entry.contest_id == contest.id)
                                   .order_by(Entry.code.desc()).limit(2)).all()
    out.status = EntryStatus.INELIGIBLE
    db.session.execute(db.delete(Assignment).where(Assignment.entry_id == bare.id))
    db.session.commit()
    rows = db.session.execute(select(Assignment.entry_id, Assignment.submitted_at)
                              .where(Assignment.entry_id != out.id)).all()
    sheets, done = Counter(e for e, _ in rows), Counter(e for e, s in rows if s is not None)
    codes = dict(db.session.execute(select(Entry.id, Entry.code).where(Entry.id != out.id)).all())
    waiting = sorted((codes[e] for e in codes if done[e] < sheets[e] or not sheets[e]))

    overview = judging_overview(contest, shown=10)
    assert (overview.entries, overview.sheets, overview.submitted) == (199, 594, sum(done.values()))
    assert (overview.fewest_judges, overview.most_judges) == (0, 3)
    assert overview.unfinished_count == len(waiting) and waiting[-1] == bare.code
    assert [u.entry.code for u in overview.unfinished] == waiting[:10]
    assert [u.assigned for u in overview.unfinished] == [sheets[u.entry.id] for u in overview.unfinished]
    assert all(len(u.waiting_for) == sheets[u.entry.id] - done[u.entry.id] for u in overview.unfinished)
