"""Where each block of a designed certificate goes, per layout and orientation (mm on A4).

A3 is the same layout printed with a √2 zoom, so every position here is for
A4; the fitter measures against these boxes and document.html places the
blocks with them, so the two can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import sqrt


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float = 0.0


QR_MM = 23.0  # the side of the printed QR code, centred at the top of the layout's qr box


@dataclass(frozen=True)
class Geometry:
    """The blocks of one layout on an A4 sheet, in millimetres from its top left corner."""

    page: tuple[float, float]
    issuer: Box
    number_max_top: float  # the number line must start above this (it sits under the issuer)
    nation: Box
    title: Box
    body: Box
    qr: Box
    verify: Box
    signature: Box  # height: where the signer's name goes inside the block
    emblem: Box  # width = height
    issuer_align: str = "center"
    nation_pt: float = 11.0

    @property
    def qr_image(self) -> Box:
        """The QR code itself (width = height): centred at the top of the qr box, the number under it."""
        return Box(self.qr.left + (self.qr.width - QR_MM) / 2, self.qr.top, QR_MM, QR_MM)

    @property
    def signature_image(self) -> Box:
        """The handwritten signature: between the signer's title and name."""
        width = 62.0
        return Box(self.signature.left + (self.signature.width - width) / 2,
                   self.signature.top + 15.0, width, 22.0)

    @property
    def seal(self) -> Box:
        """The seal overlaps the left third of the signature, as it is stamped."""
        size = 34.0
        image = self.signature_image
        return Box(image.left - 8.0, self.signature.top + 12.0, size, size)


PAGES = {"landscape": (297.0, 210.0), "portrait": (210.0, 297.0)}

# Each layout and orientation, a column; each block, a row: (left, top, width[, height]) in mm.
COLUMNS = (("administrative", "landscape"), ("administrative", "portrait"),
           ("centred", "landscape"), ("centred", "portrait"))
BLOCKS = {
    #                  administrative landscape     portrait                    centred landscape            portrait
    "issuer":         ((21.0, 19.0, 108.0),         (17.0, 19.0, 84.0),         (22.0, 147.0, 88.0),         (15.0, 212.0, 76.0)),
    "number_max_top": (35.5,                        40.0,                       163.0,                       228.0),
    "nation":         ((160.0, 19.0, 118.0),        (103.0, 19.0, 91.0),        (40.0, 34.0, 217.0),         (15.0, 38.0, 180.0)),
    "title":          ((30.0, 42.0, 237.0),         (15.0, 66.0, 180.0),        (30.0, 50.0, 237.0),         (15.0, 56.0, 180.0)),
    "body":           ((41.0, 57.5, 215.0, 84.0),   (20.0, 86.0, 170.0, 118.0), (41.0, 67.0, 215.0, 76.0),   (20.0, 75.0, 170.0, 128.0)),
    "qr":             ((22.0, 157.0, 50.0),         (18.0, 226.0, 50.0),        (112.0, 158.0, 40.0),        (28.0, 236.0, 40.0)),
    "verify":         ((22.0, 184.5, 50.0),         (18.0, 253.5, 50.0),        (107.0, 186.0, 50.0),        (23.0, 264.0, 50.0)),
    "signature":      ((163.0, 145.0, 112.0, 40.5), (95.0, 212.0, 100.0, 40.5), (163.0, 147.0, 112.0, 40.5), (95.0, 212.0, 100.0, 40.5)),
    "emblem":         ((139.5, 13.0, 18.0, 18.0),   (96.0, 44.0, 18.0, 18.0),   (139.5, 14.0, 18.0, 18.0),   (96.0, 17.0, 18.0, 18.0)),
    "issuer_align":   ("center",                    "center",                   "left",                      "left"),
    "nation_pt":      (11.0,                        9.5,                        11.0,                        11.0),
}


def _geometry(column: int, orientation: str) -> Geometry:
    values = {name: Box(*row[column]) if isinstance(row[column], tuple) else row[column]
              for name, row in BLOCKS.items()}
    return Geometry(page=PAGES[orientation], **values)


GEOMETRIES = {key: _geometry(column, key[1]) for column, key in enumerate(COLUMNS)}

ZOOM = {"A4": 1.0, "A3": sqrt(2)}


def geometry(layout: str, orientation: str) -> Geometry:
    return GEOMETRIES[(layout, orientation)]


def frame_svg(width: float, height: float) -> str:
    """The decorative frame for a sheet of ``width`` × ``height`` mm (a page background)."""
    cx, cy = width / 2, height * 0.53
    star = " ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in (
        (0, -44), (10.3, -12.3), (43.6, -12.3), (16.6, 7.3), (26.9, 39), (0, 19.4),
        (-26.9, 39), (-16.6, 7.3), (-43.6, -12.3), (-10.3, -12.3)))
    rects = "".join(
        f'<rect x="{inset}" y="{inset}" width="{width - 2 * inset:.1f}" height="{height - 2 * inset:.1f}" '
        f'fill="none" stroke="{colour}" stroke-width="{stroke}"/>'
        for inset, colour, stroke in ((7, "#8f1d21", 2.6), (10.4, "#8f1d21", 0.45),
                                      (12.6, "#c79a3b", 1), (14.2, "#c79a3b", 0.3)))
    corners = ((18.5, 12.6), (width - 18.5, 12.6), (18.5, height - 24.4), (width - 18.5, height - 24.4))
    gold = "".join(f'<path d="M{x:.1f} {y:.1f} l5.9 5.9 -5.9 5.9 -5.9 -5.9z"/>' for x, y in corners)
    red = "".join(f'<path d="M{x:.1f} {y + 3.2:.1f} l2.7 2.7 -2.7 2.7 -2.7 -2.7z"/>' for x, y in corners)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}">'
        f'<circle cx="{cx}" cy="{cy}" r="52" fill="none" stroke="#c79a3b" stroke-width="1.6" opacity="0.13"/>'
        f'<polygon fill="#c79a3b" opacity="0.07" points="{star}"/>{rects}'
        f'<g fill="#c79a3b">{gold}<path d="M{cx} {height - 16.6} l4 4 -4 4 -4 -4z"/></g>'
        f'<g fill="#8f1d21">{red}</g>'
        f'<path d="M{cx - 30.5} {height - 12.6} h24 M{cx + 6.5} {height - 12.6} h24" '
        f'stroke="#c79a3b" stroke-width="0.5"/></svg>'
    )
