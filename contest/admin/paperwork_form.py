"""The organizer's form for the `[paperwork]` settings: who issues and signs the office's
documents, the jury's meeting and members."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DateTimeLocalField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional

from contest.admin.forms import LOCAL_TIME_FORMATS
from contest.admin.paperwork_settings import DATE_KEYS, MOMENT_KEYS, TEXT_KEYS
from contest.admin.setup import SetupProblem
from contest.forms import Form
from contest.text import clean, keep_lines

# A jury line: "Name; role" (the role may be left out).
ROLE_SEPARATOR = ";"
JURY_LIMIT = 200


def _text(label, key: str, area: bool = False, **kwargs):
    field, kept = (TextAreaField, keep_lines) if area else (StringField, clean)
    return field(label, validators=[Length(max=TEXT_KEYS[key])], filters=[kept], **kwargs)


def jury_lines(text: str) -> list[dict[str, str]]:
    """The members typed one a line as "Name; role", blank lines skipped."""
    members = []
    for line in (text or "").splitlines():
        name, _sep, role = line.partition(ROLE_SEPARATOR)
        if name.strip() or role.strip():
            members.append({"name": clean(name), "role": clean(role)})
    return members


class PaperworkForm(Form):
    """Every `[paperwork]` key; an empty field takes its default (docs/documents.md)."""

    # Its fields' names and ids, apart from the settings form's on the same page.
    PREFIX = "paperwork"

    issuer = _text(_l("Issuer (top left of every document)"), "issuer", area=True,
                   description=_l("Empty: the first prize document's issuer. One line each."),
                   render_kw={"rows": 2})
    place = _text(_l("Place before the date"), "place", description=_l("Empty: the contest's place."))
    date = DateField(_l("Date of the documents"), validators=[Optional()],
                     description=_l("Empty: the day the results were finalized."))
    signer_title = _text(_l("Signer's title"), "signer_title", area=True, render_kw={"rows": 2},
                         description=_l("Empty: the first prize document's signer."))
    signer_name = _text(_l("Signer's name"), "signer_name")
    minutes_number = _text(_l("Number of the minutes"), "minutes_number")
    decision_number = _text(_l("Number of the decision"), "decision_number")
    decision_date = DateField(_l("Date of the decision"), validators=[Optional()])
    meeting_place = _text(_l("Place of the jury's meeting"), "meeting_place")
    meeting_start = DateTimeLocalField(_l("Meeting starts"), validators=[Optional()],
                                       format=LOCAL_TIME_FORMATS)
    meeting_end = DateTimeLocalField(_l("Meeting ends"), validators=[Optional()], format=LOCAL_TIME_FORMATS)
    jury = TextAreaField(_l("Jury"), render_kw={"rows": 5},
                         description=_l("One member a line: name; role (no role: “Thành viên”). "
                                        "Empty: the judges who scored."))
    judges_named = BooleanField(_l("The ranking workbook names the judges (instead of J1…Jn)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_errors: list[str] = []

    @classmethod
    def initial_data(cls, paperwork: dict[str, Any] | None) -> dict[str, Any]:
        """The stored values as the form shows them."""
        values = dict(paperwork or {})
        data: dict[str, Any] = {key: values.get(key, "") for key in TEXT_KEYS}
        for key in DATE_KEYS:
            data[key] = date.fromisoformat(values[key]) if values.get(key) else None
        for key in MOMENT_KEYS:
            data[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        data["jury"] = "\n".join(f"{m['name']}{ROLE_SEPARATOR} {m['role']}" if m.get("role") else m["name"]
                                 for m in values.get("jury", []))
        data["judges_named"] = bool(values.get("judges_named"))
        return data

    def validate_jury(self, field) -> None:
        for number, member in enumerate(jury_lines(field.data), 1):
            if not member["name"]:
                raise ValidationError(_("Line %(number)s: the name is missing.", number=number))
            if len(member["name"]) > JURY_LIMIT or len(member["role"]) > JURY_LIMIT:
                raise ValidationError(_("Line %(number)s: at most %(limit)s characters for a name or a role.",
                                        number=number, limit=JURY_LIMIT))

    def table(self) -> dict[str, Any]:
        """The form as a settings file's `[paperwork]` table (an empty value left out)."""
        table: dict[str, Any] = {key: self[key].data for key in TEXT_KEYS if self[key].data}
        table.update({key: self[key].data for key in (*DATE_KEYS, *MOMENT_KEYS) if self[key].data})
        table["jury"] = jury_lines(self.jury.data)
        table["judges_named"] = self.judges_named.data
        return table

    def attach_setup_errors(self, problems: list[SetupProblem]) -> None:
        """Each problem beside its field, worded with the field's label."""
        for problem in problems:
            field = self._fields.get(problem.key) or (self.jury if problem.table == "paperwork.jury" else None)
            if field is None:
                self.setup_errors.append(str(problem))
                continue
            field.errors = [*field.errors, problem.text(subject=str(field.label.text))]
