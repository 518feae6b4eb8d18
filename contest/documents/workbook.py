"""The ranking workbook (XLSX): every ranked entry, each judge's totals, every counted sheet."""
from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from contest.domain.ranking_book import RankingBook
from contest.exporting import safe_cell

# Columns wider than this wrap; a title is read in a wide column, a score in a narrow one.
MAX_WIDTH = 60
MIN_WIDTH = 6
HEADER_HEIGHT = 48  # points
LINE_HEIGHT = 15  # points: one line of the default 11-point font


def _lines(value: object) -> int:
    """How many lines a value wraps onto in a column MAX_WIDTH characters wide."""
    if value is None:
        return 1
    text = str(value)
    return sum(max(1, -(-len(part) // (MAX_WIDTH - 2))) for part in text.split("\n"))


def _text(value: object) -> object:
    value = safe_cell(value)
    if isinstance(value, str):
        # Control characters other than tab and line breaks are not allowed in a sheet's XML.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value


def _fill_sheet(sheet, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([_text(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_text(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    # Room for a header wrapped onto three lines (not every spreadsheet fits the height itself).
    sheet.row_dimensions[1].height = HEADER_HEIGHT
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    wrapped: list[int] = []
    top = Alignment(vertical="top")
    for number, title in enumerate(header, 1):
        longest = max([len(str(r[number - 1])) for r in rows if r[number - 1] is not None] or [0])
        # The header wraps onto two or three lines; the values decide the width.
        width = max(MIN_WIDTH, min(MAX_WIDTH, max(longest, min(len(title), 18)) + 2))
        sheet.column_dimensions[get_column_letter(number)].width = width
        if width == MAX_WIDTH:
            wrapped.append(number)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    # A row as tall as its longest wrapped cell: not every spreadsheet (LibreOffice among
    # them) fits the height itself, and a printed list must not print lines over lines.
    for index, row in enumerate(rows, start=2):
        lines = max([_lines(row[n - 1]) for n in wrapped] or [1])
        if lines > 1:
            sheet.row_dimensions[index].height = LINE_HEIGHT * lines
            for number, cell in enumerate(sheet[index], start=1):
                if number not in wrapped:  # the row's other cells read from its top line
                    cell.alignment = top


def _print_setup(sheet) -> None:
    """Printed as an office prints a list: A4 landscape, at most two pages wide (a jury of
    seven over two rounds is 14 judges' columns: one page would shrink them past reading),
    the header row and the rank and code again on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 2
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:B"
    sheet.print_options.gridLines = True


def ranking_xlsx(book: RankingBook) -> bytes:
    """The workbook: "Xếp hạng" (one row per entry), "Phiếu chấm" (one row per sheet)."""
    from openpyxl import Workbook

    workbook = Workbook()
    ranking = workbook.active
    ranking.title = "Xếp hạng"
    _fill_sheet(ranking, book.header, book.rows)
    sheets = workbook.create_sheet("Phiếu chấm")
    _fill_sheet(sheets, book.sheet_header, book.sheet_rows)
    for sheet in (ranking, sheets):
        _print_setup(sheet)
    workbook.properties.title = book.title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
