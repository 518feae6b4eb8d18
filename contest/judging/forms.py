"""The score sheet (one number field per rubric criterion), adding judges, assigning them."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from contest.auth.passwords import MIN_PASSWORD_LENGTH, PasswordPolicy
from contest.domain.points import PointsError, parse_points
from contest.forms import Form
from contest.models import Criterion
from contest.text import clean


def points_text(value: Decimal | int | None) -> str:
    """Points as typed: 46.5, 40, 0 (no trailing zeros)."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


class PointsField(Field):
    """A score for one criterion: empty (not given yet) or a decimal number.

    A text input, not ``type=number``: browsers in a Vietnamese locale drop a
    typed comma from number inputs (3,5 arrives as 35). The number is read by
    contest.domain.points, the rules the page's script applies too; range and
    step are the score sheet service's rules.
    """

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        try:
            self.data = parse_points(clean(valuelist[0]) if valuelist else "")
        except PointsError:
            raise ValueError(_l("Enter a number, such as 46.5 or 46,5.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return points_text(self.data)


def points_field_name(criterion_id: int) -> str:
    return f"points_{criterion_id}"


class ScoreSheetForm(Form):
    """Built per contest with ``for_criteria``: the fields depend on the rubric."""

    comment = TextAreaField(_l("Comment"), filters=[clean], validators=[Length(max=5000)],
                            render_kw={"rows": 3})
    save_draft = SubmitField(_l("Save draft"))
    submit_scores = SubmitField(_l("Submit scores"))

    criteria: list[Criterion]

    @classmethod
    def for_criteria(cls, criteria: Sequence[Criterion], **kwargs) -> ScoreSheetForm:
        form_class = type("ContestScoreSheetForm", (cls,), {
            points_field_name(c.id): PointsField(c.name, render_kw={
                "inputmode": "decimal", "autocomplete": "off", "spellcheck": "false",
                "data-max": points_text(c.max_points), "data-step": points_text(c.step),
                "data-weight": points_text(c.weight)})
            for c in criteria
        })
        form = form_class(**kwargs)
        form.criteria = list(criteria)
        return form

    def points_field(self, criterion: Criterion) -> PointsField:
        return self[points_field_name(criterion.id)]

    def first_empty_field(self) -> PointsField | None:
        """Where the judge starts typing."""
        return next((f for c in self.criteria if (f := self.points_field(c)).data is None), None)

    def points(self) -> dict[int, Decimal | None]:
        return {c.id: self.points_field(c).data for c in self.criteria}


class DeclareConflictForm(Form):
    reason = TextAreaField(_l("Why"), filters=[clean],
                           validators=[DataRequired(message=_l("Give a reason for the conflict of interest.")),
                                       Length(max=2000)],
                           render_kw={"rows": 2, "placeholder": _l("I know the author")})
    declare = SubmitField(_l("Declare a conflict of interest"))


class AddJudgeForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                       filters=[clean])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[clean])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), PasswordPolicy()],
        description=_l("At least %(n)d characters, not a common password. Give it to the judge "
                       "yourself. An existing account keeps its own password.", n=MIN_PASSWORD_LENGTH),
    )
    organization = StringField(_l("Organization (optional)"), validators=[Length(max=300)], filters=[clean])
    district = StringField(_l("District (optional)"), validators=[Length(max=100)], filters=[clean])
    add = SubmitField(_l("Add judge"))


class AssignMode:
    EVERY = "every"
    BALANCED = "balanced"


class AssignJudgesForm(Form):
    judges = SelectMultipleField(
        _l("Judges"), coerce=int,
        validators=[DataRequired(message=_l("Choose at least one judge."))],
    )
    mode = RadioField(
        _l("How"),
        choices=[
            SelectChoice(AssignMode.BALANCED, _l("k judges per entry, balanced by load")),
            SelectChoice(AssignMode.EVERY, _l("Every judge reads every entry")),
        ],
        default=AssignMode.BALANCED,
    )
    per_entry = IntegerField(
        _l("Judges per entry (k)"), default=3,
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    assign = SubmitField(_l("Assign"))

    def validate(self, extra_validators=None) -> bool:
        """k is needed, and possible, only when k judges per entry are asked for."""
        valid = super().validate(extra_validators)
        if self.mode.data != AssignMode.BALANCED or self.per_entry.errors:
            return valid
        k, chosen = self.per_entry.data, len(self.judges.data or [])
        if k is None:
            self.per_entry.errors.append(_("Give the number of judges per entry."))
        elif chosen and k > chosen:
            self.per_entry.errors.append(_(
                "%(k)s judges per entry need at least %(k)s judges chosen; you chose %(chosen)s.",
                k=k, chosen=chosen))
        else:
            return valid
        return False


class AddConflictForm(Form):
    judge = SelectField(_l("Judge"), coerce=int)
    reason = StringField(_l("Reason"), filters=[clean],
                         validators=[DataRequired(message=_l("Give a reason for the conflict of interest.")),
                                     Length(max=2000)])
    add = SubmitField(_l("Add conflict"))


class ReasonForm(Form):
    """Lifting a conflict, discarding a submitted sheet: a reason is required."""

    reason = StringField(_l("Reason"), filters=[clean],
                         validators=[DataRequired(message=_l("Give a reason.")), Length(max=2000)])
    confirm = SubmitField(_l("Confirm"))


class ReassignForm(Form):
    judge = SelectField(_l("Give to"), coerce=int)
    reassign = SubmitField(_l("Reassign"))


class DropJudgeForm(Form):
    discard_submitted = BooleanField(_l("Also discard the sheets this judge submitted"))
    reason = StringField(_l("Reason"), filters=[clean], validators=[Length(max=2000)])
    drop = SubmitField(_l("Take this judge off the panel"))


class ScoreUploadForm(Form):
    """A filled score sheet (CSV or XLSX) to preview, then apply."""

    file = FileField(_l("Filled score sheet (CSV or XLSX)"),
                     validators=[FileRequired(message=_l("Choose a file.")),
                                 FileAllowed(["csv", "xlsx"], _l("A .csv or .xlsx file, please."))])
    overwrite = BooleanField(_l("Replace sheets the judges already submitted"))
    create_judges = BooleanField(_l("Create accounts for judges not known yet"))
    preview = SubmitField(_l("Preview the changes"))


class ApplyImportForm(Form):
    token = HiddenField(validators=[DataRequired()])
    overwrite = HiddenField()
    create_judges = HiddenField()
    apply = SubmitField(_l("Apply these changes"))
