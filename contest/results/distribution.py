"""The distribution of the ranked scores with each tier's cut line, as a chart and its table."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext as _
from markupsafe import Markup

from contest import charts
from contest.domain.scoring import format_score
from contest.results.ranking import Ranking

BINS = 20  # intervals across the scale, at most


@dataclass(frozen=True)
class Cut:
    """A tier's line: the lowest score that took it."""

    code: str
    name: str
    score: Fraction


@dataclass(frozen=True)
class Distribution:
    bins: list[tuple[int, float, float]]   # (entries, from, to)
    cuts: list[Cut]
    svg: Markup


def bin_width(maximum: Fraction) -> int:
    """A whole number of points, so that the scale has about BINS intervals."""
    return max(1, int(maximum // BINS) or 1)


def score_distribution(ranking: Ranking) -> Distribution | None:
    """The ranked entries' scores in intervals, and the tiers' cut lines (None: nothing ranked)."""
    scores = ranking.ranked_scores()
    if not scores:
        return None
    lowest: dict[str, Fraction] = {}
    for row in ranking.winners:
        lowest[row.tier.code] = min(lowest.get(row.tier.code, row.score), row.score)
    cuts = [Cut(t.code, t.name, lowest[t.code]) for t in ranking.contest.tiers if t.code in lowest]
    bins = charts.score_bins(scores, bin_width(ranking.maximum))
    svg = charts.histogram(bins, [(_("Tier %(code)s from %(score)s", code=c.code, score=format_score(c.score)),
                                   float(c.score)) for c in cuts],
                           _("Entries"), "distribution-chart-caption")
    return Distribution(bins, cuts, svg)
