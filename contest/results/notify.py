"""Publication tells every author their result: one mail per address, winners with their certificates."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from contest.audit import record
from contest.extensions import db
from contest.jobs import jobs
from contest.models import (
    Award,
    Certificate,
    CertificateStatus,
    Contest,
    ContestPhase,
    DocumentKind,
    Entry,
    EntryResult,
    User,
)


@dataclass
class EntryOutcome:
    """One entry's result as its authors are told it."""

    entry: Entry
    tier_name: str | None = None
    rank: int | None = None
    score: str | None = None
    certificates: list[dict] = field(default_factory=list)


def entry_outcomes(contest: Contest) -> list[EntryOutcome]:
    """Every entry of the contest with its prize, rank, score and certificates, in four queries."""
    from contest.certificates.services import verify_url
    from contest.mail import absolute_url

    entries = db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id)
        .options(selectinload(Entry.submitted_by), selectinload(Entry.authors)).order_by(Entry.code)
    ).all()
    awards = {a.entry_id: a for a in db.session.scalars(
        select(Award).where(Award.contest_id == contest.id).options(selectinload(Award.tier)))}
    results = {r.entry_id: r for r in db.session.scalars(
        select(EntryResult).where(EntryResult.contest_id == contest.id))}
    certificates: dict[int, list[dict]] = {}
    for cert in db.session.scalars(
        # Only what the register holds valid: a revoked, replaced or voided number is never sent.
        select(Certificate).join(DocumentKind)
        .where(DocumentKind.contest_id == contest.id, Certificate.status == CertificateStatus.VALID)
        .options(selectinload(Certificate.document_kind), selectinload(Certificate.entry))
        .order_by(Certificate.document_kind_id, Certificate.seq)
    ):
        if cert.entry is None:
            continue
        certificates.setdefault(cert.entry_id, []).append({
            "title": cert.document_kind.title, "number": cert.number, "verify_url": verify_url(cert),
            "download_url": absolute_url("entries.certificate", slug=contest.slug, code=cert.entry.code,
                                         doc_code=cert.document_kind.code),
        })
    outcomes = []
    for entry in entries:
        award, result = awards.get(entry.id), results.get(entry.id)
        outcomes.append(EntryOutcome(
            entry, award.tier.name if award else None, result.rank if result else None,
            f"{result.score:.2f}" if result else None, certificates.get(entry.id, [])))
    return outcomes


def recipients(outcomes: list[EntryOutcome]) -> dict[str, tuple[User | str, list[EntryOutcome]]]:
    """Each address once (case aside): the account that submitted an entry, and its contact e-mail."""
    addresses = {o.entry.email.strip().casefold() for o in outcomes if o.entry.email.strip()}
    accounts = {u.email.casefold(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(addresses)))} if addresses else {}
    by_address: dict[str, tuple[User | str, list[EntryOutcome]]] = {}
    for outcome in outcomes:
        entry = outcome.entry
        targets: list[User | str] = []
        if entry.submitted_by is not None:
            targets.append(entry.submitted_by)
        if entry.email.strip():
            contact = entry.email.strip()
            targets.append(accounts.get(contact.casefold(), contact))
        for target in targets:
            key = (target.email if isinstance(target, User) else target).casefold()
            _, listed = by_address.setdefault(key, (target, []))
            if outcome not in listed:
                listed.append(outcome)
    return by_address


def queue_result_mails(contest: Contest) -> int:
    """Queue the results mail for every author of the contest; returns how many mails."""
    from contest.mail import absolute_url, queue_mail

    by_address = recipients(entry_outcomes(contest))
    results_url = absolute_url("public.results", slug=contest.slug)
    account_url = absolute_url("entries.mine")
    for to, outcomes in by_address.values():
        queue_mail(to, "results", contest=contest, results=outcomes, results_url=results_url,
                   account_url=account_url, show_scores=contest.show_scores)
    record("results.mailed", contest=contest, actor=None, target=contest.slug, mails=len(by_address))
    return len(by_address)


@jobs.task()
def tell_authors(contest_id: int) -> None:
    """Queued by publication: the mails go out from the worker, not the organizer's request."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.phase is not ContestPhase.PUBLISHED:
        return
    queue_result_mails(contest)
    db.session.commit()
