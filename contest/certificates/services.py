"""Issue numbered certificates at finalization and turn them into printable data."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from contest.certificates.designs import design_view
from contest.certificates.printed import CertificateView, DesignView
from contest.domain.numbering import format_number
from contest.extensions import db
from contest.domain.recipients import names_on_certificates
from contest.models import (
    Award,
    AwardedTo,
    Certificate,
    CertificateStatus,
    Contest,
    DocumentKind,
    Entry,
    EntryStatus,
    Printer,
    Recipient,
)


def issue_certificates(contest: Contest, awards: list[Award], now: datetime) -> list[Certificate]:
    """At finalization: every document kind's certificates, numbered in prize order
    (a kind for tiers), entry order (participation) or list order (a recognition list)."""
    issued: list[Certificate] = []
    ordered = sorted(awards, key=lambda a: (a.tier.position, a.rank, a.entry.code))
    eligible: list[Entry] | None = None
    for kind in contest.documents:
        if kind.awarded_to is AwardedTo.LIST:
            issued += issue_to_new_recipients(kind, now)
            continue
        if kind.awarded_to is AwardedTo.TIERS:
            tier_ids = {t.id for t in kind.tiers}
            targets = [(a.entry, a) for a in ordered if a.tier_id in tier_ids]
        else:
            if eligible is None:
                eligible = eligible_entries(contest)
            targets = [(entry, None) for entry in eligible]
        lines = [
            dict(entry=entry, award=award, recipient=name, unit=entry.organization,
                 entry_title=entry.title, tier_name=award.tier.name if award else "")
            for entry, award in targets
            for name in names_on_certificates(entry.author_names, entry.organization, kind.per_author)
        ]
        issued += _issue(kind, lines, now)
    return issued


def issue_to_new_recipients(kind: DocumentKind, now: datetime) -> list[Certificate]:
    """A certificate for each line of a recognition list that has none yet, in list order."""
    has_one = select(Certificate.id).where(Certificate.recipient_id == Recipient.id).exists()
    new = db.session.scalars(
        select(Recipient).where(Recipient.document_kind_id == kind.id, ~has_one)
        .order_by(Recipient.position)
    ).all()
    return _issue(kind, [dict(recipient_id=r.id, recipient=r.name, unit=r.unit, reason=r.reason)
                         for r in new], now)


def reserve_numbers(kind: DocumentKind, count: int) -> int:
    """The first of ``count`` new sequence numbers of the kind's series.

    The UPDATE holds the kind's row lock until commit: two requests never get the
    same numbers, and a number once handed out is never given again.
    """
    db.session.execute(
        update(DocumentKind).where(DocumentKind.id == kind.id)
        .values(last_seq=DocumentKind.last_seq + count)
        .execution_options(synchronize_session=False)
    )
    last = db.session.scalar(select(DocumentKind.last_seq).where(DocumentKind.id == kind.id))
    db.session.refresh(kind, ["last_seq"])
    return last - count + 1


def _issue(kind: DocumentKind, lines: list[dict], now: datetime) -> list[Certificate]:
    if not lines:
        return []
    year = (kind.dated or now.astimezone(kind.contest.tz).date()).year
    first = reserve_numbers(kind, len(lines))
    issued = [
        Certificate(document_kind=kind, seq=seq, number=format_number(kind.number_format, seq, year),
                    token=secrets.token_urlsafe(16), issued_at=now, **line)
        for seq, line in enumerate(lines, first)
    ]
    db.session.add_all(issued)
    db.session.flush()
    return issued


def eligible_entries(contest: Contest) -> list[Entry]:
    """Every entry not ruled ineligible, by code, with its authors."""
    return list(db.session.scalars(
        select(Entry).where(Entry.contest_id == contest.id, Entry.status != EntryStatus.INELIGIBLE)
        .options(selectinload(Entry.authors)).order_by(Entry.code)
    ))


def document_kind(contest: Contest, code: str) -> DocumentKind | None:
    return next((d for d in contest.documents if d.code == code), None)


def certificates_of(kind: DocumentKind) -> list[Certificate]:
    """A kind's valid certificates in number order (prize or list order, then reissues)."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.document_kind_id == kind.id,
                                  Certificate.status == CertificateStatus.VALID)
        .order_by(Certificate.seq)
    ))


def count_valid(kind: DocumentKind) -> int:
    return db.session.scalar(
        select(func.count(Certificate.id)).where(Certificate.document_kind_id == kind.id,
                                                 Certificate.status == CertificateStatus.VALID)
    )


def certificate_of(kind: DocumentKind, seq: int) -> Certificate | None:
    """A valid certificate by its sequence number (a revoked one is not printed again)."""
    return db.session.scalar(
        select(Certificate).where(Certificate.document_kind_id == kind.id, Certificate.seq == seq,
                                  Certificate.status == CertificateStatus.VALID)
    )


# How many of a kind's certificates the certificates page lists; the register has them all.
SHOWN_PER_KIND = 20


@dataclass
class KindSummary:
    """A document kind on the certificates page: how many are valid, and the first few."""

    valid: int = 0
    not_valid: int = 0
    first: list[Certificate] = field(default_factory=list)


def certificates_by_kind(contest: Contest) -> dict[int, KindSummary]:
    """Per kind id: counts, and the first valid certificates with their entries (two queries)."""
    summary = {kind.id: KindSummary() for kind in contest.documents}
    counts = db.session.execute(
        select(Certificate.document_kind_id, Certificate.status, func.count(Certificate.id))
        .join(DocumentKind).where(DocumentKind.contest_id == contest.id)
        .group_by(Certificate.document_kind_id, Certificate.status)
    ).all()
    for kind_id, status, count in counts:
        if status is CertificateStatus.VALID:
            summary[kind_id].valid += count
        else:
            summary[kind_id].not_valid += count
    place = func.row_number().over(partition_by=Certificate.document_kind_id,
                                   order_by=Certificate.seq).label("place")
    ranked = (select(Certificate.id, place).join(DocumentKind)
              .where(DocumentKind.contest_id == contest.id,
                     Certificate.status == CertificateStatus.VALID).subquery())
    for cert in db.session.scalars(
        select(Certificate).join(ranked, ranked.c.id == Certificate.id)
        .where(ranked.c.place <= SHOWN_PER_KIND)
        .options(joinedload(Certificate.entry))
        .order_by(Certificate.document_kind_id, Certificate.seq)
    ):
        summary[cert.document_kind_id].first.append(cert)
    return summary


def certificate_by_token(token: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.token == token).options(
            selectinload(Certificate.document_kind).selectinload(DocumentKind.contest),
            selectinload(Certificate.replaced_by), selectinload(Certificate.replaces),
        )
    )


def certificates_by_number(number: str) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.number == number.strip())
        .options(selectinload(Certificate.document_kind).selectinload(DocumentKind.contest),
                 selectinload(Certificate.replaced_by))
        .order_by(Certificate.id)
    ))


def certificates_for_entry(entry: Entry) -> list[Certificate]:
    """The entry's valid certificates, by kind and number."""
    return list(db.session.scalars(
        select(Certificate).join(DocumentKind)
        .where(Certificate.entry_id == entry.id, Certificate.status == CertificateStatus.VALID)
        .order_by(DocumentKind.id, Certificate.seq)
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


def certificate_views(certs: list[Certificate], printer: Printer | None = None) -> list[CertificateView]:
    """The plain data of a batch, its kind's design read once."""
    designs: dict[int, DesignView] = {}
    for cert in certs:
        if cert.document_kind_id not in designs:
            designs[cert.document_kind_id] = design_view(cert.document_kind, printer)
    return [certificate_view(c, designs[c.document_kind_id]) for c in certs]


def certificate_view(cert: Certificate, design: DesignView | None = None) -> CertificateView:
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
        reason=cert.reason,
        design=design if design is not None else design_view(kind),
    )


def preview_view(kind: DocumentKind, design: DesignView, shared: dict | None = None) -> CertificateView:
    """The certificate the design page shows: the kind's first issued one, else a sample;
    ``shared`` holds unsaved title, issuer, preamble and signer texts."""
    first = db.session.scalar(
        select(Certificate).where(Certificate.document_kind_id == kind.id).order_by(Certificate.seq).limit(1))
    if first is not None:
        view = certificate_view(first, design)
    else:
        contest = kind.contest
        today = (kind.dated or datetime.now(contest.tz).date())
        view = CertificateView(
            title=kind.title, issuer_lines=tuple(kind.issuer.splitlines()), preamble=kind.preamble,
            recipient="Nguyễn Thị Thuỳ Dương", unit="Mặt trận Tổ quốc xã Tân Tiến",
            entry_title="Dân vận khéo trong xây dựng nông thôn mới kiểu mẫu ở xã Kiền Bái",
            prize=kind.tiers[0].name if kind.tiers else "Giải A", contest_name=contest.name,
            place=contest.place, day=today.day, month=today.month, year=today.year,
            signer_title_lines=tuple(kind.signer_title.splitlines()), signer_name=kind.signer_name,
            number=format_number(kind.number_format, 1, today.year) if kind.number_format else "01",
            verify_url=f"{public_base_url()}/verify/sample", design=design,
        )
    if shared:
        view = replace(
            view, title=shared["title"], issuer_lines=tuple(shared["issuer"].splitlines()),
            preamble=shared["preamble"], signer_title_lines=tuple(shared["signer_title"].splitlines()),
            signer_name=shared["signer_name"])
    return view
