"""Certificate numbers from an organizer's format string such as ``{seq:02d}/GCN-BTC``."""
from __future__ import annotations

import string

FIELDS = ("seq", "year")


class NumberFormatError(ValueError):
    """The number format cannot produce distinct certificate numbers."""


def validate_number_format(fmt: str) -> None:
    """Refuse formats that fail, use unknown fields or do not depend on ``seq``."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
    except ValueError as exc:
        raise NumberFormatError(f"{fmt!r}: {exc}") from None
    unknown = fields - set(FIELDS)
    if unknown:
        raise NumberFormatError(
            f"{fmt!r}: unknown field(s) {', '.join(sorted(unknown))}; use {{seq}} and {{year}}"
        )
    if "seq" not in fields:
        raise NumberFormatError(f"{fmt!r} must contain {{seq}}, e.g. {{seq:02d}}/GCN-BTC")
    try:
        first, second = format_number(fmt, 1, 2022), format_number(fmt, 2, 2022)
    except (ValueError, TypeError) as exc:
        raise NumberFormatError(f"{fmt!r}: {exc}") from None
    if first == second:
        raise NumberFormatError(f"{fmt!r} gives the same number to every certificate")


def format_number(fmt: str, seq: int, year: int) -> str:
    return fmt.format(seq=seq, year=year)
