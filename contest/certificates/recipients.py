"""Recognition lists: the people and collectives a document kind is awarded to, typed in,
edited in the browser or imported from CSV/XLSX, all lines valid or nothing changed."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from contest.audit import record
from contest.certificates.services import issue_to_new_recipients
from contest.domain.recipients import COLUMNS, LineProblem, RecipientLine, check_recipient_lines
from contest.extensions import db
from contest.importing import CsvImportError, check_header
from contest.models import AwardedTo, Certificate, DocumentKind, Recipient, User
from contest.models.types import utcnow

PROBLEMS = {
    "missing": _l("%(where)s: %(column)s is empty"),
    "too_long": _l("%(where)s: %(column)s is longer than %(limit)d characters"),
    "unknown_kind": _l("%(where)s: kind must be individual or collective (cá nhân, tập thể), not “%(value)s”"),
    "repeated": _l("%(where)s: the same name, unit and reason as %(value)s"),
}
ENGLISH = {
    "missing": "{where}: {column} is empty",
    "too_long": "{where}: {column} is longer than {limit} characters",
    "unknown_kind": "{where}: kind must be individual or collective (cá nhân, tập thể), not '{value}'",
    "repeated": "{where}: the same name, unit and reason as {value}",
}


class RecipientsError(ValueError):
    """Nothing was changed; ``messages`` say why, one per problem, in the page's language."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def problem_messages(problems: list[LineProblem], english: bool = False) -> list[str]:
    if english:
        return [ENGLISH[p.problem].format(where=p.where, column=p.column, value=p.value, limit=p.limit)
                for p in problems]
    return [str(PROBLEMS[p.problem] % dict(where=p.where, column=p.column, value=p.value, limit=p.limit))
            for p in problems]


def read_recipient_file(raw: bytes, filename: str) -> list[RecipientLine]:
    """The lines of a CSV or XLSX recognition list (columns name, kind, unit, reason),
    all checked; raises CsvImportError (English, naming line and column) on any problem."""
    from contest.importing import read_table

    table = read_table(raw, filename)
    rows = table.rows
    check_header(table, ("name",), COLUMNS)
    if not rows:
        raise CsvImportError(["the file has no recipients under its header"])
    lines, problems = check_recipient_lines(rows)
    if problems:
        raise CsvImportError(problem_messages(problems, english=True))
    return lines


def lines_from_form(form) -> tuple[list[dict[str, str]], list[RecipientLine], list[LineProblem]]:
    """The editor's rows as typed (to show again), and the checked lines or their problems.

    Rows are ``rows-N-name``, ``rows-N-kind``, ``rows-N-unit``, ``rows-N-reason``; a row
    ticked ``rows-N-remove`` or left wholly blank is left out.
    """
    indexes = sorted({int(key.split("-")[1]) for key in form if key.startswith("rows-")
                      and key.split("-")[1].isdigit()})
    typed, rows = [], []
    for n in indexes:
        row = {c: form.get(f"rows-{n}-{c}", "") for c in COLUMNS}
        if form.get(f"rows-{n}-remove") or not any(row[c].strip() for c in ("name", "unit", "reason")):
            continue
        typed.append(row)
        rows.append((str(_l("row %(n)d", n=len(typed))), row))
    lines, problems = check_recipient_lines(rows)
    return typed, lines, problems


@dataclass
class RecipientsSummary:
    added: int
    kept: int
    issued: list[Certificate]


def issued_recipient_ids(kind: DocumentKind) -> dict[int, Certificate]:
    """Recipient id → the first certificate issued to that line."""
    found: dict[int, Certificate] = {}
    for cert in db.session.scalars(
        select(Certificate).where(Certificate.document_kind_id == kind.id,
                                  Certificate.recipient_id.is_not(None)).order_by(Certificate.seq)
    ):
        found.setdefault(cert.recipient_id, cert)
    return found


def replace_pending_recipients(kind: DocumentKind, lines: list[RecipientLine], actor: User | None,
                               source: str) -> RecipientsSummary:
    """The list becomes: the lines already issued (kept as they are), then ``lines``.

    A line of ``lines`` equal to an issued one (same name, unit and reason) is not added
    twice, so importing the same file again changes nothing. Once the results are
    finalized, the new lines get their certificates at once, numbered after the others.
    """
    if kind.awarded_to is not AwardedTo.LIST:
        raise RecipientsError([str(_l("%(code)s is not awarded to a recognition list.", code=kind.code))])
    issued = issued_recipient_ids(kind)
    keep = [r for r in kind.recipients if r.id in issued]
    for r in kind.recipients:
        if r.id not in issued:
            db.session.delete(r)
    db.session.flush()
    db.session.expire(kind, ["recipients"])
    kept_keys = {RecipientLine(r.name, r.collective, r.unit, r.reason).key for r in keep}
    position = max((r.position for r in keep), default=0)
    added = 0
    for line in lines:
        if line.key in kept_keys:
            continue
        position += 1
        added += 1
        db.session.add(Recipient(document_kind_id=kind.id, position=position, name=line.name,
                                 collective=line.collective, unit=line.unit, reason=line.reason))
    db.session.flush()
    new_certs = issue_to_new_recipients(kind, utcnow()) if kind.contest.is_locked else []
    record("recipients.saved", contest=kind.contest, actor=actor, target=kind.code, source=source,
           lines=len(keep) + added, added=added, issued=[c.number for c in new_certs])
    return RecipientsSummary(added=added, kept=len(keep), issued=new_certs)
