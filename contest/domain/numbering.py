"""Certificate numbers from an organizer's format string such as ``{seq:02d}/GCN-BTC``."""
from __future__ import annotations

import string

FIELDS = ("seq", "year")
# The width of Certificate.number; a longer number could not be stored.
MAX_LENGTH = 100
# Numbers are checked up to this sequence number (more certificates than any contest issues).
LARGEST_SEQ = 99_999


class NumberFormatError(ValueError):
    """The number format cannot produce distinct certificate numbers."""


def validate_number_format(fmt: str) -> None:
    """Refuse formats that fail, use unknown fields, do not depend on ``seq`` or are too long."""
    try:
        parsed = [(name, spec) for _, name, spec, _ in string.Formatter().parse(fmt)
                  if name is not None]
    except ValueError as exc:
        raise NumberFormatError(f"{fmt!r}: {exc}") from None
    fields = {name for name, _ in parsed}
    if "" in fields:
        raise NumberFormatError(f"{fmt!r}: positional field {{}}; use {{seq}} and {{year}}")
    unknown = fields - set(FIELDS)
    if unknown:
        raise NumberFormatError(
            f"{fmt!r}: unknown field(s) {', '.join(sorted(unknown))}; use {{seq}} and {{year}}"
        )
    if "seq" not in fields:
        raise NumberFormatError(f"{fmt!r} must contain {{seq}}, e.g. {{seq:02d}}/GCN-BTC")
    if any("{" in (spec or "") for _, spec in parsed):
        raise NumberFormatError(f"{fmt!r}: a field inside a format specification is not allowed")
    try:
        first, second = format_number(fmt, 1, 2022), format_number(fmt, 2, 2022)
        longest = format_number(fmt, LARGEST_SEQ, 9999)
    except (ValueError, TypeError) as exc:
        raise NumberFormatError(f"{fmt!r}: {exc}") from None
    if first == second:
        raise NumberFormatError(f"{fmt!r} gives the same number to every certificate")
    if max(len(first), len(longest)) > MAX_LENGTH:
        raise NumberFormatError(f"{fmt!r} makes numbers longer than {MAX_LENGTH} characters")


def format_number(fmt: str, seq: int, year: int) -> str:
    return fmt.format(seq=seq, year=year)
