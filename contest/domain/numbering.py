"""Certificate numbers from an organizer's format string such as ``{seq:02d}/GCN-BTC``."""
from __future__ import annotations

import enum
import string

FIELDS = ("seq", "year")
# The width of Certificate.number; a longer number could not be stored.
MAX_LENGTH = 100
# Numbers are checked up to this sequence number (more certificates than any contest issues).
LARGEST_SEQ = 99_999


class FormatProblem(enum.StrEnum):
    """What is wrong with a number format; other layers word it in the reader's language."""

    MALFORMED = "malformed"
    POSITIONAL = "positional"
    UNKNOWN_FIELDS = "unknown_fields"
    NO_SEQ = "no_seq"
    NESTED = "nested"
    SAME_NUMBER = "same_number"
    TOO_LONG = "too_long"


# The English message of each problem; {format} is the format as Python writes it ('x').
MESSAGES = {
    FormatProblem.MALFORMED: "{format}: {detail}",
    FormatProblem.POSITIONAL: "{format}: positional field {{}}; use {{seq}} and {{year}}",
    FormatProblem.UNKNOWN_FIELDS: "{format}: unknown field(s) {fields}; use {{seq}} and {{year}}",
    FormatProblem.NO_SEQ: "{format} must contain {{seq}}, e.g. {{seq:02d}}/GCN-BTC",
    FormatProblem.NESTED: "{format}: a field inside a format specification is not allowed",
    FormatProblem.SAME_NUMBER: "{format} gives the same number to every certificate",
    FormatProblem.TOO_LONG: "{format} makes numbers longer than {limit} characters",
}


class NumberFormatError(ValueError):
    """The number format cannot produce distinct certificate numbers.

    ``problem`` says what is wrong and ``details`` holds the values its message
    names (detail, fields, limit); str() is the English message.
    """

    def __init__(self, problem: FormatProblem, fmt: str, **details: str | int):
        self.problem, self.format, self.details = problem, fmt, details
        super().__init__(MESSAGES[problem].format(format=repr(fmt), **details))


def validate_number_format(fmt: str) -> None:
    """Refuse formats that fail, use unknown fields, do not depend on ``seq`` or are too long."""
    try:
        parsed = [(name, spec) for _, name, spec, _ in string.Formatter().parse(fmt)
                  if name is not None]
    except ValueError as exc:
        raise NumberFormatError(FormatProblem.MALFORMED, fmt, detail=str(exc)) from None
    fields = {name for name, _ in parsed}
    if "" in fields:
        raise NumberFormatError(FormatProblem.POSITIONAL, fmt)
    unknown = fields - set(FIELDS)
    if unknown:
        raise NumberFormatError(FormatProblem.UNKNOWN_FIELDS, fmt, fields=", ".join(sorted(unknown)))
    if "seq" not in fields:
        raise NumberFormatError(FormatProblem.NO_SEQ, fmt)
    if any("{" in (spec or "") for _, spec in parsed):
        raise NumberFormatError(FormatProblem.NESTED, fmt)
    try:
        first, second = format_number(fmt, 1, 2022), format_number(fmt, 2, 2022)
        longest = format_number(fmt, LARGEST_SEQ, 9999)
    except (ValueError, TypeError) as exc:
        raise NumberFormatError(FormatProblem.MALFORMED, fmt, detail=str(exc)) from None
    if first == second:
        raise NumberFormatError(FormatProblem.SAME_NUMBER, fmt)
    if max(len(first), len(longest)) > MAX_LENGTH:
        raise NumberFormatError(FormatProblem.TOO_LONG, fmt, limit=MAX_LENGTH)


def format_number(fmt: str, seq: int, year: int) -> str:
    return fmt.format(seq=seq, year=year)
