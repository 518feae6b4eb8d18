"""The CSV and XLSX files the app writes: every cell neutralized, so a spreadsheet never runs one.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before them) is a formula to Excel and LibreOffice: a title typed as
``=HYPERLINK(...)`` would run on the organizer's machine. ``safe_cell`` puts
an apostrophe before such text, which spreadsheets show as the text itself.
Every writer goes through ``csv_text`` or ``xlsx_bytes`` (or ``safe_cell``).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a cell that is never a formula: text that would start one gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralized(value: str) -> str:
    """A cell as ``safe_cell`` found it: what the app wrote reads back as it was typed."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_csv_rows(out, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``header`` and ``rows`` as CSV to the text stream ``out``, cells neutralized."""
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    write_csv_rows(out, header, rows)
    return out.getvalue()


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[object]],
               widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook (bold, frozen header row), cells neutralized; written as it streams."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths, start=1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(number)].width = width
    bold = Font(bold=True)
    titles = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for row in rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    value = safe_cell(value)
    if isinstance(value, str):
        # Control characters other than tab and line breaks are not allowed in a sheet's XML.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value
