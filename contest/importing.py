"""Read CSV files for imports: UTF-8 (with or without a BOM), header checked."""
from __future__ import annotations

import csv
import io
from collections import Counter

from contest.text import clean


class CsvImportError(ValueError):
    """What is wrong with the file, one message per problem (line and column named)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_csv(raw: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a UTF-8 CSV (a spreadsheet's BOM is fine).

    The line number is where the row starts in the file, so a cell holding a
    line break does not shift the numbers in later messages.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError(["the file is not UTF-8 text: save it as “CSV UTF-8”"]) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [clean(h) for h in next(reader, [])]
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a spreadsheet's row of empty cells
            # Spreadsheets often save empty cells past the last column: those are harmless.
            if any(cell.strip() for cell in cells[len(header):]):
                raise CsvImportError([f"line {line}: more cells than columns in the header"])
            cells = cells[:len(header)] + [""] * (len(header) - len(cells))
            rows.append((line, {name: clean(cell) for name, cell in zip(header, cells)}))
    except csv.Error as exc:
        raise CsvImportError([f"line {reader.line_num}: not valid CSV ({exc})"]) from None
    return header, rows


def check_header(header: list[str], required: tuple[str, ...], known: tuple[str, ...] | None) -> None:
    errors = [f"missing column '{c}'" for c in required if c not in header]
    errors += [f"column '{c}' appears {n} times" for c, n in Counter(header).items() if n > 1]
    if known is not None:
        errors += [f"unknown column '{c}'" for c in header if c not in known]
    if errors:
        raise CsvImportError(errors)
