"""The secretariat's forms: a screening decision for the ticked entries, a paper entry, files."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from contest.domain.screening import ELIGIBLE, INELIGIBLE, NOT_SCREENED, Decision
from contest.entries.forms import (
    EntryForm,
    accepted_extensions,
    check_extensions,
    upload_description,
    upload_limits_kw,
)
from contest.forms import Form
from contest.labels import SCREENING_REASON_LABELS
from contest.models import Entry, ScreeningReason
from contest.text import clean


class ScreeningForm(Form):
    entries = SelectMultipleField(_l("Entries"), coerce=int, choices=[], validate_choice=False)
    decision = RadioField(_l("Decision"), default=ELIGIBLE, choices=[
        SelectChoice(ELIGIBLE, _l("Eligible")),
        SelectChoice(INELIGIBLE, _l("Ineligible")),
        SelectChoice(NOT_SCREENED, _l("Not screened (undo the decision)")),
    ])
    reason = SelectField(_l("Reason (for ineligible)"), choices=[SelectChoice("", _l("Choose a reason"))] + [
        SelectChoice(r.value, SCREENING_REASON_LABELS[r]) for r in ScreeningReason])
    note = TextAreaField(_l("Details"), validators=[Length(max=2000)], filters=[clean],
                         description=_l("What the author will read, e.g. which entry it duplicates."),
                         render_kw={"rows": 1})
    why_change = StringField(_l("Why a decision changes"), validators=[Length(max=500)], filters=[clean],
                             description=_l("Needed when a ticked entry already had a decision."))

    def decision_value(self) -> Decision:
        return Decision(self.decision.data, self.reason.data or None, self.note.data or "")


class PaperEntryForm(EntryForm):
    """An entry sent by post, typed in by the secretariat: the day it arrived; files may follow."""

    received_on = DateField(_l("Received on"), validators=[DataRequired()],
                            description=_l("The day the secretariat received it (the postmark decides "
                                           "whether it is late: see the screening page)."))
    submit = SubmitField(_l("Save the entry"))

    def validate_files(self, field: MultipleFileField) -> None:
        """Files are optional here: scans or a disc may come later."""
        check_extensions(self.uploads)


class AttachFilesForm(Form):
    files = MultipleFileField(_l("Files"))
    submit = SubmitField(_l("Attach the files"))

    def __init__(self, entry: Entry, **kwargs):
        super().__init__(**kwargs)
        self.files.render_kw = upload_limits_kw(entry.files)
        self.files.render_kw["accept"] = ",".join(f".{ext}" for ext in accepted_extensions())
        self.files.description = upload_description()

    @property
    def uploads(self) -> list[FileStorage]:
        return [f for f in (self.files.data or []) if f and f.filename]

    def validate_files(self, field: MultipleFileField) -> None:
        if not self.uploads:
            raise ValidationError(_l("Attach at least one file."))
        check_extensions(self.uploads)
