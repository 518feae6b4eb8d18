"""The `[paperwork]` table of a settings file: who issues and signs the office's documents, the
jury's meeting and members. Kept on the contest as plain JSON values."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

PAPERWORK = ("paperwork", None)
TEXT_KEYS = {"issuer": 1000, "place": 100, "signer_title": 300, "signer_name": 200,
             "meeting_place": 300, "minutes_number": 100, "decision_number": 100}
DATE_KEYS = ("date", "decision_date")
MOMENT_KEYS = ("meeting_start", "meeting_end")
KNOWN = {*TEXT_KEYS, *DATE_KEYS, *MOMENT_KEYS, "judges_named", "jury"}
NOT_A_TABLE = _l("%(field)s must be a table")
UNKNOWN_KEYS = _l("%(field)s: unknown key(s) %(keys)s")
NOT_A_LOCAL_MOMENT = _l("%(field)s must be a local date-time such as 2022-12-15T08:30:00")
NOT_A_JURY = _l("%(field)s must be a list of tables with a name and a role")
ENDS_BEFORE_START = _l("%(field)s must be after 'meeting_start'")


def read_paperwork(data: dict[str, Any], read) -> dict[str, Any] | None:
    """The checked `[paperwork]` values as JSON (dates as ISO text), or None when the file has none."""
    from contest.admin.setup import NOT_A_DATE

    table = data.get("paperwork")
    if table is None:
        return None
    if not isinstance(table, dict):
        read.problem(NOT_A_TABLE, ("", None), "paperwork")
        return None
    unknown = sorted(set(table) - KNOWN)
    if unknown:
        read.problem(UNKNOWN_KEYS, ("", None), "paperwork", keys=", ".join(unknown))
    values: dict[str, Any] = {}
    for key, limit in TEXT_KEYS.items():
        if key in table:
            values[key] = read.text(table, key, PAPERWORK, required=False, limit=limit)
    for key in DATE_KEYS:
        if key in table:
            day = table[key]
            if isinstance(day, date) and not isinstance(day, datetime):
                values[key] = day.isoformat()
            else:
                read.problem(NOT_A_DATE, PAPERWORK, key)
    for key in MOMENT_KEYS:
        if key in table:
            moment = table[key]
            if isinstance(moment, datetime) and moment.tzinfo is None:
                values[key] = moment.isoformat(timespec="minutes")
            else:
                read.problem(NOT_A_LOCAL_MOMENT, PAPERWORK, key)
    if values.get("meeting_start") and values.get("meeting_end") and \
            values["meeting_end"] <= values["meeting_start"]:
        read.problem(ENDS_BEFORE_START, PAPERWORK, "meeting_end")
    values["judges_named"] = read.flag(table, "judges_named", PAPERWORK)
    jury = table.get("jury", [])
    if not isinstance(jury, list) or not all(
            isinstance(m, dict) and set(m) <= {"name", "role"} and isinstance(m.get("name"), str)
            and isinstance(m.get("role", ""), str) for m in jury):
        read.problem(NOT_A_JURY, PAPERWORK, "jury")
        jury = []
    values["jury"] = [{"name": read.text(m, "name", ("paperwork.jury", n), limit=200),
                       "role": read.text(m, "role", ("paperwork.jury", n), required=False, limit=200)}
                      for n, m in enumerate(jury, 1)]
    return values


NO_PAPERWORK = _l("the file has no [paperwork] table")


def set_paperwork(contest, data: dict[str, Any], actor=None) -> dict[str, Any]:
    """Replace the contest's `[paperwork]` with the file's: it changes no result, so a finalized
    or published contest takes it too (audited). Raises SetupError and changes nothing when wrong."""
    from contest.admin.setup import SetupError, SetupProblem, _Reader
    from contest.audit import record

    errors: list = []
    values = read_paperwork(data, _Reader(errors))
    if values is None and not errors:
        errors.append(SetupProblem(NO_PAPERWORK))
    if errors:
        raise SetupError(errors)
    contest.paperwork = values
    record("contest.paperwork", contest=contest, actor=actor, target=contest.slug)
    return values
