"""How phases and entry statuses are named on every page that shows them."""
from flask_babel import lazy_gettext as _l

from contest.models import ContestPhase, EntryStatus

PHASE_LABELS = {
    ContestPhase.OPEN: _l("Open for entries"),
    ContestPhase.JUDGING: _l("Judging in progress"),
    ContestPhase.FINALIZED: _l("Results finalized"),
    ContestPhase.PUBLISHED: _l("Results published"),
}
STATUS_LABELS = {
    EntryStatus.SUBMITTED: _l("Submitted"),
    EntryStatus.ELIGIBLE: _l("Eligible"),
    EntryStatus.INELIGIBLE: _l("Ineligible"),
}
