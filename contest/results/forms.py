"""Forms of the ranking page: ordering a boundary tie."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from contest.forms import Form
from contest.text import clean


class ResolveTieForm(Form):
    """The tied entries' codes (as shown), a position for each, and the reason.

    Build it with ``for_codes``: the position fields depend on the group.
    """

    codes = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason for this order"),
        filters=[clean],
        validators=[DataRequired(_l("Give the reason for this order: it is kept in the audit log.")),
                    Length(max=2000)],
    )

    @classmethod
    def for_codes(cls, codes: list[str], **kwargs) -> ResolveTieForm:
        """A form with one position select per code, preset to the order given."""
        choices = [SelectChoice(str(n)) for n in range(1, len(codes) + 1)]
        form_class = type("ResolveTieFormFor", (cls,), {
            f"position_{i}": SelectField(code, choices=choices, default=str(i + 1))
            for i, code in enumerate(codes)
        })
        form = form_class(**kwargs)
        form.codes.data = " ".join(codes)
        form.tied_codes = codes
        return form

    @property
    def position_fields(self) -> list:
        return [self[f"position_{i}"] for i in range(len(self.tied_codes))]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        positions = [field.data for field in self.position_fields]
        if len(set(positions)) != len(positions):
            self.form_errors.append(_l("Give each entry a different position."))
            return False
        return valid

    def ordered_codes(self) -> list[str]:
        """The codes, best first."""
        by_position = {int(field.data): code for field, code in zip(self.position_fields, self.tied_codes)}
        return [by_position[p] for p in sorted(by_position)]


class UnfinalizeForm(Form):
    """Reopening the results: a reason, and the contest's code typed to confirm."""

    reason = TextAreaField(
        _l("Reason for reopening the results"),
        filters=[clean],
        validators=[DataRequired(_l("Give the reason: it is kept in the audit log.")), Length(max=2000)],
    )
    confirm = StringField(_l("Type the contest's code to confirm"), filters=[clean],
                          validators=[DataRequired(_l("Type the contest's code to confirm."))])

    def __init__(self, slug: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug = slug

    def validate_confirm(self, field) -> None:
        if field.data != self.slug:
            raise ValidationError(_("This is not the contest's code %(slug)s.", slug=self.slug))
