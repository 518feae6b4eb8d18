"""Command-line tools of the register and the recognition lists (registered by contest.cli)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from contest.extensions import db


def _contest(slug: str):
    from contest.cli import _contest as find

    return find(slug)


def _certificate(contest, number: str, document: str | None):
    from contest.certificates.register import RegisterError, certificate_in

    try:
        cert = certificate_in(contest, number, document)
    except RegisterError as exc:
        with force_locale("en"):
            raise click.ClickException(str(exc)) from None
    if cert is None:
        raise click.ClickException(f"no certificate numbered {number!r} in {contest.slug}")
    return cert


@click.command()
@click.argument("slug")
@click.option("--document", "code", required=True, help="Code of a document awarded to a list, e.g. BKPT.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def recipients(slug: str, code: str, file: Path) -> None:
    """Import a recognition list (CSV or XLSX: name, kind, unit, reason); all lines valid or
    nothing changes. The file replaces the lines not yet issued."""
    from contest.certificates.recipients import RecipientsError, read_recipient_file, replace_pending_recipients
    from contest.cli import _document_kind
    from contest.importing import CsvImportError

    contest = _contest(slug)
    kind = _document_kind(contest, code)
    try:
        lines = read_recipient_file(file.read_bytes(), file.name)
        with force_locale("en"):
            summary = replace_pending_recipients(kind, lines, actor=None, source="command line")
    except (CsvImportError, RecipientsError) as exc:
        db.session.rollback()
        problems = exc.errors if isinstance(exc, CsvImportError) else exc.messages
        raise click.ClickException("nothing was changed:\n  " + "\n  ".join(problems)) from None
    db.session.commit()
    click.echo(f"{kind.code}: {summary.kept + summary.added} recipients ({summary.added} new, "
               f"{summary.kept} already issued)")
    if summary.issued:
        click.echo(f"issued {len(summary.issued)} certificates: {summary.issued[0].number} to "
                   f"{summary.issued[-1].number}")


@click.command()
@click.argument("slug")
@click.argument("number")
@click.option("--reason", required=True, help="Why (kept in the register and the audit log).")
@click.option("--document", "code", help="The document kind, when two kinds share the number.")
@with_appcontext
def revoke(slug: str, number: str, reason: str, code: str | None) -> None:
    """Revoke the certificate with this NUMBER: its verify page then says so."""
    from contest.certificates.register import RegisterError, revoke as revoke_certificate

    cert = _certificate(_contest(slug), number, code)
    try:
        with force_locale("en"):
            revoke_certificate(cert, reason, actor=None)
    except RegisterError as exc:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(f"nothing was changed: {exc}") from None
    db.session.commit()
    click.echo(f"{cert.number} ({cert.recipient}) is revoked")


@click.command()
@click.argument("slug")
@click.argument("number")
@click.option("--name", help="The recipient's name as it should be printed (else unchanged).")
@click.option("--reason", required=True, help="Why (kept in the register and the audit log).")
@click.option("--document", "code", help="The document kind, when two kinds share the number.")
@with_appcontext
def reissue(slug: str, number: str, name: str | None, reason: str, code: str | None) -> None:
    """Reissue the certificate with this NUMBER under the next number of its series."""
    from contest.certificates.register import RegisterError, reissue as reissue_certificate

    cert = _certificate(_contest(slug), number, code)
    try:
        with force_locale("en"):
            new = reissue_certificate(cert, reason, actor=None, name=name)
    except RegisterError as exc:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(f"nothing was changed: {exc}") from None
    db.session.commit()
    click.echo(f"{cert.number} is reissued as {new.number} ({new.recipient}); {cert.number} is revoked")


@click.command("register")
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def register_command(slug: str, out: Path) -> None:
    """Write the register of every document issued (number, recipient, status…) to an XLSX file."""
    from contest.certificates.register import write_register_xlsx
    from contest.cli import _check_out, _writing

    contest = _contest(slug)
    _check_out(out)
    with _writing(out):
        count = write_register_xlsx(contest, out)
    click.echo(f"{out}: {count} documents")


COMMANDS = (recipients, revoke, reissue, register_command)
