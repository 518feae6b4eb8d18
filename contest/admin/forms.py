"""Organizer forms: the contest settings, the entries search and the entries import."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from contest.admin.entries_list import ENTRY_SORTS, EntryFilter
from contest.admin.setup import CLOSES_BEFORE_OPENS, SetupProblem
from contest.forms import Form, SubForm
from contest.models import Contest, EntryStatus
from contest.text import clean

LOCAL_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
# Settings-file keys whose form field is named differently.
FILE_KEYS = {"max": "max_points"}
# The contest's own settings that the form edits, by their settings-file keys.
TOP_FIELDS = ("name", "organizer", "place", "opens_at", "closes_at")
SECTIONS = {"criteria": _l("Rubric"), "tiers": _l("Prize tiers"), "documents": _l("Certificates")}


class DecimalCommaField(DecimalField):
    """A decimal typed the Vietnamese way (46,5) or the English way (46.5)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [clean(valuelist[0]).replace(",", ".")]
        super().process_formdata(valuelist)

    def _value(self) -> str:
        """As stored, without trailing zeros: 40, 46.5, 1.125 (never rounded for display)."""
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data.normalize(), "f")


class CriterionRow(SubForm):
    code = StringField(_l("Code"), validators=[Length(max=30)], filters=[clean])
    name = StringField(_l("Criterion"), validators=[Length(max=200)], filters=[clean])
    max_points = DecimalCommaField(_l("Max points"), validators=[Optional()])
    weight = DecimalCommaField(_l("Weight"), validators=[Optional()])
    step = SelectField(_l("Step"), choices=[SelectChoice(step, step) for step in ("1", "0.5", "0.25", "0.1")],
                       default="0.5")
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not (self.code.data or self.name.data or self.max_points.data is not None)

    def settings(self) -> dict[str, Any]:
        row = {"code": self.code.data, "name": self.name.data, "max": self.max_points.data}
        if self.weight.data is not None:
            row["weight"] = self.weight.data
        row["step"] = self.step.data or "0.5"
        return row


class TierRow(SubForm):
    order = IntegerField(_l("Order"), validators=[Optional()])
    code = StringField(_l("Code"), validators=[Length(max=20)], filters=[clean])
    name = StringField(_l("Prize"), validators=[Length(max=100)], filters=[clean])
    quota = IntegerField(_l("Quota"), validators=[Optional()])
    min_score = DecimalCommaField(_l("Minimum score"), validators=[Optional()])
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not (self.code.data or self.name.data or self.quota.data is not None
                    or self.min_score.data is not None)

    def settings(self) -> dict[str, Any]:
        row = {"code": self.code.data, "name": self.name.data, "quota": self.quota.data}
        if self.min_score.data is not None:
            row["min_score"] = self.min_score.data
        return row


class DocumentRow(SubForm):
    code = HiddenField()
    signer_title = TextAreaField(_l("Signer's title"), filters=[clean], render_kw={"rows": 2})
    signer_name = StringField(_l("Signer's name"), validators=[Length(max=200)], filters=[clean])
    number_format = StringField(_l("Number format"), validators=[Length(max=100)], filters=[clean])


class SettingsForm(Form):
    """Everything an organizer may edit in the browser; the rest stays as the file set it."""

    name = StringField(_l("Contest name"), validators=[DataRequired(), Length(max=300)], filters=[clean])
    organizer = StringField(_l("Organizer"), validators=[DataRequired(), Length(max=300)], filters=[clean])
    place = StringField(_l("Place (printed before the date on certificates)"),
                        validators=[Length(max=100)], filters=[clean])
    opens_at = DateTimeLocalField(_l("Submissions open"), validators=[InputRequired()],
                                  format=LOCAL_TIME_FORMATS)
    closes_at = DateTimeLocalField(_l("Deadline"), validators=[InputRequired()],
                                   format=LOCAL_TIME_FORMATS)
    criteria = FieldList(FormField(CriterionRow))
    tiers = FieldList(FormField(TierRow))
    documents = FieldList(FormField(DocumentRow))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Problems apply_contest_settings reported that belong to no single field.
        self.setup_errors: list[str] = []

    @classmethod
    def initial_data(cls, contest: Contest) -> dict[str, Any]:
        """The contest as the form shows it: times in the contest's timezone, one blank row each."""
        return {
            "name": contest.name,
            "organizer": contest.organizer,
            "place": contest.place,
            "opens_at": _local(contest.opens_at, contest),
            "closes_at": _local(contest.closes_at, contest),
            "criteria": [{"code": c.code, "name": c.name, "max_points": c.max_points, "weight": c.weight,
                          "step": format(c.step.normalize(), "f")} for c in contest.criteria] + [{}],
            "tiers": [{"order": i, "code": t.code, "name": t.name, "quota": t.quota,
                       "min_score": t.min_score} for i, t in enumerate(contest.tiers, 1)] + [{}],
            "documents": [{"code": d.code, "signer_title": d.signer_title, "signer_name": d.signer_name,
                           "number_format": d.number_format} for d in contest.documents],
        }

    def _kept(self, rows: FieldList) -> list:
        return [row.form for row in rows if not row.form.remove.data and not row.form.is_blank()]

    def _kept_tiers(self) -> list:
        """Tiers in the order typed; rows without an order number go last."""
        kept = list(enumerate(self._kept(self.tiers)))
        kept.sort(key=lambda pair: (pair[1].order.data is None, pair[1].order.data or 0, pair[0]))
        return [row for _, row in kept]

    def changes(self) -> dict[str, Any]:
        """The edited settings in the shape of a settings file (local times, no zone)."""
        return {
            "name": self.name.data,
            "organizer": self.organizer.data,
            "place": self.place.data,
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "criteria": [row.settings() for row in self._kept(self.criteria)],
            "tiers": [row.settings() for row in self._kept_tiers()],
            "documents": {
                row.form.code.data: {"signer_title": row.form.signer_title.data,
                                     "signer_name": row.form.signer_name.data,
                                     "number_format": row.form.number_format.data}
                for row in self.documents
            },
        }

    # The settings-file keys of this form's own fields, and its lists of rows with their headings.
    top_fields = TOP_FIELDS
    sections = SECTIONS

    def _section_rows(self) -> dict[str, list]:
        """Each list's rows as the settings were built from them (row n of a problem is n here)."""
        return {
            "criteria": self._kept(self.criteria),
            "tiers": self._kept_tiers(),
            "documents": [row.form for row in self.documents],
        }

    def attach_setup_errors(self, problems: list[SetupProblem]) -> None:
        """Put each problem next to the field or row it is about, and all of them at the top.

        Problems are worded in the page's language, naming fields by their labels.
        """
        rows = self._section_rows()
        sections = self.sections
        for problem in problems:
            if problem.table in sections and problem.row is not None:
                section_rows = rows[problem.table]
                text = (_attach_to_row(section_rows[problem.row - 1], problem)
                        if 0 < problem.row <= len(section_rows) else problem.text())
                error = _("%(section)s, row %(number)s: %(problem)s",
                          section=sections[problem.table], number=problem.row, problem=text)
            elif problem.table in sections:
                error = problem.text(subject=str(sections[problem.table]))
            elif problem.message is CLOSES_BEFORE_OPENS:
                error = _("The deadline must be after the opening time.")
                self.closes_at.errors = [*self.closes_at.errors, error]
            elif problem.table in ("contest", "") and problem.key in self.top_fields:
                field = self[problem.key]
                error = problem.text(subject=str(field.label.text))
                field.errors = [*field.errors, error]
            else:
                error = str(problem)
            self.setup_errors.append(error)


class CategoryRow(SubForm):
    code = StringField(_l("Code"), validators=[Length(max=20)], filters=[clean])
    name = StringField(_l("Category"), validators=[Length(max=200)], filters=[clean])
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not (self.code.data or self.name.data)

    def settings(self) -> dict[str, Any]:
        return {"code": self.code.data, "name": self.name.data}


class NewDocumentRow(SubForm):
    """A kind of certificate, every field of it (the settings page edits only the signer and number)."""

    code = StringField(_l("Code"), validators=[Length(max=20)], filters=[clean])
    title = StringField(_l("Title"), validators=[Length(max=200)], filters=[clean])
    issuer = TextAreaField(_l("Issuer"), filters=[clean], validators=[Length(max=1000)], render_kw={"rows": 2})
    preamble = StringField(_l("Preamble"), validators=[Length(max=1000)], filters=[clean])
    tiers = StringField(_l("For the tiers (codes, separated by commas)"), validators=[Length(max=200)],
                        filters=[clean])
    signer_title = TextAreaField(_l("Signer's title"), filters=[clean], validators=[Length(max=1000)],
                                 render_kw={"rows": 2})
    signer_name = StringField(_l("Signer's name"), validators=[Length(max=200)], filters=[clean])
    number_format = StringField(_l("Number format"), validators=[Length(max=100)], filters=[clean])
    # Who the document is for is carried over from the edition copied (tiers when new);
    # it is changed on the new contest's certificate pages.
    awarded_to = HiddenField(validators=[Length(max=20)])
    per_author = HiddenField(validators=[Length(max=5)])
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not any(self[name].data for name in ("code", "title", "issuer", "tiers", "signer_name"))

    def settings(self) -> dict[str, Any]:
        names = ("code", "title", "issuer", "preamble", "signer_title", "signer_name", "number_format")
        row = {name: self[name].data or "" for name in names}
        row["tiers"] = [c for c in (clean(part) for part in (self.tiers.data or "").replace(";", ",").split(","))
                        if c]
        row["awarded_to"] = self.awarded_to.data or "tiers"
        row["per_author"] = self.per_author.data in ("True", "true", "1")
        return row


class NewContestForm(SettingsForm):
    """A new contest: everything a settings file holds but the rounds, from scratch or copied."""

    top_fields = (*TOP_FIELDS, "slug", "code_prefix")
    sections = {"categories": _l("Categories"), **SECTIONS}

    slug = StringField(_l("Address (slug)"), validators=[DataRequired(), Length(max=100)], filters=[clean],
                       description=_l("Letters a–z, digits and “-”, e.g. dvk-2023: the contest's pages "
                                      "are at /c/dvk-2023/."))
    code_prefix = StringField(_l("Entry codes start with"), validators=[Length(max=10)], filters=[clean])
    timezone = HiddenField(default="Asia/Ho_Chi_Minh")
    conflict_same_organization = BooleanField(_l("A judge may not read entries from their own organization"))
    conflict_same_district = BooleanField(_l("A judge may not read entries from their own district"))
    categories = FieldList(FormField(CategoryRow))
    documents = FieldList(FormField(NewDocumentRow))

    @classmethod
    def initial_from(cls, settings: dict[str, Any] | None) -> dict[str, Any]:
        """The form's data for ``settings`` (a contest's, a year on), or a blank form; one blank row each."""
        if settings is None:
            return {"categories": [{}], "criteria": [{}], "tiers": [{}], "documents": [{}]}
        zone = ZoneInfo(settings["timezone"])
        return {
            **{key: settings[key] for key in ("slug", "name", "organizer", "place", "code_prefix", "timezone",
                                              "conflict_same_organization", "conflict_same_district")},
            "opens_at": settings["opens_at"].astimezone(zone).replace(tzinfo=None),
            "closes_at": settings["closes_at"].astimezone(zone).replace(tzinfo=None),
            "categories": [*settings["categories"], {}],
            "criteria": [{"code": c["code"], "name": c["name"], "max_points": c["max"], "weight": c["weight"],
                          "step": format(c["step"].normalize(), "f")} for c in settings["criteria"]] + [{}],
            "tiers": [{"order": i, **{k: t.get(k) for k in ("code", "name", "quota", "min_score")}}
                      for i, t in enumerate(settings["tiers"], 1)] + [{}],
            "documents": [{**d, "tiers": ", ".join(d["tiers"])} for d in settings["documents"]] + [{}],
        }

    def _section_rows(self) -> dict[str, list]:
        return {**super()._section_rows(), "categories": self._kept(self.categories),
                "documents": self._kept(self.documents)}

    def settings(self) -> dict[str, Any]:
        """The new contest in the shape of a settings file (local times, no zone)."""
        return {
            "slug": self.slug.data, "name": self.name.data, "organizer": self.organizer.data,
            "place": self.place.data, "timezone": self.timezone.data or "Asia/Ho_Chi_Minh",
            "code_prefix": self.code_prefix.data or None,
            "opens_at": self.opens_at.data, "closes_at": self.closes_at.data,
            "conflict_same_organization": bool(self.conflict_same_organization.data),
            "conflict_same_district": bool(self.conflict_same_district.data),
            "categories": [row.settings() for row in self._kept(self.categories)],
            "criteria": [row.settings() for row in self._kept(self.criteria)],
            "tiers": [row.settings() for row in self._kept_tiers()],
            "documents": [row.settings() for row in self._kept(self.documents)],
        }


def _attach_to_row(row: Form, problem: SetupProblem) -> str:
    """Show ``problem`` on the field it is about, else on the whole row.

    Returns the problem as shown: naming the field by its label, not by its settings-file key.
    """
    field = row._fields.get(FILE_KEYS.get(problem.key, problem.key))
    if field is None or field.type in ("HiddenField", "BooleanField"):
        text = problem.text()
        row.row_errors = [*getattr(row, "row_errors", []), text]
        return text
    text = problem.text(subject=str(field.label.text))
    field.errors = [*field.errors, text]
    return text


def _local(moment: datetime, contest: Contest) -> datetime:
    return moment.astimezone(contest.tz).replace(tzinfo=None)


class EntrySearchForm(Form):
    """The entries list's search box, filters and order (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Code, title, author, organization or district"), filters=[clean],
                    validators=[Length(max=200)])
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    duplicates = BooleanField(_l("Likely duplicates only"))
    sort = HiddenField(default="code")
    dir = HiddenField(default="asc")

    def for_contest(self, contest: Contest, status_labels: dict[EntryStatus, str]) -> EntrySearchForm:
        self.category.choices = [("", _l("All categories"))] + [(c.code, c.name) for c in contest.categories]
        self.status.choices = [("", _l("All statuses"))] + [(s.value, status_labels[s]) for s in EntryStatus
                                                                if s is not EntryStatus.DRAFT]
        return self

    def wanted(self, contest: Contest) -> EntryFilter:
        """The filter asked for; a search too long is cut to the box's length, not refused."""
        return EntryFilter(
            text=(self.q.data or "")[:200],
            category=next((c for c in contest.categories if c.code == self.category.data), None),
            status=EntryStatus(self.status.data) if self.status.data in set(EntryStatus) else None,
            duplicates=bool(self.duplicates.data),
        )

    def ordering(self) -> tuple[str, bool]:
        """(column, descending); an unknown column sorts by code."""
        column = self.sort.data if self.sort.data in ENTRY_SORTS else "code"
        return column, self.dir.data == "desc"


class EntryUploadForm(Form):
    """A CSV or XLSX list of entries to preview, then import."""

    file = FileField(_l("Entries file (CSV or XLSX)"),
                     validators=[FileRequired(message=_l("Choose a file.")),
                                 FileAllowed(["csv", "xlsx"], _l("A .csv or .xlsx file, please."))])
    preview = SubmitField(_l("Preview the import"))


class ApplyEntryImportForm(Form):
    token = HiddenField(validators=[DataRequired()])
    apply = SubmitField(_l("Import these entries"))
