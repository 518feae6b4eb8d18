"""Who a certificate names, and the recognition-list lines an organizer types or imports."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Column widths of Recipient (a longer text could not be stored).
NAME_LIMIT = 300
UNIT_LIMIT = 300
REASON_LIMIT = 1000
COLUMNS = ("name", "kind", "unit", "reason")
# How the kind column may be written, in either language, any case.
KIND_WORDS = {
    "individual": False, "cá nhân": False, "ca nhan": False, "": False,
    "collective": True, "tập thể": True, "tap the": True,
}


def names_on_certificates(authors: list[str], organization: str, per_author: bool) -> list[str]:
    """The recipient line of each certificate for one entry: all its authors on one,
    or one certificate per author; an entry without authors is its organization's."""
    names = [name for name in authors if name.strip()] or [organization]
    return names if per_author else [", ".join(names)]


@dataclass(frozen=True)
class RecipientLine:
    """One checked line of a recognition list."""

    name: str
    collective: bool
    unit: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Two lines with the same key would print the same document."""
        return (self.name.casefold(), self.unit.casefold(), self.reason.casefold())


@dataclass(frozen=True)
class LineProblem:
    """What is wrong in one line: ``where`` (e.g. "line 3"), the column, and the problem
    (missing, too_long, unknown_kind, repeated); ``value`` is what was given."""

    where: str
    column: str
    problem: str
    value: str = ""
    limit: int = 0


def check_recipient_lines(rows: list[tuple[str, dict[str, str]]]) -> tuple[list[RecipientLine], list[LineProblem]]:
    """Every row checked; the lines are usable only when there is no problem."""
    lines: list[RecipientLine] = []
    problems: list[LineProblem] = []
    seen: dict[tuple[str, str, str], str] = {}
    for where, row in rows:
        name = unicodedata.normalize("NFC", " ".join(row.get("name", "").split()))
        unit = unicodedata.normalize("NFC", " ".join(row.get("unit", "").split()))
        reason = unicodedata.normalize("NFC", " ".join(row.get("reason", "").split()))
        kind = " ".join(row.get("kind", "").split()).casefold()
        bad = False
        if not name:
            problems.append(LineProblem(where, "name", "missing"))
            bad = True
        for column, text, limit in (("name", name, NAME_LIMIT), ("unit", unit, UNIT_LIMIT),
                                    ("reason", reason, REASON_LIMIT)):
            if len(text) > limit:
                problems.append(LineProblem(where, column, "too_long", limit=limit))
                bad = True
        if kind not in KIND_WORDS:
            problems.append(LineProblem(where, "kind", "unknown_kind", value=row.get("kind", "")))
            bad = True
        if bad:
            continue
        line = RecipientLine(name, KIND_WORDS[kind], unit, reason)
        if line.key in seen:
            problems.append(LineProblem(where, "name", "repeated", value=seen[line.key]))
            continue
        seen[line.key] = where
        lines.append(line)
    return lines, problems
