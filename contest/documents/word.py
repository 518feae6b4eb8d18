"""An office document as DOCX (python-docx): the national heading, bold headings, real tables.

Laid out as Nghị định 30/2020/NĐ-CP asks of administrative documents: A4,
Times New Roman, margins 20 mm top and bottom, 30 mm left, 15 mm right; the
issuer top left and the nation with its motto top right. The office edits and
signs it in Word or LibreOffice.
"""
from __future__ import annotations

import io

from contest.domain.paperwork import Document, Heading, Section, Signer, Table

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
SIGNERS_PER_ROW = 2
SHORT = 12  # a column whose texts are all this short is never wrapped


def _set_font(style, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(container, text: str = "", bold: bool = False, italic: bool = False, underline: bool = False,
               align: str = "left", size: float | None = None, space_after: float = 0):
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    _style_paragraph(paragraph, text, bold=bold, italic=italic, underline=underline, align=align, size=size,
                     space_after=space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph


def _cell_text(cell, lines, **style) -> None:
    """Add lines to a table cell (its first paragraph reused while it is empty)."""
    first = len(cell.paragraphs) == 1 and not cell.paragraphs[0].text
    for line in lines:
        if first:
            paragraph = cell.paragraphs[0]
            paragraph.text = ""
            _style_paragraph(paragraph, line, **style)
            first = False
        else:
            _style_paragraph(cell.add_paragraph(), line, **style)


def _style_paragraph(paragraph, text: str, bold: bool = False, italic: bool = False, underline: bool = False,
                     align: str = "center", size: float | None = None, space_after: float = 0) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)


def _no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _heading(doc, heading: Heading) -> None:
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [Mm(68), Mm(97)])
    left, right = table.rows[0].cells
    # The superior body (all lines but the last) plain, the issuing body itself bold.
    lines = list(heading.issuer_lines)
    _cell_text(left, lines[:-1], size=12)
    _cell_text(left, lines[-1:], bold=True, size=12)
    if heading.number:
        _style_paragraph(left.add_paragraph(), f"Số: {heading.number}", size=13)
    _cell_text(right, [heading.nation], bold=True, size=12)
    _style_paragraph(right.add_paragraph(), heading.motto, bold=True, underline=True, size=13)
    _style_paragraph(right.add_paragraph(), "")
    _style_paragraph(right.add_paragraph(), heading.place_date, italic=True, size=13)


def _widths(table, widths) -> None:
    """Column widths as Word and LibreOffice both read them: the grid and every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _short_columns(table: Table) -> list[bool]:
    longest = [0] * len(table.header)
    for index, row in enumerate(table.rows):
        if index not in table.group_rows:
            longest = [max(n, len(value)) for n, value in zip(longest, row)]
    return [n <= SHORT for n in longest]


def _column_widths(table: Table, total_mm: float = 165, pt: float = TABLE_PT) -> list[float]:
    """Short columns (order, code, score, prize) as wide as their longest text, so they never
    break inside a word; the long ones (title, authors, unit) share the rest by their length."""
    per_char = pt * 0.22  # mm a character takes, roughly, in a serif font of this size
    longest = [max(len(w) for w in title.split()) for title in table.header]
    for index, row in enumerate(table.rows):
        if index in table.group_rows:
            continue
        for column, value in enumerate(row):
            longest[column] = max(longest[column], len(value))
    need = [max(10, n * per_char + 4.5) for n in longest]  # and the cell's padding
    short = _short_columns(table)
    fixed = sum(w for w, is_short in zip(need, short) if is_short)
    rest = max(total_mm - fixed, 30)
    weights = [min(n, 60) if not is_short else 0 for n, is_short in zip(longest, short)]
    if not sum(weights):
        return [total_mm * w / sum(need) for w in need]
    return [w if is_short else rest * weight / sum(weights)
            for w, is_short, weight in zip(need, short, weights)]


def _keep_together(row) -> None:
    """A signature block never breaks across two pages."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _table(doc, table: Table) -> None:
    from docx.shared import Mm, Pt

    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, table.header):
        _cell_text(cell, [title], bold=True, size=TABLE_PT)
    _repeat_header(grid.rows[0])
    short = _short_columns(table)
    for index, values in enumerate(table.rows):
        cells = grid.add_row().cells
        if index in table.group_rows:
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, [values[0]], bold=True, align="left", size=TABLE_PT)
            continue
        for cell, value, is_short in zip(cells, values, short):
            _cell_text(cell, [value], align="center" if is_short else "left", size=TABLE_PT)
    _widths(grid, [Mm(w) for w in _column_widths(table)])
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_before = Pt(2)
                paragraph.paragraph_format.space_after = Pt(2)


def _section(doc, section: Section) -> None:
    if section.heading:
        _paragraph(doc, section.heading, bold=True, space_after=4)
    for text in section.paragraphs:
        _paragraph(doc, text, align="justify", space_after=4).paragraph_format.first_line_indent = None
    if section.table:
        _table(doc, section.table)
        _paragraph(doc, "")


def _signers(doc, signers: tuple[Signer, ...]) -> None:
    """Signature blocks, two a row; a single signer on the right, as documents are signed."""
    from docx.shared import Mm

    columns = SIGNERS_PER_ROW
    rows = [signers[i:i + columns] for i in range(0, len(signers), columns)]
    table = doc.add_table(rows=0, cols=columns)
    _no_borders(table)
    for group in rows:
        row = table.add_row()
        _keep_together(row)
        cells = row.cells
        if len(group) == 1 and len(signers) == 1:
            group = (None, group[0])
        for cell, signer in zip(cells, group):
            if signer is None:
                continue
            _cell_text(cell, signer.title.splitlines(), bold=True, size=13)
            _style_paragraph(cell.add_paragraph(), "(Ký, ghi rõ họ tên)", italic=True, size=12)
            for _ in range(3):
                cell.add_paragraph()
            _style_paragraph(cell.add_paragraph(), signer.name, bold=True, size=13)
            cell.add_paragraph()
    _widths(table, [Mm(165 / columns)] * columns)


def document_docx(document: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _set_font(doc.styles["Normal"], BODY_PT)
    doc.core_properties.title = " ".join((document.title, *document.subtitles[:2]))
    doc.core_properties.language = "vi-VN"
    # A new document starts with one empty paragraph: the heading goes before it.
    doc.paragraphs[0]._element.getparent().remove(doc.paragraphs[0]._element) if doc.paragraphs else None
    _heading(doc, document.heading)
    _paragraph(doc, "")
    title = _paragraph(doc, document.title, bold=True, align="center", size=14)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in document.subtitles:
        _paragraph(doc, line, bold=not line.startswith("("), italic=line.startswith("("), align="center")
    _paragraph(doc, "")
    for part in document.sections:
        _section(doc, part)
    _signers(doc, document.signers)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
