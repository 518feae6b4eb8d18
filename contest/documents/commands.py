"""`contest export`: the office's documents of a finalized contest to a file (registered by contest.cli)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from contest.documents.content import FORMATS


@click.command("export")
@click.argument("slug")
@click.option("--what", type=click.Choice(list(FORMATS)), required=True,
              help="minutes: the jury's minutes; annex: the decision's list of winners; proposal: "
                   "the commendation proposals; ranking: the ranking workbook.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "xlsx"]), required=True,
              help="docx or pdf for minutes, annex and proposal; xlsx for the ranking.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def export(slug: str, what: str, fmt: str, out: Path) -> None:
    """Write one of the office's documents, made from the finalized results."""
    from contest.cli import _check_out, _contest, _writing
    from contest.documents.content import DocumentsError, export_document

    contest = _contest(slug)
    _check_out(out)
    try:
        with force_locale("en"):
            body = export_document(contest, what, fmt)
    except DocumentsError as exc:
        raise click.ClickException(str(exc)) from None
    with _writing(out):
        out.write_bytes(body)
    click.echo(f"{out}: {what} ({fmt}, {len(body)} bytes)")


@click.command("paperwork")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def paperwork(slug: str, file: Path) -> None:
    """Set a contest's [paperwork] from a settings file (that table alone), finalized or not."""
    from contest.admin.paperwork_settings import set_paperwork
    from contest.admin.setup import SetupError, parse_contest_file
    from contest.cli import _contest, _fail
    from contest.extensions import db

    contest = _contest(slug)
    try:
        set_paperwork(contest, parse_contest_file(file.read_bytes()))
    except SetupError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"{slug}: paperwork set ({len(contest.paperwork['jury'])} jury members)")


COMMANDS = (export, paperwork)
