"""Certificate designs as plain values: texts with placeholders, paper, stock positions, Vietnamese letters."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# What a certificate's texts may name; each is replaced by the certificate's own value.
PLACEHOLDERS = ("recipient", "entry_title", "prize", "contest", "unit", "number", "date")
# Texts printed the same on every certificate of a kind may use only what is the same for all.
SHARED_PLACEHOLDERS = ("contest", "date")

# The body lines of a designed certificate, top to bottom; each is a text with placeholders.
BODY_LINES = ("preamble", "recipient", "unit", "work", "prize", "contest")

LAYOUTS = ("administrative", "centred")
PAPERS = ("A4", "A3")
ORIENTATIONS = ("landscape", "portrait")
FONTS = ("Noto Serif", "Noto Sans", "uploaded")
MODES = ("full", "stock")
ALIGNMENTS = ("left", "center", "right")
# Paper sizes in millimetres, portrait (width, height).
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}

_FIELD = re.compile(r"\{([^{}]*)\}")


class TemplateProblem(ValueError):
    """A text names a placeholder that does not exist or cannot be used there.

    ``names`` are the offending names as written (``{...}`` included); ``kind``
    is "unknown", "not_shared" or "malformed".
    """

    def __init__(self, kind: str, names: list[str]):
        self.kind, self.names = kind, names
        super().__init__(f"{kind}: {', '.join(names)}")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names of ``text`` in order; a stray brace is a TemplateProblem."""
    stray = _FIELD.sub("", text)
    if "{" in stray or "}" in stray:
        raise TemplateProblem("malformed", [text])
    return _FIELD.findall(text)


def check_text(text: str, allowed: tuple[str, ...] = PLACEHOLDERS) -> None:
    """Refuse unknown placeholders, and known ones the text may not use."""
    names = placeholders_in(text)
    unknown = [f"{{{n}}}" for n in names if n not in PLACEHOLDERS]
    if unknown:
        raise TemplateProblem("unknown", unknown)
    not_here = [f"{{{n}}}" for n in names if n not in allowed]
    if not_here:
        raise TemplateProblem("not_shared", not_here)


@dataclass(frozen=True)
class Run:
    """A piece of a filled text: literal text, or the value of ``placeholder``."""

    text: str
    placeholder: str | None = None


def fill(text: str, values: dict[str, str]) -> list[Run]:
    """``text`` with each placeholder replaced by its value, as runs (empty runs dropped)."""
    runs, position = [], 0
    for match in _FIELD.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position:match.start()]))
        value = values.get(match.group(1), match.group())
        if value:
            runs.append(Run(value, match.group(1)))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return runs


def fill_text(text: str, values: dict[str, str]) -> str:
    return "".join(run.text for run in fill(text, values))


def is_empty_line(text: str, values: dict[str, str]) -> bool:
    """A line whose placeholders are all empty (no unit, say) is left out, not printed half."""
    names = _FIELD.findall(text)
    return bool(names) and not any(values.get(n) for n in names)


def page_size_mm(paper: str, orientation: str) -> tuple[float, float]:
    """(width, height) of the sheet as it is printed."""
    width, height = PAPER_MM[paper]
    return (height, width) if orientation == "landscape" else (width, height)


@dataclass(frozen=True)
class StockField:
    """One variable text printed on pre-printed stock: its text and where it goes (mm)."""

    text: str
    x: float
    y: float  # the top of the line box, from the top of the sheet
    width: float
    size: float = 13.0  # pt
    align: str = "center"
    bold: bool = False
    italic: bool = False



def stock_problems(field: StockField, page: tuple[float, float]) -> list[str]:
    """What makes a stock field unprintable on a sheet of ``page`` (width, height) mm."""
    problems = []
    if field.align not in ALIGNMENTS:
        problems.append("align")
    if not 0 < field.width or field.x < 0 or field.x + field.width > page[0]:
        problems.append("width")
    if field.y < 0 or field.y > page[1]:
        problems.append("y")
    if not 4 <= field.size <= 72:
        problems.append("size")
    return problems


# Every letter of Vietnamese, lower and upper case, precomposed (NFC): the six tones on the
# twelve vowels, and đ.
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def vietnamese_letters() -> str:
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in _VOWELS:
        for tone in _TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    letters |= {letter.upper() for letter in letters}
    return "".join(sorted(letters))


VIETNAMESE_LETTERS = vietnamese_letters()


def missing_characters(text: str, has: set[int]) -> list[str]:
    """The printable characters of ``text`` that a font with code points ``has`` lacks."""
    seen: list[str] = []
    for char in text:
        if char.isspace() or unicodedata.category(char).startswith("C"):
            continue
        if ord(char) not in has and char not in seen:
            seen.append(char)
    return seen
