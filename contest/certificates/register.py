"""The register of issued documents: revoke, reissue under a new number, void, and the XLSX copy."""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from contest.audit import record
from contest.certificates.services import reserve_numbers
from contest.domain.numbering import format_number
from contest.extensions import db
from contest.labels import CERTIFICATE_LABELS
from contest.models import Certificate, CertificateStatus, Contest, DocumentKind, User
from contest.models.types import utcnow
from contest.text import clean

REASON_LIMIT = 1000
PAGE_SIZE = 100


class RegisterError(ValueError):
    """A revoke or reissue that cannot be done; str() is the message in the page's language."""


def _reason(reason: str) -> str:
    text = " ".join(clean(reason or "").split())
    if not text:
        raise RegisterError(_l("Give the reason: it is kept in the register and the audit log."))
    if len(text) > REASON_LIMIT:
        raise RegisterError(_l("The reason is longer than %(limit)d characters.", limit=REASON_LIMIT))
    return text


def _still_valid(cert: Certificate) -> None:
    if cert.status is not CertificateStatus.VALID:
        raise RegisterError(_l("Certificate %(number)s is %(status)s: only a valid certificate can "
                               "be revoked or reissued.", number=cert.number,
                               status=CERTIFICATE_LABELS[cert.status]))


def _end(cert: Certificate, status: CertificateStatus, reason: str, actor: User | None,
         now: datetime) -> None:
    cert.status, cert.status_reason, cert.status_changed_at = status, reason, now
    cert.status_changed_by_id = actor.id if actor is not None else None


def revoke(cert: Certificate, reason: str, actor: User | None) -> Certificate:
    """The certificate stops being valid; /verify says so, with the reason (audited)."""
    reason = _reason(reason)
    _still_valid(cert)
    _end(cert, CertificateStatus.REVOKED, reason, actor, utcnow())
    db.session.flush()
    record("certificate.revoked", contest=cert.document_kind.contest, actor=actor, target=cert.number,
           document=cert.document_kind.code, recipient=cert.recipient, reason=reason)
    return cert


def reissue(cert: Certificate, reason: str, actor: User | None, name: str | None = None) -> Certificate:
    """A new certificate under the next number of the series, with ``name`` corrected if
    given; the old one is marked reissued and points at the new one (both audited)."""
    reason = _reason(reason)
    _still_valid(cert)
    new_name = " ".join(clean(name or "").split()) or cert.recipient
    if len(new_name) > 300:
        raise RegisterError(_l("The name is longer than %(limit)d characters.", limit=300))
    kind = cert.document_kind
    now = utcnow()
    seq = reserve_numbers(kind, 1)
    year = (kind.dated or now.astimezone(kind.contest.tz).date()).year
    new = Certificate(
        document_kind=kind, entry_id=cert.entry_id, award_id=cert.award_id,
        recipient_id=cert.recipient_id, seq=seq, number=format_number(kind.number_format, seq, year),
        token=secrets.token_urlsafe(16), recipient=new_name, unit=cert.unit,
        entry_title=cert.entry_title, tier_name=cert.tier_name, reason=cert.reason, issued_at=now,
        replaces=cert,
    )
    _end(cert, CertificateStatus.REISSUED, reason, actor, now)
    db.session.add(new)
    db.session.flush()
    contest = kind.contest
    record("certificate.reissued", contest=contest, actor=actor, target=cert.number,
           document=kind.code, new_number=new.number, recipient=cert.recipient,
           new_recipient=new.recipient, reason=reason)
    return new


def _issued_on_results(contest: Contest):
    # A recognition list's documents (no entry) honour people outside the judging:
    # reopening the results leaves them valid, and finalizing again gives them no new number.
    return (select(Certificate).join(DocumentKind)
            .where(DocumentKind.contest_id == contest.id, Certificate.entry_id.is_not(None),
                   Certificate.status == CertificateStatus.VALID))


def voidable_count(contest: Contest) -> int:
    """How many valid certificates reopening the results would void."""
    return db.session.scalar(_issued_on_results(contest).with_only_columns(func.count(Certificate.id)))


def void_certificates(contest: Contest, reason: str, actor: User | None) -> int:
    """Every valid certificate issued on the contest's results (for an entry) becomes void
    (the results were unfinalized); their numbers stay taken. Returns how many."""
    now = utcnow()
    certs = db.session.scalars(_issued_on_results(contest)).all()
    for cert in certs:
        _end(cert, CertificateStatus.VOID, reason, actor, now)
    db.session.flush()
    record("certificates.voided", contest=contest, actor=actor, target=contest.slug,
           count=len(certs), reason=reason)
    return len(certs)


def certificate_in(contest: Contest, number: str, document: str | None = None) -> Certificate | None:
    """A certificate of ``contest`` by its printed number (and kind code, when numbers repeat)."""
    query = (select(Certificate).join(DocumentKind)
             .where(DocumentKind.contest_id == contest.id, Certificate.number == number.strip()))
    if document:
        query = query.where(DocumentKind.code == document)
    found = db.session.scalars(query.order_by(Certificate.id)).all()
    if len(found) > 1:
        raise RegisterError(_l("Several documents have the number %(number)s: name the document kind.",
                               number=number))
    return found[0] if found else None


def certificate_by_id(contest: Contest, cert_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).join(DocumentKind)
        .where(DocumentKind.contest_id == contest.id, Certificate.id == cert_id)
        .options(joinedload(Certificate.document_kind), joinedload(Certificate.replaces),
                 joinedload(Certificate.replaced_by), joinedload(Certificate.status_changed_by))
    )


@dataclass
class RegisterPage:
    certificates: list[Certificate]
    total: int
    page: int
    pages: int


def _register_query(contest: Contest, kind: DocumentKind | None):
    query = select(Certificate).join(DocumentKind).where(DocumentKind.contest_id == contest.id)
    if kind is not None:
        query = query.where(Certificate.document_kind_id == kind.id)
    return query


def register_page(contest: Contest, kind: DocumentKind | None = None, page: int = 1) -> RegisterPage:
    """One page of the register, by kind and number, in two queries."""
    total = db.session.scalar(
        _register_query(contest, kind).with_only_columns(func.count(Certificate.id)))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    certs = db.session.scalars(
        _register_query(contest, kind)
        .options(joinedload(Certificate.document_kind), joinedload(Certificate.replaced_by),
                 joinedload(Certificate.replaces))
        .order_by(DocumentKind.id, Certificate.seq)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).unique().all()
    return RegisterPage(list(certs), total, page, pages)


REGISTER_COLUMNS = ("Document", "Number", "Recipient", "Unit", "What for", "Issued at", "Status",
                    "Reason", "Changed at", "Replaces", "Replaced by")


def register_rows(contest: Contest, batch: int = 1000) -> Iterator[tuple]:
    """Every line of the register as plain values, read in batches (bounded memory)."""
    tz = contest.tz
    last = (0, 0)
    while True:
        certs = db.session.scalars(
            _register_query(contest, None)
            .where((DocumentKind.id > last[0]) | ((DocumentKind.id == last[0]) & (Certificate.seq > last[1])))
            .options(joinedload(Certificate.document_kind))
            .order_by(DocumentKind.id, Certificate.seq).limit(batch)
        ).unique().all()
        if not certs:
            return
        ids = [c.id for c in certs]
        replaced = dict(db.session.execute(
            select(Certificate.replaces_id, Certificate.number).where(Certificate.replaces_id.in_(ids))
        ).all())
        replaces = dict(db.session.execute(
            select(Certificate.id, Certificate.number)
            .where(Certificate.id.in_([c.replaces_id for c in certs if c.replaces_id]))
        ).all())
        for c in certs:
            yield (
                c.document_kind.code, c.number, c.recipient, c.unit, c.what_for,
                c.issued_at.astimezone(tz).replace(tzinfo=None, microsecond=0),
                c.status.value, c.status_reason,
                c.status_changed_at.astimezone(tz).replace(tzinfo=None, microsecond=0)
                if c.status_changed_at else None,
                replaces.get(c.replaces_id, ""), replaced.get(c.id, ""),
            )
        last = (certs[-1].document_kind_id, certs[-1].seq)
        for c in certs:
            db.session.expunge(c)


# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutral_cell(value):
    """A text a spreadsheet shows as typed, never evaluates (a leading apostrophe-like quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_register_xlsx(contest: Contest, out) -> int:
    """The whole register as an XLSX workbook written to ``out`` (a path or file); returns
    how many lines. Written row by row (openpyxl's write-only mode): memory stays bounded."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(list(REGISTER_COLUMNS))
    count = 0
    for row in register_rows(contest):
        sheet.append([neutral_cell(v) for v in row])
        count += 1
    book.save(out)
    return count
