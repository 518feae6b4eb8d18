"""Charts drawn on the server as SVG (pygal) and put in the page as they are.

The strict Content-Security-Policy allows no inline style or script, so each
SVG is stripped of the <style> and <script> pygal puts in it and of its style
attributes; its rules are in static/css/charts.css (written by
scripts/vendor-chart-css.py), scoped to the ``pygal-chart`` class. Every chart
is shown with a table of the same numbers beside it (its text alternative):
the SVG itself is one image, named by its caption.
"""
from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup

# One colour per series, as many series as a chart may have (judges shown per page + the jury).
MAX_SERIES = 64
PALETTE = ("#0d6efd", "#6c757d", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997",
           "#d63384", "#0dcaf0", "#ffc107", "#495057", "#0a58ca")


# Charts drawn, kept per process by what they were drawn from: pygal takes tens of ms a chart
# (the progress page's three, about 80 ms), and a chart is a function of its inputs alone.
DRAWN_KEPT = 48
_drawn: OrderedDict[tuple, Markup] = OrderedDict()
_drawn_lock = threading.Lock()


def drawn_once(key: tuple[Hashable, ...], draw: Callable[[], Markup]) -> Markup:
    """``draw()``, or what it gave before for the same ``key`` (every input of the chart),
    among the last DRAWN_KEPT charts drawn."""
    with _drawn_lock:
        svg = _drawn.get(key)
        if svg is not None:
            _drawn.move_to_end(key)
            return svg
    svg = draw()
    with _drawn_lock:
        _drawn[key] = svg
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
    return svg


def _pygal():
    """pygal, without the legacy import hook it adds for its map plugins (unused here):
    that hook answers every later failed import of the process with an ImportWarning."""
    import sys

    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def chart_style():
    """The app's look for pygal (its colours are in static/css/charts.css)."""
    _pygal()
    from pygal.style import Style

    return Style(
        background="transparent", plot_background="#ffffff",
        foreground="#212529", foreground_strong="#000000", foreground_subtle="#6c757d",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
        colors=tuple(PALETTE[i % len(PALETTE)] for i in range(MAX_SERIES)),
        title_font_size=14, label_font_size=11, major_label_font_size=11,
        legend_font_size=11, value_font_size=11, tooltip_font_size=11,
    )


_STRIP = [
    re.compile(r"<style\b[^>]*>.*?</style>", re.S),
    re.compile(r"<script\b[^>]*>.*?</script>", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r'\sstyle="[^"]*"'),
    # Hooks for pygal's own script (stripped above), the same in every chart: two charts
    # on a page would repeat them, and an id must be unique in the page.
    re.compile(r'\sid="activate-serie-\d+"'),
]


def _common(**options):
    return {"style": chart_style(), "js": [], "disable_xml_declaration": True, "show_legend": False,
            "margin": 8, "spacing": 8, "truncate_label": -1, "truncate_legend": -1,
            "print_values": False, **options}


def inline_svg(chart, label_id: str) -> Markup:
    """The chart as SVG to put in the page: nothing the CSP refuses, named by ``label_id``."""
    svg = chart.render(is_unicode=True)
    for pattern in _STRIP:
        svg = pattern.sub("", svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" focusable="false" ', 1)
    return Markup(svg)  # nosec B704 # pygal escapes every label it writes; nothing raw is added


@dataclass(frozen=True)
class Bar:
    label: str
    done: int
    total: int


def progress_bars(rows: Sequence[Bar], done: str, left: str, label_id: str) -> Markup:
    """Horizontal bars per judge: sheets submitted and still to do."""
    return drawn_once(("bars", tuple(rows), done, left, label_id),
                      lambda: _progress_bars(rows, done, left, label_id))


def _progress_bars(rows: Sequence[Bar], done: str, left: str, label_id: str) -> Markup:
    pygal = _pygal()

    chart = pygal.HorizontalStackedBar(**_common(
        height=max(120, 22 * len(rows) + 60), show_legend=True, legend_at_bottom=True,
        legend_at_bottom_columns=2))
    # pygal draws the first label at the bottom: reversed, the bars read as the table does.
    rows = list(reversed(rows))
    chart.x_labels = [r.label for r in rows]
    chart.add(done, [r.done for r in rows])
    chart.add(left, [r.total - r.done for r in rows])
    return inline_svg(chart, label_id)


def distributions(series: Sequence[tuple[str, int, Callable[[int], float]]], label_id: str) -> Markup:
    """One box per series (lowest, quartiles, median, highest), side by side. A series is
    (name, how many values, the value at a position of them in increasing order)."""
    boxes = tuple((name, tuple(ordered_box_stand_in(count, nth))) for name, count, nth in series)
    return drawn_once(("boxes", boxes, label_id), lambda: _boxes(boxes, label_id))


def _boxes(boxes: Sequence[tuple[str, Sequence[float]]], label_id: str) -> Markup:
    pygal = _pygal()

    low, high = fitted_range([v for _, box in boxes for v in box[:1] + box[-1:]])
    # pygal's Box stretches its axis down to ``zero`` (0 unless told), which would squeeze
    # totals of 60 to 95 into the top third of the chart.
    chart = pygal.Box(**_common(height=320, x_label_rotation=35, box_mode="extremes",
                                range=(low, high), zero=low))
    chart.x_labels = [name for name, _ in boxes]
    for name, box in boxes:
        chart.add(name, list(box))
    return inline_svg(chart, label_id)


def fitted_range(values: Sequence[float], margin: float = 0.1) -> tuple[float, float]:
    """An axis from a little below the lowest value to a little above the highest (``margin``
    of their span each side, at least one point), in whole points and never below 0."""
    if not values:
        return 0.0, 1.0
    lowest, highest = min(values), max(values)
    pad = max((highest - lowest) * margin, 1.0)
    return float(max(0, math.floor(lowest - pad))), float(math.ceil(highest + pad))


def box_stand_in(values: Sequence[float]) -> list[float]:
    """Eight values whose box, as pygal computes it, is the box of ``values``."""
    ordered = sorted(values)
    return ordered_box_stand_in(len(ordered), ordered.__getitem__)


def ordered_box_stand_in(count: int, nth: Callable[[int], float]) -> list[float]:
    """``box_stand_in`` of ``count`` values, ``nth(i)`` the i-th smallest: only the few at
    the positions pygal's quartiles use are read.

    pygal reads every value it is given through slow attribute lookups: the jury's
    150,000 totals at 50,000 entries took 55 s to draw. A box needs five numbers; with
    each quartile twice, pygal's own quartiles (its even-length rule) give them back.
    """
    if count < 2:
        return [nth(0)] if count else []
    low, q1, median, q3, high = _pygal_box(count, nth)
    return [low, q1, q1, median, median, q3, q3, high]


def _pygal_box(n: int, nth: Callable[[int], float]) -> tuple[float, float, float, float, float]:
    """pygal's box in its "extremes" mode (``Box._box_points``, the quartiles of Mendenhall
    and Sincich), the same float operations in the same order, for ``n`` ≥ 2 values."""
    def median(length: int, start: int) -> float:
        middle = start + length // 2
        return (nth(middle) + nth(middle - 1)) / 2 if length % 2 == 0 else nth(middle)

    if n % 2 == 0:
        q1, q3 = median(n // 2, 0), median(n // 2, n // 2)
    elif n % 4 == 1:
        m = (n - 1) // 4
        q1 = 0.25 * nth(m - 1) + 0.75 * nth(m)
        q3 = 0.75 * nth(3 * m) + 0.25 * nth(3 * m + 1)
    else:
        m = (n - 3) // 4
        q1 = 0.75 * nth(m) + 0.25 * nth(m + 1)
        q3 = 0.25 * nth(3 * m + 1) + 0.75 * nth(3 * m + 2)
    return nth(0), q1, median(n, 0), q3, nth(n - 1)


def means_with_spread(points: Sequence[tuple[str, float, float]], overall: tuple[float, float],
                      mean_label: str, band_label: str, label_id: str) -> Markup:
    """Each judge's mean with a bar of ± one standard deviation, and the round's
    mean and ± one standard deviation as lines across."""
    return drawn_once(("means", tuple(points), overall, mean_label, band_label, label_id),
                      lambda: _means_with_spread(points, overall, mean_label, band_label, label_id))


def _means_with_spread(points: Sequence[tuple[str, float, float]], overall: tuple[float, float],
                       mean_label: str, band_label: str, label_id: str) -> Markup:
    pygal = _pygal()

    chart = pygal.Line(**_common(height=320, x_label_rotation=35, stroke=False, show_legend=True,
                                 legend_at_bottom=True, legend_at_bottom_columns=2, dots_size=4))
    chart.x_labels = [name for name, _, _ in points]
    chart.add(mean_label, [{"value": m, "ci": {"low": m - sd, "high": m + sd}} for _, m, sd in points])
    mu, sigma = overall
    chart.add(band_label, [mu] * len(points), stroke=True, show_dots=False)
    chart.add("−σ", [mu - sigma] * len(points), stroke=True, show_dots=False)
    chart.add("+σ", [mu + sigma] * len(points), stroke=True, show_dots=False)
    return inline_svg(chart, label_id)


def histogram(bins: Sequence[tuple[int, float, float]], cuts: Sequence[tuple[str, float]],
              count_label: str, label_id: str) -> Markup:
    """Counts per score interval, with a vertical line at each tier's lowest score."""
    pygal = _pygal()

    chart = pygal.Histogram(**_common(height=300, show_legend=True, legend_at_bottom=True,
                                      legend_at_bottom_columns=4))
    chart.add(count_label, list(bins))
    top = max((count for count, _, _ in bins), default=1)
    for name, score in cuts:
        # A bar one hundredth wide and as high as the tallest: the cut line.
        chart.add(name, [(top, score - 0.01, score + 0.01)])
    return inline_svg(chart, label_id)


def score_bins(scores: Sequence[Fraction], width: int = 5) -> list[tuple[int, float, float]]:
    """Scores counted in intervals of ``width`` points: (count, start, end)."""
    counts: dict[int, int] = {}
    for score in scores:
        start = int(score // width) * width
        counts[start] = counts.get(start, 0) + 1
    return [(counts[s], float(s), float(s + width)) for s in sorted(counts)]
