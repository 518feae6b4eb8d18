"""Next year's edition of a contest: its name, address and dates a year on."""
from __future__ import annotations

import re
from datetime import datetime

_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|2[0-9]{3})(?![0-9])")


def next_edition(text: str) -> str:
    """Every year in ``text`` one later: "dvk-2022" → "dvk-2023"; text without a year is kept."""
    return _YEAR.sub(lambda m: str(int(m.group(1)) + 1), text)


def a_year_later(moment: datetime) -> datetime:
    """The same day and time a year on (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)
