"""Forms of the certificate pages: recognition lists, revoke and reissue, print batches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from contest.forms import Form


class RecipientsForm(Form):
    """The editor's rows are read from ``rows-N-…`` fields; this form carries the CSRF token."""


class RecipientFileForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=1000)])


class ReissueForm(Form):
    name = StringField(_l("Recipient's name as it should be printed"), validators=[Length(max=300)])
    reason = TextAreaField(_l("Reason for reissuing"), validators=[DataRequired(), Length(max=1000)])


class BatchForm(Form):
    """Starts a background print batch (CSRF only)."""
