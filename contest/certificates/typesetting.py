"""Set lines of text straight into PDF content: shaping, wrapping, alignment and the fonts to embed.

A batch's variable texts are not laid out by WeasyPrint: each paragraph is
shaped with HarfBuzz (the shaper Pango uses under WeasyPrint, so the glyphs,
advances and kerning are the same), wrapped at spaces into its box, aligned,
and written as ``TJ`` operators. Each face used is embedded once per PDF as a
subset TrueType CID font (Identity-H, glyph ids as CIDs) with its widths and a
ToUnicode map, so text extraction reads back exactly the NFC text drawn.
"""
from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PT_PER_MM = 72 / 25.4
_SPACES = re.compile(r"[ \t\n\r\f]+")


class UnsupportedFont(Exception):
    """A font this engine does not embed (e.g. CFF outlines): the caller lays the text out another way."""


@dataclass
class Face:
    """One font file: shaping with HarfBuzz, its metrics in em."""

    path: Path
    upem: int
    ascent: float
    descent: float
    advances: list[float]  # per glyph id, in em (the font's own widths, before kerning)
    hb_font: object
    cmap: dict[int, int]  # code point → glyph id

    def shape(self, text: str) -> tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...]]:
        """Glyph ids, advances (em, kerning applied) and cluster starts of ``text``."""
        import uharfbuzz as hb

        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(self.hb_font, buffer)
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        if any(i.codepoint == 0 for i in infos):
            # WeasyPrint would take the letter from another font; so does the fallback.
            raise UnsupportedFont(f"{self.path.name} lacks a letter of {text!r}")
        glyphs = [i.codepoint for i in infos]
        advances = [p.x_advance / self.upem for p in positions]
        clusters = [i.cluster for i in infos]
        moved = [bool(p.x_offset or p.y_offset) for p in positions]
        if any(moved):
            self._compose(text, glyphs, advances, clusters, moved)
        return tuple(glyphs), tuple(advances), tuple(clusters)

    def _compose(self, text: str, glyphs: list, advances: list, clusters: list, moved: list) -> None:
        """A letter the font's shaping splits into a base and a mark placed apart (Noto Sans's
        "ị"): drawn as the font's own composed glyph of the letter instead, which looks the same
        and reads back as one letter."""
        index = len(glyphs) - 1
        while index >= 0:
            if not moved[index]:
                index -= 1
                continue
            start = clusters[index]
            first = last = index
            while first and clusters[first - 1] == start:
                first -= 1
            while last + 1 < len(glyphs) and clusters[last + 1] == start:
                last += 1
            end = min((c for c in clusters if c > start), default=len(text))
            letter = text[start:end]
            composed = self.cmap.get(ord(letter)) if len(letter) == 1 else None
            if composed is None:
                raise UnsupportedFont(f"{self.path.name}: a mark placed apart in {letter!r}")
            glyphs[first:last + 1] = [composed]
            advances[first:last + 1] = [sum(advances[first:last + 1])]
            clusters[first:last + 1] = [start]
            moved[first:last + 1] = [False]
            index = first - 1


@cache
def load_face(path: Path) -> Face:
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        if "glyf" not in font:
            raise UnsupportedFont(f"{path.name} has no TrueType outlines")
        upem = font["head"].unitsPerEm
        order = font.getGlyphOrder()
        metrics = font["hmtx"].metrics
        advances = [metrics[name][0] / upem for name in order]
        cmap = {code: font.getGlyphID(name) for code, name in font.getBestCmap().items()}
    hb_face = hb.Face(hb.Blob.from_file_path(str(path)))
    hb_font = hb.Font(hb_face)
    hb_font.scale = (upem, upem)
    # Pango takes the line's ascent and descent from HarfBuzz's extents (hhea, or OS/2 typo metrics).
    extents = hb_font.get_font_extents("ltr")
    return Face(path, upem, extents.ascender / upem, -extents.descender / upem, advances, hb_font, cmap)


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph in one face and colour; ``keep`` forbids line breaks inside it."""

    text: str
    face: Path
    colour: tuple[float, float, float]
    keep: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A block of text as CSS sets it: size (pt), line-height, letter-spacing (pt), alignment."""

    spans: tuple[Span, ...]
    size: float
    line_height: float
    align: str = "center"
    letter_spacing: float = 0.0
    margin_bottom: float = 0.0  # mm


@dataclass
class Piece:
    """Shaped glyphs of one span inside one word."""

    face: Face
    colour: tuple[float, float, float]
    text: str
    glyphs: tuple[int, ...]
    advances: tuple[float, ...]  # mm
    clusters: tuple[int, ...]
    codes: tuple[int, ...]  # the CID that draws each glyph (see FontSet)

    @property
    def width(self) -> float:
        return sum(self.advances)


def _words(paragraph: Paragraph) -> list[list[tuple[str, Span]]]:
    """The paragraph's words (between break opportunities), each a list of (text, span) with
    its trailing space, white space collapsed as CSS does."""
    chars: list[tuple[str, Span]] = []
    for span in paragraph.spans:
        for char in _SPACES.sub(" ", span.text):
            if char == " " and (not chars or chars[-1][0] == " "):
                continue
            chars.append((char, span))
    while chars and chars[-1][0] == " ":
        chars.pop()
    words: list[list[tuple[str, Span]]] = [[]]
    for index, (char, span) in enumerate(chars):
        words[-1].append((char, span))
        following = chars[index + 1][0] if index + 1 < len(chars) else ""
        if following and not span.keep and (char == " " or _breaks_after(char, following, index, chars)):
            words.append([])
    return [[(text, span) for text, span in _runs_of(word)] for word in words if word]


# Dashes a line may break after (Unicode line breaking: hyphens, except before a digit; en and em dashes).
_HYPHENS, _DASHES = "-\u2010", "\u2013\u2014"


def _breaks_after(char: str, following: str, index: int, chars: list) -> bool:
    if following == " " or index == 0 or chars[index - 1][0] == " ":
        return False
    return char in _DASHES or (char in _HYPHENS and not following.isdigit())


def _runs_of(chars: list[tuple[str, Span]]) -> Iterable[tuple[str, Span]]:
    text, current = "", None
    for char, span in chars:
        if current is not None and (span.face, span.colour) != (current.face, current.colour):
            yield text, current
            text = ""
        text, current = text + char, span
    if text:
        yield text, current


def _shape_word(fonts: FontSet, word: list[tuple[str, Span]], size_mm: float, spacing_mm: float) -> list[Piece]:
    pieces = []
    for text, span in word:
        face = load_face(span.face)
        glyphs, advances, clusters, codes = fonts.shape(face, text)
        pieces.append(Piece(face, span.colour, text, glyphs,
                            tuple(a * size_mm + spacing_mm for a in advances), clusters, codes))
    return pieces


def _trailing_space(pieces: list[Piece]) -> float:
    last = pieces[-1]
    return last.advances[-1] if last.text.endswith(" ") else 0.0


@dataclass
class Line:
    pieces: list[Piece]
    width: float  # mm, without the trailing space


def wrap(fonts: FontSet, paragraph: Paragraph, width_mm: float, zoom: float = 1.0) -> list[Line]:
    """The paragraph broken greedily at spaces into lines no wider than ``width_mm``
    (a word wider than the box stays whole and overflows, as in the browser)."""
    size_mm = paragraph.size * zoom / PT_PER_MM
    spacing_mm = paragraph.letter_spacing * zoom / PT_PER_MM
    lines: list[Line] = []
    current: list[Piece] = []
    used = 0.0  # width of current, trailing space included
    for word in _words(paragraph):
        pieces = _shape_word(fonts, word, size_mm, spacing_mm)
        width = sum(p.width for p in pieces)
        if current and used + width - _trailing_space(pieces) > width_mm + 1e-6:
            lines.append(_line(current, used))
            current, used = [], 0.0
        current += pieces
        used += width
    if current:
        lines.append(_line(current, used))
    return lines


def _line(pieces: list[Piece], width: float) -> Line:
    """A line without the space it broke at (not drawn, as in the browser)."""
    last = pieces[-1]
    if last.text.endswith(" "):
        width -= last.advances[-1]
        pieces = pieces[:-1] + [Piece(last.face, last.colour, last.text[:-1], last.glyphs[:-1],
                                      last.advances[:-1], last.clusters[:-1], last.codes[:-1])]
    return Line(pieces, width)


class FontSet:
    """The faces a PDF's texts use, each to be embedded once with the glyphs drawn; ``family``
    names them in the PDF, as WeasyPrint does with the stylesheet's family.

    A glyph is drawn by a CID (character code) that also says what text it stands for: its
    glyph id, unless the same glyph already stands for another text (Noto Sans draws "ị" as
    the "i" of "Hội" and a dot below it), when it gets a CID of its own past the font's glyphs
    and the CIDToGIDMap leads that CID to it.
    """

    def __init__(self, family: str):
        self.family = family
        self.names: dict[Path, str] = {}
        self.used: dict[Path, dict[int, tuple[int, str]]] = {}  # CID → (glyph id, text)
        self.codes: dict[Path, dict[tuple[int, str], int]] = {}
        # A batch's names, units and titles repeat: each (face, word) is shaped once per PDF.
        self.shaped: dict[tuple[Path, str], tuple] = {}

    def shape(self, face: Face, text: str) -> tuple:
        """``face.shape(text)`` and the CIDs that draw its glyphs."""
        key = (face.path, text)
        known = self.shaped.get(key)
        if known is None:
            shaped = face.shape(text)
            known = self.shaped[key] = (*shaped, self._encode(face, text, shaped[0], shaped[2]))
        return known

    def name(self, face: Face) -> str:
        if face.path not in self.names:
            self.names[face.path] = f"/T{len(self.names)}"
            self.used[face.path], self.codes[face.path] = {}, {}
        return self.names[face.path]

    def _encode(self, face: Face, text: str, glyphs: tuple, clusters: tuple) -> tuple[int, ...]:
        """The CID of each glyph: the first glyph of a cluster reads as the cluster's text (a
        ligature as its letters, a letter and its mark as the letter), the others as nothing."""
        self.name(face)
        used, codes = self.used[face.path], self.codes[face.path]
        result = []
        for index, glyph in enumerate(glyphs):
            start = clusters[index]
            if index and clusters[index - 1] == start:
                meaning = ""
            else:
                ends = [c for c in clusters if c > start]
                meaning = text[start:min(ends)] if ends else text[start:]
            code = codes.get((glyph, meaning))
            if code is None:
                code = glyph if glyph not in used else max(len(face.advances), *used) + 1
                codes[(glyph, meaning)] = code
                used[code] = (glyph, meaning)
            result.append(code)
        return tuple(result)

    def embed(self, pdf) -> dict:
        """The /Font resources dictionary for ``pdf`` (a pikepdf.Pdf)."""
        from pikepdf import Dictionary

        return Dictionary({name: embed_font(pdf, load_face(path), self.used[path], self.family)
                           for path, name in self.names.items()})


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def draw_lines(fonts: FontSet, lines: Sequence[Line], paragraph: Paragraph, left_mm: float, top_mm: float,
               width_mm: float, page_height_pt: float, zoom: float = 1.0) -> tuple[list[str], float]:
    """Content stream operators drawing ``lines`` from ``top_mm`` (its first line box's top) in a
    box ``left_mm`` + ``width_mm``; returns them and the height taken (mm, margin included)."""
    size_mm = paragraph.size * zoom / PT_PER_MM
    line_mm = size_mm * paragraph.line_height
    ops: list[str] = []
    top = top_mm
    for line in lines:
        ascent = max(p.face.ascent for p in line.pieces)
        descent = max(p.face.descent for p in line.pieces)
        baseline = top + (line_mm - (ascent + descent) * size_mm) / 2 + ascent * size_mm
        if paragraph.align == "center":
            x = left_mm + (width_mm - line.width) / 2
        elif paragraph.align == "right":
            x = left_mm + width_mm - line.width
        else:
            x = left_mm
        ops.append(_draw_line(fonts, line, x, baseline, paragraph, page_height_pt, zoom))
        top += line_mm
    return ops, top - top_mm + paragraph.margin_bottom * zoom


def _draw_line(fonts: FontSet, line: Line, x_mm: float, baseline_mm: float, paragraph: Paragraph,
               page_height_pt: float, zoom: float) -> str:
    size_pt = paragraph.size * zoom
    y = page_height_pt - baseline_mm * PT_PER_MM
    parts = ["BT"]
    colour = None
    x = x_mm
    current = None  # the face of the open TJ array
    items: list[str] = []
    size_mm = size_pt / PT_PER_MM
    for piece in line.pieces:
        if piece.colour != colour or piece.face is not current:
            if items:
                parts.append("[" + " ".join(items) + "] TJ")
                items = []
            if piece.colour != colour:
                colour = piece.colour
                parts.append(" ".join(_number(c) for c in colour) + " rg")
            current = piece.face
            parts.append(f"{fonts.name(piece.face)} {_number(size_pt)} Tf")
            parts.append(f"1 0 0 1 {_number(x * PT_PER_MM)} {_number(y)} Tm")
        for glyph, code, advance in zip(piece.glyphs, piece.codes, piece.advances):
            # TJ moves each glyph by its width in the font (/W); the shaped advance may differ (kerning).
            adjust = (piece.face.advances[glyph] - advance / size_mm) * 1000
            items.append(f"<{code:04x}>")
            if abs(adjust) > 0.05:
                items.append(_number(adjust))
        x += piece.width
    if items:
        parts.append("[" + " ".join(items) + "] TJ")
    parts.append("ET")
    return "\n".join(parts)


def _font_name(font, family: str) -> str:
    """The face's name as WeasyPrint writes it ("Noto-Serif-Bold-Italic")."""
    names = font["name"]
    style = names.getDebugName(17) or names.getDebugName(2) or ""
    name = family if style in ("", "Regular") else f"{family} {style}"
    return re.sub(r"[^A-Za-z0-9-]", "-", name.replace(" ", "-"))


def _tag(glyphs: Iterable[int]) -> str:
    """A subset's six-letter name prefix, the same for the same glyphs (PDF 9.6.4)."""
    digest = hashlib.sha256(",".join(map(str, sorted(glyphs))).encode()).digest()
    return "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])


def _to_unicode(used: dict[int, tuple[int, str]]) -> bytes:
    entries = [(code, text) for code, (_glyph, text) in sorted(used.items())]
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for code, text in chunk:
            lines.append(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


# Tables a PDF viewer does not read: the shaping is done, the glyphs are placed.
DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "STAT", "DSIG", "kern", "gasp")


def _font_file(face: Face, glyphs: Iterable[int]) -> bytes:
    """The face cut down to ``glyphs`` by HarfBuzz's subsetter, glyph ids kept (they are the CIDs)."""
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.glyph_set.update(sorted({0, *glyphs}))
    request.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    request.drop_table_tag_set.update(int.from_bytes(tag.ljust(4).encode(), "big") for tag in DROPPED_TABLES)
    return hb.subset(face.hb_font.face, request).blob.data


@cache
def _described(path: Path, family: str) -> tuple[str, dict]:
    """The face's PDF name and its font descriptor's numbers."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        head, post, os2 = font["head"], font["post"], font["OS/2"] if "OS/2" in font else None
        scale = 1000 / head.unitsPerEm
        return _font_name(font, family), dict(
            bbox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
            italic=float(post.italicAngle),
            cap=round((getattr(os2, "sCapHeight", 0) or head.yMax * 0.7) * scale),
            bold=bool(os2 and os2.usWeightClass >= 600),
        )


def embed_font(pdf, face: Face, used: dict[int, tuple[int, str]], family: str):
    """A Type0 font with Identity-H encoding for ``face``, holding the glyphs in ``used``
    (CID → glyph id and the text it reads as)."""
    from pikepdf import Array, Dictionary, Name, Stream

    data = _font_file(face, (glyph for glyph, _text in used.values()))
    base, described = _described(face.path, family)
    base_font = Name(f"/{_tag(used)}+{base}")
    stream = Stream(pdf, data)
    stream.Length1 = len(data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=base_font,
        Flags=(1 << 1) | (1 << 5) | ((1 << 6) if described["italic"] else 0),
        FontBBox=Array(described["bbox"]), ItalicAngle=described["italic"],
        Ascent=round(face.ascent * 1000), Descent=-round(face.descent * 1000),
        CapHeight=described["cap"], StemV=120 if described["bold"] else 80,
        FontFile2=pdf.make_indirect(stream),
    )
    widths = Array()
    for code in sorted(used):
        widths.append(code)
        widths.append(Array([round(face.advances[used[code][0]] * 1000, 3)]))
    if all(code == glyph for code, (glyph, _text) in used.items()):
        cid_to_gid = Name.Identity
    else:
        glyph_of = [0] * (max(used) + 1)
        for code, (glyph, _text) in used.items():
            glyph_of[code] = glyph
        cid_to_gid = pdf.make_indirect(Stream(pdf, b"".join(g.to_bytes(2, "big") for g in glyph_of)))
    cid_font = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=base_font,
        CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), W=widths, CIDToGIDMap=cid_to_gid,
    )
    font = Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=base_font, Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cid_font)]),
        ToUnicode=pdf.make_indirect(Stream(pdf, _to_unicode(used))),
    )
    return pdf.make_indirect(font)
