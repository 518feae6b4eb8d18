"""How a certificate's texts are worded: quotation marks, the date line, names, placeholders."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from contest.domain.designs import fill, is_empty_line

if TYPE_CHECKING:
    from contest.certificates.printed import CertificateView

WORK_LABEL = "Đã có tác phẩm"
# Longer comma-separated parts are not people's names (a collective's name with a comma).
MAX_WORDS_IN_A_NAME = 5


_INNER_QUOTES = re.compile(r"[“”\"]")


def quoted(text: str) -> str:
    """“text”, with quotation marks inside it turned into ‘single’ ones."""
    opening = True

    def swap(match: re.Match) -> str:
        nonlocal opening
        char = match.group()
        if char == "“" or (char == '"' and opening):
            opening = False
            return "‘"
        opening = True
        return "’"

    return f"“{_INNER_QUOTES.sub(swap, text.strip())}”"


def date_text(day: int, month: int, year: int) -> str:
    """"ngày 05 tháng 02 năm 2022": days below 10 and months 1–2 take a zero."""
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"ngày {day_text} tháng {month_text} năm {year}"


def dateline(place: str, day: int, month: int, year: int) -> str:
    """"Hải Phòng, ngày 05 tháng 02 năm 2022"."""
    date = date_text(day, month, year)
    return f"{place}, {date}" if place else date.capitalize()


def lookup_address(verify_url: str) -> str:
    """Where to check a certificate by its number, as printed: host/verify."""
    parts = urlsplit(verify_url)
    return f"{parts.netloc}{parts.path.rsplit('/', 1)[0]}"


def recipient_names(recipient: str) -> list[str]:
    """Co-authors' names, each to be kept on one line; a collective's name as one part."""
    names = [name.strip() for name in recipient.split(",")]
    if len(names) > 1 and all(0 < len(name.split()) <= MAX_WORDS_IN_A_NAME for name in names):
        return names
    return [recipient]


def no_orphan(text: str) -> str:
    """Bind the last two words with a no-break space, so a wrapped text never ends
    with one short word alone on its line ("… của mỗi / nhà”")."""
    head, space, last = text.rpartition(" ")
    if not space or " " not in head:
        return text
    return f"{head}\u00a0{last}"


def inside_quotes(text: str) -> str:
    """``text`` ready to stand inside “…”: its own quotation marks made single."""
    return quoted(text)[1:-1]


def default_texts(contest_name: str) -> dict[str, str]:
    """The body lines of the administrative certificate, as texts with placeholders."""
    named = contest_name.strip().lower().startswith("cuộc thi")
    return {
        "preamble": "",
        "recipient": "{recipient}",
        "unit": "Đơn vị: {unit}",
        "work": f"{WORK_LABEL} “{{entry_title}}”",
        "prize": "Đạt {prize}",
        "contest": "{contest}" if named else "Cuộc thi “{contest}”",
    }


def shared_values(view: CertificateView) -> dict[str, str]:
    """The placeholders that print the same on every certificate of a kind."""
    return {"contest": unicodedata.normalize("NFC", inside_quotes(view.contest_name)),
            "date": date_text(view.day, view.month, view.year)}


def placeholder_values(view: CertificateView) -> dict[str, str]:
    """What each placeholder prints on this certificate, in NFC."""
    values = {
        "recipient": view.recipient.strip(),
        "entry_title": inside_quotes(view.entry_title),
        "prize": view.prize,
        "unit": view.unit,
        "number": view.number,
    }
    return {**shared_values(view), **{k: unicodedata.normalize("NFC", v) for k, v in values.items()}}


@dataclass(frozen=True)
class Run:
    """A piece of a printed line; ``names`` are co-authors kept each on one line."""

    text: str
    strong: bool = False
    names: tuple[str, ...] = ()


QUOTE_OPEN, QUOTE_CLOSE = "“", "”"
# Lines that may wrap, and so bind their last two words (see no_orphan).
BOUND_LINES = ("unit", "work")


def text_runs(line: str, template: str, values: dict[str, str]) -> list[Run]:
    """``template`` filled for one certificate: the entry's title (with its quotation marks)
    in bold, co-authors' names unbroken, the prize line in capitals with its diacritics."""
    if not template.strip() or is_empty_line(template, values):
        return []
    pieces = fill(template, values)
    runs: list[Run] = []
    for index, piece in enumerate(pieces):
        text = piece.text
        if piece.placeholder == "entry_title":
            # The quotation marks around the title are part of it, in bold too.
            if runs and not runs[-1].strong and runs[-1].text.endswith(QUOTE_OPEN):
                runs[-1] = Run(runs[-1].text[:-1])
                text = QUOTE_OPEN + text
            after = pieces[index + 1] if index + 1 < len(pieces) else None
            if after is not None and after.placeholder is None and after.text.startswith(QUOTE_CLOSE):
                pieces[index + 1] = type(after)(after.text[1:])
                text += QUOTE_CLOSE
            runs.append(Run(text, strong=True))
        elif piece.placeholder == "recipient":
            names = recipient_names(text)
            runs.append(Run(text, names=tuple(names) if len(names) > 1 else ()))
        elif text:
            runs.append(Run(text))
    runs = [r for r in runs if r.text]
    if line == "prize":
        runs = [Run(r.text.upper(), r.strong) for r in runs]
    if line in BOUND_LINES:
        runs = _bind_last_words(runs)
    return runs


def _bind_last_words(runs: list[Run]) -> list[Run]:
    """no_orphan over a line made of several runs."""
    whole = "".join(r.text for r in runs)
    bound = no_orphan(whole)
    if bound == whole:
        return runs
    at = bound.rindex("\u00a0")
    result, start = [], 0
    for run in runs:
        end = start + len(run.text)
        if start <= at < end and not run.names:
            cut = at - start
            run = Run(run.text[:cut] + "\u00a0" + run.text[cut + 1:], run.strong, run.names)
        result.append(run)
        start = end
    return result
