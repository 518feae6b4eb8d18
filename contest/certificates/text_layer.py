"""A certificate's variable texts (number, body lines, the number under the QR code) as PDF content.

The same blocks, sizes, line heights, margins, colours and alignment as
certificate.css and document.html give WeasyPrint, set by
contest.certificates.typesetting from the type scale the fitter chose.
"""
from __future__ import annotations

from pathlib import Path

from contest.certificates.fitting import LINE_HEIGHT, MARGIN_MM, SCALES, STYLE, FontFiles, face
from contest.certificates.layouts import QR_MM, Geometry
from contest.certificates.typesetting import FontSet, Paragraph, Span, draw_lines, load_face, wrap


def _colour(hex_colour: str) -> tuple[float, float, float]:
    return tuple(round(int(hex_colour[i:i + 2], 16) / 255, 6) for i in (1, 3, 5))


# certificate.css's colours and the letter-spacing of the prize line.
INK = _colour("#1f1f1f")
COLOURS = {"recipient": _colour("#17336b"), "prize": _colour("#a3161d"), "contest": _colour("#3a3a3a")}
QR_NUMBER_COLOUR = _colour("#333333")
LETTER_SPACING_PT = {"prize": 0.5}
NUMBER_PT, NUMBER_LINE_HEIGHT = 11.0, 1.4
QR_NUMBER_PT, QR_NUMBER_LINE_HEIGHT = 7.5, 1.3
QR_GAP_MM = 1.0  # .qr's bottom margin


def supports(fonts: FontFiles) -> bool:
    """Whether this engine can set text in ``fonts`` (TrueType outlines); if not, WeasyPrint does."""
    from contest.certificates.typesetting import UnsupportedFont

    try:
        for path in fonts:
            load_face(Path(path))
    except (UnsupportedFont, OSError):
        return False
    return True


def body_paragraph(name: str, runs, size: float, fonts: FontFiles) -> Paragraph:
    """One body line as document.html writes it: names kept whole, the entry's title in bold."""
    bold, italic = STYLE[name]
    colour = COLOURS.get(name, INK)
    spans = []
    for run in runs:
        if run.names:
            for index, person in enumerate(run.names):
                if index:
                    spans.append(Span(", ", face(fonts, bold, italic), colour))
                spans.append(Span(person, face(fonts, bold, italic), colour, keep=True))
        elif run.strong:
            # <b>: bold in any line; in the work line also italic (.work b).
            spans.append(Span(run.text, face(fonts, True, italic or name == "work"), colour))
        else:
            spans.append(Span(run.text, face(fonts, bold and name != "work", italic and name != "work"), colour))
    return Paragraph(tuple(spans), size, LINE_HEIGHT[name], "center", LETTER_SPACING_PT.get(name, 0.0),
                     MARGIN_MM[name])


def page_text(fonts_used: FontSet, page: dict, shape: Geometry, fonts: FontFiles, zoom: float,
              page_height_pt: float) -> bytes:
    """The content stream of one certificate's texts; ``page`` is rendering.page_context's."""
    regular = face(fonts, False, False)
    ops: list[str] = []

    def put(paragraph: Paragraph, left: float, top: float, width: float) -> float:
        lines = wrap(fonts_used, paragraph, width * zoom, zoom)
        drawn, height = draw_lines(fonts_used, lines, paragraph, left * zoom, top * zoom, width * zoom,
                                   page_height_pt, zoom)
        ops.extend(drawn)
        return height / zoom

    number = Paragraph((Span(f"Số: {page['number']}", regular, INK),), NUMBER_PT, NUMBER_LINE_HEIGHT,
                       shape.issuer_align)
    put(number, shape.issuer.left, page["number_top"] / 10, shape.issuer.width)
    scale = SCALES[page["fit"]]
    top = shape.body.top + page["offset_mm"]
    for name, runs in page["lines"].items():
        top += put(body_paragraph(name, runs, getattr(scale, name), fonts), shape.body.left, top,
                   shape.body.width)
    under_qr = Paragraph((Span(page["number"], regular, QR_NUMBER_COLOUR),), QR_NUMBER_PT,
                         QR_NUMBER_LINE_HEIGHT)
    put(under_qr, shape.qr.left, shape.qr.top + QR_MM + QR_GAP_MM, shape.qr.width)
    return ("q\n" + "\n".join(ops) + "\nQ\n").encode()
