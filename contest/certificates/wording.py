"""How a certificate's texts are worded: quotation marks, the date line, names, the contest."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

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


def dateline(place: str, day: int, month: int, year: int) -> str:
    """"Hải Phòng, ngày 05 tháng 02 năm 2022": days below 10 and months 1–2 take a zero."""
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month < 3 else str(month)
    date = f"ngày {day_text} tháng {month_text} năm {year}"
    return f"{place}, {date}" if place else date.capitalize()


def contest_line(name: str) -> str:
    name = name.strip()
    return name if name.lower().startswith("cuộc thi") else f"Cuộc thi {quoted(name)}"


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
