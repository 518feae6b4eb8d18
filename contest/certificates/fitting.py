"""Choose type sizes so a certificate's variable text fits its box.

WeasyPrint cannot shrink text to fit, and a certificate has a fixed page: a
three-author byline or a 300-character title must wrap inside the body box,
never run into the signature. The text is measured with the advance widths of
the embedded fonts and wrapped greedily at spaces, like the browser does; the
largest type scale whose wrapped lines fit is chosen.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from math import ceil, floor
from pathlib import Path

from fontTools.ttLib import TTFont

PT = 25.4 / 72  # millimetres per point

# A family's files in this order: regular, bold, italic, bold italic.
SHIPPED_FONTS = {
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf",
                   "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
                  "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf"),
}
FontFiles = tuple[Path, Path, Path, Path]


def shipped_font(fonts_dir: Path, family: str = "Noto Serif") -> FontFiles:
    return tuple(fonts_dir / name for name in SHIPPED_FONTS[family])


def face(fonts: FontFiles, bold: bool, italic: bool) -> Path:
    return fonts[int(bold) + 2 * int(italic)]


@dataclass(frozen=True)
class TypeScale:
    """Font sizes (pt) of the body lines, largest first in SCALES."""

    preamble: float
    recipient: float
    unit: float
    work: float
    prize: float
    contest: float


# Line heights and vertical margins (mm) are in certificate.css's terms; the
# stylesheet block that sets the sizes is generated from these values.
LINE_HEIGHT = {"preamble": 1.3, "recipient": 1.2, "unit": 1.3, "work": 1.32, "prize": 1.2, "contest": 1.3}
MARGIN_MM = {"preamble": 1.5, "recipient": 2.5, "unit": 1.5, "work": 2.0, "prize": 1.8, "contest": 0.0}
# Pango's shaping and kerning differ a little from summed advances: keep a margin.
WIDTH_SAFETY = 0.96

SCALES = (
    TypeScale(preamble=13.5, recipient=27, unit=13.5, work=14, prize=20, contest=12),
    TypeScale(preamble=13, recipient=24, unit=13, work=13.5, prize=19, contest=11.5),
    TypeScale(preamble=12.5, recipient=21, unit=12.5, work=13, prize=18, contest=11),
    TypeScale(preamble=12, recipient=19, unit=12, work=12, prize=17, contest=10.5),
    TypeScale(preamble=11.5, recipient=17, unit=11, work=11, prize=16, contest=10),
    TypeScale(preamble=11, recipient=15, unit=10.5, work=10, prize=15, contest=9.5),
    TypeScale(preamble=10.5, recipient=13, unit=9.5, work=9, prize=14, contest=9),
)

# (bold, italic) of each body line, as certificate.css draws it.
STYLE = {
    "preamble": (False, True),
    "recipient": (True, True),
    "unit": (False, False),
    "work": (True, True),
    "prize": (True, False),
    "contest": (False, True),
}


class FontMetrics:
    """Advance widths of one font file, in em."""

    def __init__(self, path: Path):
        with TTFont(path, lazy=True) as font:
            units = font["head"].unitsPerEm
            advances = font["hmtx"].metrics
            self.widths = {code: advances[glyph][0] / units for code, glyph in font.getBestCmap().items()}
            notdef = advances.get(".notdef") or next(iter(advances.values()))
            self.fallback = notdef[0] / units

    def width_mm(self, text: str, size_pt: float) -> float:
        em = sum(self.widths.get(ord(ch), self.fallback) for ch in text)
        return em * size_pt * PT


@cache
def font_metrics(path: Path) -> FontMetrics:
    return FontMetrics(path)


def metrics(fonts: FontFiles, bold: bool, italic: bool) -> FontMetrics:
    return font_metrics(face(fonts, bold, italic))


def line_count(text: str, font: FontMetrics, size_pt: float, width_mm: float) -> int:
    """How many lines ``text`` takes when wrapped at spaces into ``width_mm``."""
    if not text:
        return 0
    limit = width_mm * WIDTH_SAFETY
    space = font.width_mm(" ", size_pt)
    lines, used = 1, 0.0
    for word in (w for w in text.split(" ") if w):  # no break at no-break spaces
        width = font.width_mm(word, size_pt)
        if used and used + space + width > limit:
            lines, used = lines + 1, 0.0
        if width > limit:  # a word wider than the box is broken anywhere
            lines += ceil(width / limit) - 1
            width = width % limit
        used += (space if used else 0.0) + width
    return lines


def body_lines(texts: dict[str, str], scale: TypeScale, fonts: FontFiles, width_mm: float) -> dict[str, int]:
    """How many lines each body text takes when set in ``scale``."""
    return {name: line_count(text, metrics(fonts, *STYLE[name]), getattr(scale, name), width_mm)
            for name, text in texts.items() if text}


def body_height_mm(texts: dict[str, str], scale: TypeScale, fonts: FontFiles, width_mm: float) -> float:
    """Height of the body lines set in ``scale``; ``texts`` maps line name to its text."""
    height = 0.0
    for name, lines in body_lines(texts, scale, fonts, width_mm).items():
        size = getattr(scale, name)
        height += lines * size * PT * LINE_HEIGHT[name] + MARGIN_MM[name]
    return height


# The issuer's type shrinks for long issuers so that the number line stays clear of the title.
ISSUER_SCALES = ((10.5, 1.4), (9.5, 1.35), (8.5, 1.3), (7.5, 1.25))  # (pt, line height)
# Under the issuer's lines: the rule (1.2 mm margin, 0.3 mm thick) and a 1.8 mm gap.
NUMBER_GAP_MM = 1.2 + 0.3 + 1.8


def issuer_fit(issuer_lines: tuple[str, ...], fonts: FontFiles, top_mm: float, width_mm: float,
               max_top_mm: float) -> tuple[int, float]:
    """Index in ISSUER_SCALES of the largest type that leaves the number line above
    ``max_top_mm``, and where the number line then goes (mm from the top of the page)."""
    font = metrics(fonts, True, False)
    for index, (size, line_height) in enumerate(ISSUER_SCALES):
        lines = sum(max(1, line_count(line.upper(), font, size, width_mm)) for line in issuer_lines)
        top = top_mm + lines * size * PT * line_height + NUMBER_GAP_MM
        if top <= max_top_mm:
            break
    return index, top


def choose_scale(texts: dict[str, str], fonts: FontFiles, width_mm: float, height_mm: float) -> tuple[int, bool]:
    """Index in SCALES of the largest type scale in which ``texts`` fit the body box,
    and whether they fit at all (the smallest scale when they do not)."""
    for index, scale in enumerate(SCALES):
        if body_height_mm(texts, scale, fonts, width_mm) <= height_mm:
            return index, True
    return len(SCALES) - 1, False


@cache
def vertical_metrics(path: Path) -> tuple[float, float]:
    """(ascent, descent) of a font in em, as the text layout uses them for a line box."""
    with TTFont(path, lazy=True) as font:
        units = font["head"].unitsPerEm
        os2 = font["OS/2"] if "OS/2" in font else None
        if os2 is not None and os2.fsSelection & (1 << 7):  # USE_TYPO_METRICS
            return os2.sTypoAscender / units, -os2.sTypoDescender / units
        hhea = font["hhea"]
        return hhea.ascent / units, -hhea.descent / units


def baseline_mm(path: Path, size_pt: float) -> float:
    """Where the baseline falls inside a line box as tall as the type (line-height: 1)."""
    ascent, descent = vertical_metrics(path)
    return size_pt * PT * (1 + ascent - descent) / 2


def fitted_size(text: str, font: FontMetrics, size_pt: float, width_mm: float,
                smallest: float) -> tuple[float, bool]:
    """The largest size from ``size_pt`` down to ``smallest`` × it at which ``text`` stays on
    one line of ``width_mm``, and whether it fits even then."""
    natural = font.width_mm(text, size_pt)
    limit = width_mm * WIDTH_SAFETY
    if natural <= limit:
        return size_pt, True
    size = floor(max(size_pt * smallest, size_pt * limit / natural) * 100) / 100
    return size, font.width_mm(text, size) <= limit
