"""The score sheet (one number field per rubric criterion), adding judges, assigning them."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import NumberInput

from contest.auth.passwords import MIN_PASSWORD_LENGTH, PasswordPolicy
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

    Range and precision are the score sheet service's rules; this field only
    reads the number, accepting the decimal comma Vietnamese keyboards type.
    """

    widget = NumberInput(step="0.5", min=0)

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = clean(valuelist[0]) if valuelist else ""
        self.data = None
        if not raw:
            return
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_l("Enter a number, such as 46.5.")) from None
        if not value.is_finite():
            raise ValueError(_l("Enter a number, such as 46.5."))
        self.data = value

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
            points_field_name(c.id): PointsField(c.name, render_kw={"max": points_text(c.max_points)})
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
