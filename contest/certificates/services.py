"""Issue numbered certificates at finalization and turn them into printable data."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from contest.certificates.rendering import CertificateView
from contest.domain.numbering import format_number
from contest.extensions import db
from contest.models import Award, Certificate, Contest, DocumentKind, Entry


def issue_certificates(contest: Contest, awards: list[Award], now: datetime) -> list[Certificate]:
    """One certificate per award and document kind covering its tier, in prize order."""
    issued = []
    ordered = sorted(awards, key=lambda a: (a.tier.position, a.rank, a.entry.code))
    for kind in contest.documents:
        tier_ids = {t.id for t in kind.tiers}
        year = (kind.dated or now.astimezone(contest.tz).date()).year
        for seq, award in enumerate((a for a in ordered if a.tier_id in tier_ids), 1):
            entry = award.entry
            issued.append(Certificate(
                document_kind=kind, entry=entry, award=award, seq=seq,
                number=format_number(kind.number_format, seq, year),
                token=secrets.token_urlsafe(16),
                recipient=", ".join(entry.author_names) or entry.organization,
                unit=entry.organization,
                entry_title=entry.title,
                tier_name=award.tier.name,
                issued_at=now,
            ))
    db.session.add_all(issued)
    db.session.flush()
    return issued


def document_kind(contest: Contest, code: str) -> DocumentKind | None:
    return next((d for d in contest.documents if d.code == code), None)


def certificates_of(kind: DocumentKind) -> list[Certificate]:
    """A kind's certificates in prize order (their numbers were given in that order)."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.document_kind_id == kind.id).order_by(Certificate.seq)
    ))


def certificate_of(kind: DocumentKind, seq: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.document_kind_id == kind.id, Certificate.seq == seq)
    )


def certificates_by_kind(contest: Contest) -> dict[int, list[Certificate]]:
    """Every issued certificate of a contest with its entry, in one query, by kind id."""
    issued: dict[int, list[Certificate]] = {kind.id: [] for kind in contest.documents}
    for cert in db.session.scalars(
        select(Certificate).join(DocumentKind)
        .where(DocumentKind.contest_id == contest.id)
        .options(joinedload(Certificate.entry))
        .order_by(Certificate.document_kind_id, Certificate.seq)
    ):
        issued[cert.document_kind_id].append(cert)
    return issued


def certificate_by_token(token: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.token == token).options(
            selectinload(Certificate.document_kind).selectinload(DocumentKind.contest),
            selectinload(Certificate.award).selectinload(Award.tier),
        )
    )


def certificates_by_number(number: str) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.number == number.strip()).order_by(Certificate.id)
        .options(selectinload(Certificate.document_kind).selectinload(DocumentKind.contest))
    ))


def certificates_for_entry(entry: Entry) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).join(DocumentKind)
        .where(Certificate.entry_id == entry.id).order_by(DocumentKind.id)
    ))


def public_base_url() -> str:
    """The site's address as certificates print it (QR codes and the lookup line)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def base_url_unreachable() -> bool:
    """Outside development, a loopback address in the QR codes cannot be opened by anyone else."""
    from contest.domain.addresses import is_loopback_url

    return not current_app.debug and is_loopback_url(public_base_url())


def verify_url(cert: Certificate) -> str:
    return f"{public_base_url()}/verify/{cert.token}"


def certificate_view(cert: Certificate) -> CertificateView:
    """The plain data a certificate template may use, and nothing else."""
    kind = cert.document_kind
    contest = kind.contest
    printed: date = kind.dated or cert.issued_at.astimezone(contest.tz).date()
    # A collective named after its unit ("Tập thể Hội Nông dân xã X") needs no "Đơn vị" line.
    unit = "" if cert.unit.casefold() in cert.recipient.casefold() else cert.unit
    return CertificateView(
        title=kind.title,
        issuer_lines=tuple(kind.issuer.splitlines()),
        preamble=kind.preamble,
        recipient=cert.recipient,
        unit=unit,
        entry_title=cert.entry_title,
        prize=cert.tier_name,
        contest_name=contest.name,
        place=contest.place,
        day=printed.day,
        month=printed.month,
        year=printed.year,
        signer_title_lines=tuple(kind.signer_title.splitlines()),
        signer_name=kind.signer_name,
        number=cert.number,
        verify_url=verify_url(cert),
    )
