"""Next year's edition of a contest: its name, address and dates a year on, its paperwork."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

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


# The `[paperwork]` of one year alone: its documents' dates and numbers, its jury's meeting.
ONE_YEARS_PAPERWORK = ("date", "decision_date", "minutes_number", "decision_number",
                       "meeting_start", "meeting_end")


def next_edition_paperwork(paperwork: dict[str, Any]) -> dict[str, Any]:
    """Who issues and signs, the jury, the meeting's place and how the workbook names the judges,
    as they were; the dates and numbers that belong to one year dropped."""
    return {key: value for key, value in paperwork.items() if key not in ONE_YEARS_PAPERWORK}
