"""The organizer's progress page: sheets per judge, entries waiting, and how each
judge scores against the jury (charts with their tables)."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from contest import charts
from contest.auth.access import role_required
from contest.judging.services import judging_overview, judging_progress
from contest.judging.sheet_counts import sheet_counts
from contest.judging.views import bp
from contest.models import Role
from contest.pagination import RowPagination
from contest.results.cache import contest_with_version
from contest.results.calibration import Calibration, calibration

JUDGES_PER_PAGE = 40  # a chart of more boxes than this is no longer read at a glance


def _figures(progress_rows, calib: Calibration) -> dict:
    scored = [c for c in calib.judges if c.spread is not None]
    figures = {
        "progress": charts.progress_bars(
            [charts.Bar(p.judge.name, p.submitted, p.assigned) for p in progress_rows],
            _("Submitted"), _("Left"), "progress-chart-caption"),
    }
    if scored and calib.jury is not None:
        figures["distributions"] = charts.distributions(
            [(_("Jury"), *calib.jury_points)] + [(c.judge.name, *c.points) for c in scored],
            "distribution-chart-caption")
        figures["means"] = charts.means_with_spread(
            [(c.judge.name, float(c.spread.mean), float(c.spread.sd)) for c in scored],
            (float(calib.jury.mean), float(calib.jury.sd)),
            _("Judge's mean ± standard deviation"), _("The round's mean"), "means-chart-caption")
    return figures


@bp.get("/c/<slug>/organize/progress")
@role_required(Role.ORGANIZER)
def progress(slug: str):
    contest, version = contest_with_version(slug)
    counts = sheet_counts(contest.current_round, tallies=True, version=version)
    page = RowPagination(judging_progress(contest, counts), JUDGES_PER_PAGE)
    calib = calibration(contest.current_round, [p.judge for p in page.items], counts)
    return render_template("judging/progress.html", contest=contest, page=page,
                           overview=judging_overview(contest, counts=counts), calibration=calib,
                           figures=_figures(page.items, calib))
