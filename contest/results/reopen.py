"""Reopening finalized results before publication: awards released, certificates voided, audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from contest.audit import record
from contest.extensions import db
from contest.models import Award, Certificate, Contest, ContestPhase, DocumentKind, EntryResult, User
from contest.models.types import utcnow
from contest.results.services import ResultsError
from contest.results.snapshots import current_snapshot


def unfinalize(contest: Contest, reason: str, actor: User | None) -> int:
    """Back to judging: the awards and ranks are released, every issued certificate
    becomes void in the register (its number is never given again), the snapshot is
    kept as released. Allowed only until publication. Returns how many certificates were voided.
    """
    from contest.certificates.register import void_certificates

    if contest.phase is not ContestPhase.FINALIZED:
        raise ResultsError({
            ContestPhase.OPEN: _l("contest %(slug)s is open: its results are not finalized", slug=contest.slug),
            ContestPhase.JUDGING: _l("contest %(slug)s is judging: its results are not finalized",
                                     slug=contest.slug),
            ContestPhase.PUBLISHED: _l("contest %(slug)s is published: published results cannot be reopened",
                                       slug=contest.slug),
        }[contest.phase])
    reason = " ".join(reason.split())
    if not reason:
        raise ResultsError(_l("give the reason for reopening the results"))
    now = utcnow()
    snapshot = current_snapshot(contest)
    voided = void_certificates(contest, reason, actor)
    # The void certificates stay in the register; only their link to the released award goes.
    for cert in db.session.scalars(
        select(Certificate).join(DocumentKind).where(DocumentKind.contest_id == contest.id,
                                                     Certificate.award_id.is_not(None))
    ):
        cert.award_id = None
    db.session.flush()
    db.session.execute(delete(Award).where(Award.contest_id == contest.id))
    db.session.execute(delete(EntryResult).where(EntryResult.contest_id == contest.id))
    if snapshot is not None:
        snapshot.released_at, snapshot.released_by, snapshot.release_reason = now, actor, reason
    contest.phase = ContestPhase.JUDGING
    contest.finalized_at = None
    db.session.flush()
    record("contest.unfinalized", contest=contest, actor=actor, target=contest.slug, reason=reason,
           certificates_voided=voided, sha256=snapshot.sha256 if snapshot else None)
    return voided
