"""Read CSV files for imports: UTF-8 (with or without a BOM), header checked."""
from __future__ import annotations

import csv
import io

from contest.text import clean


class CsvImportError(ValueError):
    """What is wrong with the file, one message per problem (line and column named)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_csv(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV (a spreadsheet's BOM is fine)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError(["the file is not UTF-8 text: save it as “CSV UTF-8”"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [clean(h) for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            raise CsvImportError([f"line {reader.line_num}: more cells than columns in the header"])
        rows.append({k: clean(v) for k, v in row.items()})
    return header, rows


def check_header(header: list[str], required: tuple[str, ...], known: tuple[str, ...] | None) -> None:
    errors = [f"missing column '{c}'" for c in required if c not in header]
    if known is not None:
        errors += [f"unknown column '{c}'" for c in header if c not in known]
    if errors:
        raise CsvImportError(errors)
