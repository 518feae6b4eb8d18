"""Pre-printed stock: only the variable texts, each at its position on the form, and the calibration page.

A field's ``y`` is its baseline (the dotted line of the form), ``x`` and
``width`` the span it may take; every position moves by the printer's offset.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from contest.certificates.fitting import baseline_mm, face, fitted_size, metrics
from contest.certificates.wording import placeholder_values
from contest.domain.designs import StockField, fill_text

if TYPE_CHECKING:
    from contest.certificates.printed import CertificateView, DesignView

# A stock text too long for its span is set smaller, down to this share of its size.
SMALLEST_SHARE = 0.75
# The calibration page's crosshairs: this far in from each edge, and at the centre.
CALIBRATION_INSET_MM = 20.0


def stock_text(field: StockField, view: CertificateView) -> str:
    text = fill_text(field.text, placeholder_values(view))
    return text.upper() if "{prize}" in field.text and field.bold else text


def placed_fields(view: CertificateView, static_dir: Path) -> list[dict]:
    """Each field of one certificate: its text, size and box (mm, the offset applied)."""
    design = view.design
    fonts = design.font_paths(static_dir)
    dx, dy = design.offset
    placed = []
    for field in design.stock_fields:
        text = stock_text(field, view)
        size, fits = fitted_size(text, metrics(fonts, field.bold, field.italic), field.size, field.width,
                                 SMALLEST_SHARE)
        size_mm = size * 25.4 / 72
        top = field.y + dy - baseline_mm(face(fonts, field.bold, field.italic), size)
        placed.append(dict(text=text, size=size, shrunk=size < field.size, fits=fits, field=field,
                           left=round(field.x + dx, 3), top=round(top, 3), width=field.width,
                           height=round(size_mm, 3)))
    return placed


def stock_page(environment: Environment, views: Sequence[CertificateView], static_dir: Path,
               fonts: list[dict]) -> str:
    design = views[0].design
    width, height = design.page_mm
    return environment.get_template("stock.html").render(
        width=width, height=height, fonts=fonts,
        pages=[placed_fields(v, static_dir) for v in views],
    )


def crosshairs(width: float, height: float) -> list[tuple[float, float]]:
    inset = CALIBRATION_INSET_MM
    return [(inset, inset), (width - inset, inset), (width / 2, height / 2),
            (inset, height - inset), (width - inset, height - inset)]


def grid_svg(width: float, height: float, offset: tuple[float, float]) -> str:
    """A millimetre grid (every 10 mm bolder) and the crosshairs, shifted by ``offset``."""
    dx, dy = offset
    lines = []
    for x in range(0, int(width) + 1):
        weight = 0.25 if x % 10 == 0 else 0.06
        lines.append(f'<line x1="{x + dx}" y1="0" x2="{x + dx}" y2="{height}" stroke-width="{weight}"/>')
    for y in range(0, int(height) + 1):
        weight = 0.25 if y % 10 == 0 else 0.06
        lines.append(f'<line x1="0" y1="{y + dy}" x2="{width}" y2="{y + dy}" stroke-width="{weight}"/>')
    marks = []
    for x, y in crosshairs(width, height):
        cx, cy = x + dx, y + dy
        marks.append(f'<line x1="{cx - 8}" y1="{cy}" x2="{cx + 8}" y2="{cy}"/>'
                     f'<line x1="{cx}" y1="{cy - 8}" x2="{cx}" y2="{cy + 8}"/>'
                     f'<circle cx="{cx}" cy="{cy}" r="3" fill="none"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
            f'viewBox="0 0 {width} {height}"><g stroke="#7a9cc6">{"".join(lines)}</g>'
            f'<g stroke="#c00000" stroke-width="0.3">{"".join(marks)}</g></svg>')


def calibration_html(environment: Environment, design: DesignView, static_dir: Path,
                     printer_name: str) -> str:
    """One sheet: the grid, the crosshairs and their coordinates, printed with the printer's offset."""
    width, height = design.page_mm
    dx, dy = design.offset
    fonts = static_dir / "fonts"
    size = 8.0
    labels = []
    for x, y in crosshairs(width, height):
        # The label's baseline 4 mm under the crosshair, its left edge 4 mm right of it.
        labels.append(dict(text=f"{x:g},{y:g}", left=x + 4 + dx,
                           top=y + 4 + dy - baseline_mm(fonts / "NotoSans-Regular.ttf", size)))
    return environment.get_template("calibration.html").render(
        width=width, height=height, grid=grid_svg(width, height, design.offset), labels=labels,
        size=size, printer_name=printer_name, offset=design.offset,
        fonts_url=fonts.resolve().as_uri(),
    )
