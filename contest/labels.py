"""How phases, entry and certificate statuses are named on every page that shows them."""
from flask_babel import lazy_gettext as _l

from contest.models import AdvanceReason, CertificateStatus, ContestPhase, EntryStatus, RoundStatus, ScreeningReason

PHASE_LABELS = {
    ContestPhase.OPEN: _l("Open for entries"),
    ContestPhase.JUDGING: _l("Judging in progress"),
    ContestPhase.FINALIZED: _l("Results finalized"),
    ContestPhase.PUBLISHED: _l("Results published"),
}
STATUS_LABELS = {
    EntryStatus.DRAFT: _l("Draft"),
    EntryStatus.SUBMITTED: _l("Submitted"),
    EntryStatus.ELIGIBLE: _l("Eligible"),
    EntryStatus.INELIGIBLE: _l("Ineligible"),
    EntryStatus.WITHDRAWN: _l("Withdrawn"),
}
SCREENING_REASON_LABELS = {
    ScreeningReason.LATE: _l("Late"),
    ScreeningReason.OFF_TOPIC: _l("Off topic"),
    ScreeningReason.INCOMPLETE: _l("Incomplete"),
    ScreeningReason.DUPLICATE: _l("Duplicate"),
    ScreeningReason.IDENTITY_VISIBLE: _l("Identity visible"),
    ScreeningReason.OTHER: _l("Other"),
}
CERTIFICATE_LABELS = {
    CertificateStatus.VALID: _l("Valid"),
    CertificateStatus.REVOKED: _l("Revoked"),
    CertificateStatus.REISSUED: _l("Reissued"),
    CertificateStatus.VOID: _l("Void"),
}
METHOD_LABELS = {
    "mean": _l("Mean"),
    "trimmed": _l("Trimmed mean"),
    "median": _l("Median"),
    "zscore": _l("Normalized (z-score)"),
}
ROUND_STATUS_LABELS = {
    RoundStatus.PENDING: _l("Not yet open"),
    RoundStatus.OPEN: _l("Open"),
    RoundStatus.CLOSED: _l("Closed"),
}
ADVANCE_REASON_LABELS = {
    AdvanceReason.RULE: _l("Goes on"),
    AdvanceReason.TIE: _l("Goes on: tie at the cut"),
    AdvanceReason.PICK: _l("Picked"),
}
