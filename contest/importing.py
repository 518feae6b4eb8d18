"""Read the tables imports come in: CSV (encoding and separator found) or XLSX; the header checked.

Problems are worded lazily, so a page shows them in its language and the
command line (under ``force_locale("en")``) in English.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from contest.exporting import unneutralized
from contest.text import clean

# Control characters no one types into a cell: a cell may hold tabs and line breaks, nothing else.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1258": "Windows-1258"}
SEPARATOR_NAMES = {",": _l("commas"), ";": _l("semicolons")}


class CsvImportError(ValueError):
    """What is wrong with the file, one message per problem (line or row, and column, named)."""

    def __init__(self, errors: list[object]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Where:
    """A row of the file: its line in a CSV, or its sheet and row in a workbook."""

    line: int = 0
    sheet: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            return str(_l("sheet '%(sheet)s', row %(row)s", sheet=self.sheet, row=self.line))
        return str(_l("line %(line)s", line=self.line))


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row, without a column), worded when shown."""

    where: Where
    column: str | None
    message: object

    def __str__(self) -> str:
        if self.column is None:
            return str(_l("%(where)s: %(problem)s", where=self.where, problem=self.message))
        return str(_l("%(where)s, column '%(column)s': %(problem)s", where=self.where,
                      column=self.column, problem=self.message))


@dataclass
class Table:
    """A file's header and rows, and how it was read (shown in the preview and in errors)."""

    header: list[str]
    rows: list[tuple[Where, dict[str, str]]]
    encoding: str | None = None     # None for a workbook
    separator: str | None = None

    def described(self) -> str:
        if self.encoding is None:
            return str(_l("an Excel workbook"))
        return str(_l("%(encoding)s text, columns separated by %(separator)s",
                      encoding=ENCODING_NAMES[self.encoding], separator=SEPARATOR_NAMES[self.separator]))


def read_table(raw: bytes, filename: str) -> Table:
    """The table in ``raw``: an ``.xlsx`` workbook's first sheet, else CSV text."""
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(raw)
    return read_csv(raw)


def decode_text(raw: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (BOM or not), UTF-16 (BOM or not), else Windows-1258.

    Windows-1258 is what Excel saves a CSV in on a Vietnamese Windows; its
    tone marks are combining characters, which ``clean`` composes (NFC).
    """
    if raw.startswith(b"PK\x03\x04"):
        raise CsvImportError([_l("the file is an Excel workbook: give it the extension .xlsx")])
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        sample = raw[:4000]
        half = len(sample) // 2
        if half and sample[1::2].count(0) > half // 2:
            encoding = "utf-16-le"
        elif half and sample[0::2].count(0) > half // 2:
            encoding = "utf-16-be"
        else:
            try:
                return raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                not_utf8 = exc.start
            try:
                return raw.decode("cp1258"), "cp1258"
            except UnicodeDecodeError:
                # Neither: name the first byte that is not UTF-8, where the user will look.
                raise _undecodable(raw, not_utf8, _l("UTF-8 or Windows-1258")) from None
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise _undecodable(raw, exc.start, ENCODING_NAMES[encoding]) from None


def _undecodable(raw: bytes, position: int, encoding: object) -> CsvImportError:
    return CsvImportError([_l(
        "the file cannot be read as %(encoding)s text (line %(line)s, byte %(byte)s): "
        "save it as “CSV UTF-8”", encoding=encoding, line=raw[:position].count(b"\n") + 1,
        byte=f"0x{raw[position]:02X}")])


def _separator(text: str) -> str:
    """A comma or a semicolon, whichever the header line (outside quotes) has more of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", first)
    return ";" if outside.count(";") > outside.count(",") else ","


def read_csv(raw: bytes) -> Table:
    """Header and (line number, row) pairs of a CSV in any of the encodings ``decode_text`` knows.

    The line number is where the row starts in the file, so a cell holding a
    line break does not shift the numbers in later messages.
    """
    text, encoding = decode_text(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [clean(h) for h in next(reader, [])]
        found = []
        start = reader.line_num + 1
        for cells in reader:
            where, start = Where(start), reader.line_num + 1
            found.append((where, cells))
    except csv.Error as exc:
        raise CsvImportError([Problem(Where(reader.line_num), None,
                                      _l("not valid CSV (%(reason)s)", reason=str(exc)))]) from None
    table = Table(header, [], encoding, separator)
    table.rows = _rows(header, found)
    return table


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A spreadsheet keeps 46.5 as a float; its shortest repr is what was typed.
        return repr(value) if not value.is_integer() else str(int(value))
    return clean(str(value))


def read_xlsx(raw: bytes) -> Table:
    """Header and rows of a workbook's first sheet; rows named "sheet 'Điểm', row 3"."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise CsvImportError([_l("the file is not an Excel workbook (.xlsx)")]) from None
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(cells, ())]
        while header and not header[-1]:
            header.pop()
        found = [(Where(number, sheet.title), [_cell(v) for v in values])
                 for number, values in enumerate(cells, start=2)]
    finally:
        book.close()
    return Table(header, _rows(header, found))


def _rows(header: list[str], found: list[tuple[Where, list[str]]]) -> list[tuple[Where, dict[str, str]]]:
    """Rows as {column: cleaned cell}, blank rows dropped; stray cells and control characters refused."""
    rows, problems = [], []
    for where, cells in found:
        if not any(str(cell).strip() for cell in cells):
            continue  # a blank line, or a spreadsheet's row of empty cells
        # Spreadsheets often save empty cells past the last column: those are harmless.
        if any(str(cell).strip() for cell in cells[len(header):]):
            raise CsvImportError([Problem(where, None, _l("more cells than columns in the header"))])
        cells = list(cells[:len(header)]) + [""] * (len(header) - len(cells))
        # A cell the app neutralized on export ("'=…") reads back as it was typed.
        row = {name: unneutralized(clean(cell)) for name, cell in zip(header, cells)}
        problems += [Problem(where, name, _l("a control character (such as NUL) in the cell"))
                     for name, value in row.items() if CONTROL_CHARACTERS.search(value)]
        rows.append((where, row))
    if problems:
        raise CsvImportError(problems)
    return rows


def check_header(table: Table, required: tuple[str, ...], known: tuple[str, ...] | None) -> None:
    header = table.header
    errors: list[object] = [_l("missing column '%(column)s'", column=c) for c in required if c not in header]
    errors += [_l("column '%(column)s' appears %(times)s times", column=c, times=n)
               for c, n in Counter(header).items() if n > 1]
    if known is not None:
        errors += [_l("unknown column '%(column)s'", column=c) for c in header if c not in known]
    if errors:
        errors.append(_l("(the file was read as %(how)s; its header: %(header)s)",
                         how=table.described(), header=" | ".join(header) or "—"))
        raise CsvImportError(errors)

