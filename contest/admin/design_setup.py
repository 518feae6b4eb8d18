"""The certificate design keys of a settings file: a document's layout, paper, font, texts and
stock positions, and the office's [[printers]]."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from contest.certificates.designs import TEXT_LINES, check_design

DESIGN_KEYS = ("layout", "paper", "orientation", "font", "mode")
STOCK_KEYS = {"text", "x", "y", "width", "size", "align", "bold", "italic"}
DESIGN_PROBLEM = _l("%(field)s: %(problem)s")
FILE_FONT = _l("%(field)s must be \"Noto Serif\" or \"Noto Sans\" (upload other fonts on the design page)")
NOT_A_TEXT_TABLE = _l("%(field)s must be a table of texts: recipient, unit, work, prize, contest")
NOT_STOCK = _l("%(field)s must be a list of tables with text, x, y, width and optionally size, align, bold, italic")
NOT_AN_OFFSET = _l("%(field)s must be a number of millimetres between -50 and 50 with up to two decimals")


def read_design(row: dict, where, read) -> dict[str, Any] | None:
    """A [[documents]] row's design values (checked like the design page's), or None when it sets none."""
    design: dict[str, Any] = {k: row[k] for k in DESIGN_KEYS if k in row}
    if "font" in design and design["font"] not in ("Noto Serif", "Noto Sans"):
        read.problem(FILE_FONT, where, "font")
        design.pop("font")
    texts = row.get("texts")
    if texts is not None:
        if not isinstance(texts, dict) or not all(k in TEXT_LINES and isinstance(v, str) for k, v in texts.items()):
            read.problem(NOT_A_TEXT_TABLE, where, "texts")
        else:
            design["texts"] = texts
    stock = row.get("stock")
    if stock is not None:
        fields = _stock_fields(stock)
        if fields is None:
            read.problem(NOT_STOCK, where, "stock")
        else:
            design["stock_fields"] = fields
    if not design:
        return None
    for key, message in check_design(design).items():
        read.problem(DESIGN_PROBLEM, where, key.replace("text_", "texts.").replace("-", "."),
                     problem=str(message))
    return design


def _stock_fields(rows: Any) -> list[dict] | None:
    if not isinstance(rows, list) or not all(isinstance(r, dict) and set(r) <= STOCK_KEYS for r in rows):
        return None
    fields = []
    for r in rows:
        numbers = [r.get(k, 13 if k == "size" else None) for k in ("x", "y", "width", "size")]
        if not isinstance(r.get("text"), str) or not all(
                isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
            return None
        fields.append(dict(text=r["text"], x=float(numbers[0]), y=float(numbers[1]), width=float(numbers[2]),
                           size=float(numbers[3]), align=r.get("align", "center"),
                           bold=bool(r.get("bold", False)), italic=bool(r.get("italic", False))))
    return fields


def read_printers(data: dict, read) -> list[tuple[str, Decimal, Decimal]] | None:
    """The [[printers]] list (name, offset_x, offset_y in mm), or None when the file has none."""
    rows = data.get("printers")
    if rows is None:
        return None
    printers = []
    for i, r in enumerate(rows if isinstance(rows, list) else [], 1):
        where = ("printers", i)
        name = read.text(r, "name", where, limit=100) if isinstance(r, dict) else ""
        offsets = []
        for key in ("offset_x", "offset_y"):
            value = r.get(key, 0) if isinstance(r, dict) else None
            try:
                number = Decimal(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            except InvalidOperation:
                number = None
            if number is None or abs(number) > 50 or number != number.quantize(Decimal("0.01")):
                read.problem(NOT_AN_OFFSET, where, key)
                number = Decimal(0)
            offsets.append(number)
        printers.append((name, *offsets))
    return printers
