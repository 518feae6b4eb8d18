"""Every cell the app writes into a CSV or XLSX file is text or a number, never a formula."""
from __future__ import annotations

import csv
import io

import pytest

from contest.exporting import csv_text, safe_cell, unneutralized, xlsx_bytes

DANGEROUS = ['=1+2', '=HYPERLINK("http://evil.example","x")', "+84 912 345 678", "-2+3", "@SUM(A1:A9)",
             "\t=1+2", "\r=1+2"]
HARMLESS = ["Nguyễn Thị Thuỳ Dương", "DVK-0012", "1+1", "a=b", "", "'quoted", " =spaced"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_a_formula_is_neutralized(text):
    assert safe_cell(text) == "'" + text
    assert unneutralized(safe_cell(text)) == text


@pytest.mark.parametrize("value", [*HARMLESS, 46.5, -3, 0, None])
def test_other_cells_are_kept_as_they_are(value):
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert unneutralized(value) == value


def test_csv_cells_are_neutralized():
    text = csv_text(["title", "score"], [[t, -1.5] for t in DANGEROUS])
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in DANGEROUS]
    assert {r[1] for r in rows[1:]} == {"-1.5"}


def test_xlsx_cells_are_text_or_numbers_never_formulas():
    from openpyxl import load_workbook

    raw = xlsx_bytes("Tác phẩm", ["=title", "score"], [[t, -1.5] for t in [*DANGEROUS, *HARMLESS]])
    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A1"].value == "'=title"
    assert [sheet.cell(row=n, column=1).value for n in range(2, 2 + len(DANGEROUS))] == \
        ["'" + t for t in DANGEROUS]
    assert sheet["B2"].value == -1.5
