"""Assemble certificate PDFs: text strips cut into pages, each kind's design and every QR code stamped.

The design layer (frame, issuer, motto, title, signer) is the same on every
certificate of a kind: it is laid out once, kept in the PDF once as a form
XObject and drawn under each page. The texts that differ are laid out by
WeasyPrint as strips, many certificates one under the other on one tall page
(WeasyPrint's cost per page is about a third of its work on a certificate):
each certificate is its own stacking context there, so its drawing is one
``q … Q`` group of the strip's content, which becomes the content of its page.
The QR codes are drawn here as 1-bit images, one module per pixel. qpdf
(pikepdf) does the copying and writing.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class QrImage:
    """A QR code's modules, dark = 1, each row packed from the high bit, padded to a byte."""

    size: int
    bits: bytes


def qr_image(matrix: Sequence[Sequence[int]]) -> QrImage:
    size = len(matrix)
    rows = b"".join(
        int("".join("1" if m else "0" for m in row).ljust(-(-size // 8) * 8, "0"), 2)
        .to_bytes(-(-size // 8), "big")
        for row in matrix)
    return QrImage(size, rows)


@dataclass(frozen=True)
class QrPlace:
    """Where the QR code goes on the page: left and top edge and side, in millimetres (zoom applied)."""

    left: float
    top: float
    side: float


def _groups(ops: list, start: int, end: int) -> tuple[list[tuple[int, int]], list[int]]:
    """The ``q … Q`` groups directly in ops[start:end] as (first, last) indexes, and the loose ops."""
    groups, loose, depth, opened = [], [], 0, 0
    for index in range(start, end):
        op = ops[index].operator
        if op == Operator("q"):
            if depth == 0:
                opened = index
            depth += 1
        elif op == Operator("Q"):
            depth -= 1
            if depth == 0:
                groups.append((opened, index))
        elif depth == 0:
            loose.append(index)
    if depth:
        raise ValueError("unbalanced q/Q in a text strip")
    return groups, loose


def split_strip(ops: list, count: int) -> tuple[list, list[list], list]:
    """A strip's content as (prefix, one group of ops per certificate, suffix).

    The certificates' groups are the first level, going down through single
    groups, that holds ``count`` groups side by side.
    """
    start, end = 0, len(ops)
    while True:
        groups, loose = _groups(ops, start, end)
        if len(groups) == count and count > 1:
            first, last = groups[0][0], groups[-1][1]
            if any(first < i < last for i in loose):
                raise ValueError("drawing between the certificates of a text strip")
            return (ops[:first], [ops[a:b + 1] for a, b in groups], ops[last + 1:])
        if len(groups) != 1:
            raise ValueError(f"a text strip of {count} certificates has {len(groups)} groups")
        start, end = groups[0][0] + 1, groups[0][1]


def _page_content(prefix: list, group: list, suffix: list, page_height: float, row: int) -> bytes:
    """One certificate's ops, moved from row ``row`` of the strip to the top of its own page."""
    flip = prefix[0]
    a, b, c, d, e, _f = (float(x) for x in flip.operands)
    if (a, b, c, d) != (1, 0, 0, -1):
        raise ValueError("a text strip that does not start with WeasyPrint's page flip")
    moved = ContentStreamInstruction([1, 0, 0, -1, e, page_height * (row + 1)], Operator("cm"))
    return b"q\n" + pikepdf.unparse_content_stream([moved, *prefix[1:], *group, *suffix]) + b"\nQ\n"


def _qr_xobject(pdf: pikepdf.Pdf, qr: QrImage) -> pikepdf.Stream:
    image = pikepdf.Stream(pdf, zlib.compress(qr.bits, 6))
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width = image.Height = qr.size
    image.ColorSpace, image.BitsPerComponent = Name.DeviceGray, 1
    image.Decode = Array([1, 0])  # a dark module (1) is black; light ones are white
    image.Interpolate = False
    image.Filter = Name.FlateDecode
    return pdf.make_indirect(image)


def _draw(pdf: pikepdf.Pdf, content: str | bytes) -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Stream(pdf, content.encode() if isinstance(content, str) else content))


@dataclass
class _Batch:
    """A new PDF holding each design as a form XObject (``/Design<i>``), the streams that draw a
    design and the QR code, and the size of a page: what every page of a batch stands on."""

    pdf: pikepdf.Pdf
    # qpdf reads the copied streams from their source when it writes: keep the sources open.
    sources: list[pikepdf.Pdf]
    forms: list[pikepdf.Object]
    width: float
    height: float
    draw_design: list[pikepdf.Object]
    draw_qr: pikepdf.Object

    @classmethod
    def of(cls, designs: Sequence[bytes], qr_place: QrPlace) -> _Batch:
        out = pikepdf.new()
        sources = [pikepdf.open(BytesIO(design)) for design in designs]
        forms = [out.copy_foreign(source.pages[0].as_form_xobject()) for source in sources]
        width, height = (float(x) for x in sources[0].pages[0].mediabox[2:])
        draw_design = [_draw(out, f"q /Design{i} Do Q\n") for i in range(len(designs))]
        return cls(out, sources, forms, width, height, draw_design, _draw(out, _qr_content(qr_place, height)))

    def add_page(self, design: int, resources: Dictionary, content: bytes) -> None:
        """A page: design number ``design``, then ``content`` (the texts), then the QR code."""
        page = Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, self.width, self.height]), Resources=resources,
            Contents=Array([self.draw_design[design], _draw(self.pdf, content), self.draw_qr]),
        )
        self.pdf.pages.append(pikepdf.Page(self.pdf.make_indirect(page)))

    def saved(self) -> bytes:
        buffer = BytesIO()
        self.pdf.save(buffer)
        return buffer.getvalue()


def assemble_strips(designs: Sequence[bytes], text_parts: Sequence[bytes],
                    strip_rows: Sequence[Sequence[int]], page_designs: Sequence[int],
                    qr_codes: Sequence[QrImage], qr_place: QrPlace) -> bytes:
    """Certificate i's page: design ``page_designs[i]`` (a one-page PDF), its texts cut from
    the strips of ``text_parts`` (``strip_rows[p]``: how many certificates each strip of
    part p holds) and its QR code ``qr_codes[i]``."""
    batch = _Batch.of(designs, qr_place)
    out, height = batch.pdf, batch.height
    index = 0
    for part, rows in zip(text_parts, strip_rows):
        source = pikepdf.open(BytesIO(part))
        batch.sources.append(source)
        if index == 0 and "/Title" in source.docinfo:
            out.docinfo[Name.Title] = source.docinfo[Name.Title]
        if len(source.pages) != len(rows):
            raise ValueError(f"{len(source.pages)} text strips for {len(rows)}")
        for strip, count in zip(source.pages, rows):
            ops = pikepdf.parse_content_stream(strip)
            # The strip's fonts and graphics states, shared by the pages cut from it.
            resources = strip.obj.Resources
            if not resources.is_indirect:
                resources = source.make_indirect(resources)
            shared = {key: out.make_indirect(value)
                      if isinstance(value, Dictionary) and not value.is_indirect else value
                      for key, value in out.copy_foreign(resources).items()}
            if count == 1 and float(strip.mediabox[3]) == height:
                contents = [b"q\n" + pikepdf.unparse_content_stream(ops) + b"\nQ\n"]
            else:
                prefix, groups, suffix = split_strip(ops, count)
                contents = [_page_content(prefix, group, suffix, height, row)
                            for row, group in enumerate(groups)]
            for content in contents:
                design = page_designs[index]
                xobjects = Dictionary({f"/Design{design}": batch.forms[design],
                                       "/QR": _qr_xobject(out, qr_codes[index])})
                if "/XObject" in shared:
                    xobjects.update(shared["/XObject"])
                batch.add_page(design, Dictionary({**shared, "/XObject": xobjects}), content)
                index += 1
    if index != len(page_designs):
        raise ValueError(f"{index} text pages for {len(page_designs)} certificates")
    return batch.saved()


def assemble_pages(designs: Sequence[bytes], contents: Sequence[bytes], fonts, page_designs: Sequence[int],
                   qr_codes: Sequence[QrImage], qr_place: QrPlace, title: str = "") -> bytes:
    """Certificate i's page: design ``page_designs[i]``, the texts drawn by ``contents[i]`` (in
    the fonts of ``fonts``, a typesetting.FontSet, embedded once) and its QR code."""
    batch = _Batch.of(designs, qr_place)
    out = batch.pdf
    font_resources = out.make_indirect(fonts.embed(out))
    for content, design, qr in zip(contents, page_designs, qr_codes, strict=True):
        batch.add_page(design, Dictionary(Font=font_resources, XObject=Dictionary(
            {f"/Design{design}": batch.forms[design], "/QR": _qr_xobject(out, qr)})), content)
    if title:
        out.docinfo[Name.Title] = title
    return batch.saved()


def _qr_content(qr_place: QrPlace, height: float) -> str:
    side, x = qr_place.side * PT_PER_MM, qr_place.left * PT_PER_MM
    y = height - (qr_place.top + qr_place.side) * PT_PER_MM
    return f"q {side:.3f} 0 0 {side:.3f} {x:.3f} {y:.3f} cm /QR Do Q\n"
