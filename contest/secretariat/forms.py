"""The screening form: a decision for the entries ticked on the page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from contest.domain.screening import ELIGIBLE, INELIGIBLE, NOT_SCREENED, Decision
from contest.forms import Form
from contest.labels import SCREENING_REASON_LABELS
from contest.models import ScreeningReason
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
