"""What goes into the office's documents, gathered from the finalized snapshot and the settings."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contest.domain.paperwork import (
    DEFAULT_ROLE,
    Document,
    JuryMember,
    Paperwork,
    ProposalKind,
    Proposed,
    Signer,
    build_annex,
    build_minutes,
    build_proposal,
    one_line,
    proposal_reason,
    quoted,
)
from contest.domain.ranking_book import RankingBook, build_ranking_book
from contest.extensions import db
from contest.models import AuthorKind, AwardedTo, Certificate, CertificateStatus, Contest, DocumentKind
from contest.results.snapshots import current_snapshot, snapshot_body

# What can be exported, and in which formats.
FORMATS = {"minutes": ("docx", "pdf"), "annex": ("docx", "pdf"), "proposal": ("docx", "pdf"),
           "ranking": ("xlsx",)}
FILE_NAMES = {"minutes": "bien-ban-ban-giam-khao", "annex": "phu-luc-danh-sach-dat-giai",
              "proposal": "danh-sach-de-nghi-khen-thuong", "ranking": "bang-xep-hang"}
NOT_FINALIZED = _l("The results of %(slug)s are not finalized: the documents are made from the "
                   "finalized results.")
NO_SUCH_FORMAT = _l("%(what)s comes as %(formats)s, not %(format)s.")


class DocumentsError(ValueError):
    """The documents cannot be made (yet); the message says why."""


def _snapshot(contest: Contest) -> dict:
    stored = current_snapshot(contest)
    if stored is None:
        raise DocumentsError(str(NOT_FINALIZED % {"slug": contest.slug}))
    return {**snapshot_body(stored), "sha256": stored.sha256}


def _board_kind(contest: Contest) -> DocumentKind | None:
    """The organizing board's own document: the first one awarded to prize tiers."""
    return next((d for d in contest.documents if d.awarded_to is AwardedTo.TIERS), None)


def paperwork_of(contest: Contest, finalized_at: datetime | None) -> Paperwork:
    """The contest's `[paperwork]` settings, each missing value taken from the contest itself."""
    values = contest.paperwork or {}
    board = _board_kind(contest)
    issuer = values.get("issuer") or (board.issuer if board else contest.organizer)
    signer = Signer(values.get("signer_title") or (board.signer_title if board else "TM. BAN TỔ CHỨC"),
                    values.get("signer_name") or (board.signer_name if board else ""))
    day = finalized_at.astimezone(contest.tz).date() if finalized_at else date.today()
    if values.get("date"):
        day = date.fromisoformat(values["date"])
    return Paperwork(
        issuer=issuer, place=values.get("place") or contest.place, date=day,
        signer=Signer(signer.title.upper(), signer.name),
        jury=tuple(JuryMember(m["name"], m["role"] or DEFAULT_ROLE) for m in values.get("jury", [])),
        meeting_place=values.get("meeting_place", ""),
        meeting_start=_moment(values.get("meeting_start")), meeting_end=_moment(values.get("meeting_end")),
        minutes_number=values.get("minutes_number", ""), decision_number=values.get("decision_number", ""),
        decision_date=date.fromisoformat(values["decision_date"]) if values.get("decision_date") else None,
        judges_named=bool(values.get("judges_named", False)),
    )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _same_issuer(a: str, b: str) -> bool:
    return one_line(a).casefold() == one_line(b).casefold()


def proposal_kinds(contest: Contest, paperwork: Paperwork) -> list[ProposalKind]:
    """Every document kind another issuer gives for the results, with whom its valid certificates
    name and why. A recognition list is left out: it is not made from the results."""
    board = _board_kind(contest)
    # The board's own names: as the paperwork prints it, on its first prize document, as organizer.
    own = [paperwork.issuer, contest.organizer] + ([board.issuer] if board else [])
    kinds = []
    for kind in contest.documents:
        if kind.awarded_to is AwardedTo.LIST or any(_same_issuer(kind.issuer, name) for name in own):
            continue
        certificates = db.session.scalars(
            select(Certificate).where(Certificate.document_kind_id == kind.id,
                                      Certificate.status == CertificateStatus.VALID)
            .options(selectinload(Certificate.entry)).order_by(Certificate.seq)
        ).all()
        proposed = []
        for cert in certificates:
            if cert.entry is None:
                continue
            collective = cert.entry.author_kind is AuthorKind.COLLECTIVE
            reason = (proposal_reason(cert.tier_name, cert.entry_title) if cert.tier_name
                      else f"Tham gia cuộc thi với tác phẩm {quoted(cert.entry_title)}")
            proposed.append(Proposed(cert.recipient, collective, cert.unit, reason))
        kinds.append(ProposalKind(kind.code, kind.title, kind.issuer, tuple(proposed)))
    return kinds


def office_document(contest: Contest, what: str) -> Document:
    """The minutes, the annex or the proposal of a finalized contest, as plain content."""
    snapshot = _snapshot(contest)
    paperwork = paperwork_of(contest, contest.finalized_at)
    if what == "minutes":
        return build_minutes(snapshot, paperwork)
    if what == "annex":
        return build_annex(snapshot, paperwork)
    if what == "proposal":
        return build_proposal(snapshot, paperwork, proposal_kinds(contest, paperwork))
    raise ValueError(f"unknown document {what!r}")


def ranking_book(contest: Contest) -> RankingBook:
    paperwork = paperwork_of(contest, contest.finalized_at)
    return build_ranking_book(_snapshot(contest), named=paperwork.judges_named)


def check_format(what: str, fmt: str) -> None:
    if fmt not in FORMATS[what]:
        raise DocumentsError(str(NO_SUCH_FORMAT % {"what": what, "formats": "/".join(FORMATS[what]),
                                                   "format": fmt}))


def file_name(contest: Contest, what: str, fmt: str) -> str:
    return f"{contest.slug}-{FILE_NAMES[what]}.{fmt}"


def export_document(contest: Contest, what: str, fmt: str) -> bytes:
    """One document of a finalized contest as a file's bytes (DocumentsError when it cannot be)."""
    check_format(what, fmt)
    if what == "ranking":
        from contest.documents.workbook import ranking_xlsx

        return ranking_xlsx(ranking_book(contest))
    document = office_document(contest, what)
    if fmt == "docx":
        from contest.documents.word import document_docx

        return document_docx(document)
    from contest.documents.printed import document_pdf

    return document_pdf(document)
