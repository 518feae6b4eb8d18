"""The ``contest`` command line: set-up, imports, results, finalization, printing.

Every command works on the configured database (DATABASE_URL, else the
SQLite file under instance/) and commits only when it succeeds.
"""
from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from contest.domain.aggregation import METHODS
from contest.domain.scoring import format_score
from contest.extensions import db
from contest.models import Contest, Role


class ContestGroup(FlaskGroup):
    """The Flask CLI, with a plain message instead of a traceback when the
    database has no schema yet (the usual first mistake)."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig)
            if "no such table" in text or "does not exist" in text:
                raise click.ClickException(
                    "the database has no tables yet: run `contest db upgrade` first"
                ) from None
            raise


def main() -> None:
    from contest import create_app

    ContestGroup(create_app=create_app, help="Run a writing and media contest.")(prog_name="contest")


def register(app: Flask) -> None:
    from contest.certificates.commands import COMMANDS
    from contest.documents.commands import COMMANDS as DOCUMENT_COMMANDS

    for command in (demo, setup, import_entries, import_scores, results, resolve_tie,
                    start_judging, advance, finalize, unfinalize, publish, certificates, score_sheets,
                    blind_copies, create_user, worker, backup, restore, *COMMANDS, *DOCUMENT_COMMANDS):
        app.cli.add_command(command)


def _contest(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        raise click.ClickException(f"no contest with slug {slug!r}")
    return contest


def _document_kind(contest: Contest, code: str):
    from contest.certificates.services import document_kind

    kind = document_kind(contest, code)
    if kind is None:
        known = ", ".join(d.code for d in contest.documents) or "none"
        raise click.ClickException(f"no document {code!r} in {contest.slug}; documents: {known}")
    return kind


def _check_out(out: Path) -> None:
    """Refuse, before any work, an ``--out`` file whose folder is not there."""
    if not out.parent.is_dir():
        raise click.ClickException(f"cannot write {out}: there is no folder {out.parent}")


@contextmanager
def _writing(out: Path):
    """The system's refusal to write ``out`` (no space, no permission) as the command's error."""
    try:
        yield
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None


def _fail(errors: list[object]) -> None:
    """Roll back and exit with the errors, in English like the rest of the command line."""
    db.session.rollback()
    with force_locale("en"):
        lines = [str(error) for error in errors]
    raise click.ClickException("nothing was changed:\n  " + "\n  ".join(lines))


@click.command()
@click.option("--entries", default=380, show_default=True, help="How many entries to generate.")
@click.option("--judges", default=7, show_default=True, help="How many judges.")
@click.option("--seed", default=2022, show_default=True, help="Random seed: same seed, same data.")
@with_appcontext
def demo(entries: int, judges: int, seed: int) -> None:
    """Load the seed contest dvk-2022 with accounts, entries and complete scores."""
    from contest.demo import DemoError, load_demo
    from contest.mail import absolute_url

    if entries < 1 or judges < 3:
        raise click.BadParameter("at least 1 entry and 3 judges")
    try:
        logins = load_demo(entries=entries, judges=judges, seed=seed)
    except DemoError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"Demo contest dvk-2022: {entries} entries, {judges} judges, scores complete.")
    # The site's own address (scripts/demo sets PUBLIC_BASE_URL to the port it serves on).
    click.echo(f"Log in at {absolute_url('auth.login')} with:")
    for role, email, password in logins:
        click.echo(f"  {role:<10} {email:<32} {password}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def setup(file: Path) -> None:
    """Create or update a contest from a TOML settings file (see docs/contest-example.toml)."""
    from contest.admin.setup import SetupError, apply_contest_settings, parse_contest_file

    try:
        contest = apply_contest_settings(parse_contest_file(file.read_bytes()))
    except SetupError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"contest {contest.slug}: {len(contest.categories)} categories, "
               f"{len(contest.criteria)} criteria, {len(contest.tiers)} tiers, "
               f"{len(contest.documents)} documents")


@click.command("import-entries")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_entries(slug: str, file: Path) -> None:
    """Import entries from CSV or XLSX; re-importing a code updates that entry."""
    from contest.entries.importing import import_entries as run_import
    from contest.importing import CsvImportError

    contest = _contest(slug)
    try:
        with force_locale("en"):
            summary = run_import(contest, file.read_bytes(), filename=file.name)
    except CsvImportError as exc:
        _fail(exc.errors)
    db.session.commit()
    click.echo(f"{summary.created} entries created, {summary.updated} updated")


@click.command("import-scores")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--create-judges", is_flag=True, help="Create unknown judges' accounts.")
@click.option("--overwrite", is_flag=True,
              help="Replace sheets the judges already submitted (each change is kept in the history).")
@click.option("--round", "round_code", metavar="CODE", help="The round the sheets belong to (default: the open one).")
@with_appcontext
def import_scores(slug: str, file: Path, create_judges: bool, overwrite: bool, round_code: str | None) -> None:
    """Import paper score sheets from CSV or XLSX (one row per judge and entry)."""
    from contest.importing import CsvImportError
    from contest.judging.importing import import_scores as run_import

    contest = _contest(slug)
    try:
        with force_locale("en"):
            summary = run_import(contest, file.read_bytes(), create_judges=create_judges,
                                 overwrite=overwrite, filename=file.name, round_code=round_code)
    except CsvImportError as exc:
        _fail(exc.errors)
    db.session.commit()
    round_note = f" into round {round_code}" if round_code else ""
    click.echo(f"{summary.sheets} score sheets imported{round_note}, {summary.changed} changed")
    for email in summary.judges_created:
        click.echo(f"  judge account created: {email} (set a password: contest create-user)")


@click.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--snapshot", is_flag=True,
              help="The finalized results' snapshot as JSON, with its SHA-256.")
@click.option("--method", type=click.Choice(METHODS), default=None,
              help="Rank by this aggregation method instead of the round's (a preview).")
@with_appcontext
def results(slug: str, fmt: str, snapshot: bool, method: str | None) -> None:
    """The ranking: ranks, scores, tiers, boundary ties and incomplete entries."""
    from contest.results.services import compute_ranking, ranking_records

    if snapshot:
        _print_snapshot(_contest(slug))
        return
    ranking = compute_ranking(_contest(slug), method)
    records = ranking_records(ranking)
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from contest.exporting import write_csv_rows

        header = list(records[0]) if records else ["code"]
        cell = {"authors": "; ".join, "round_scores": json.dumps}
        write_csv_rows(sys.stdout, header, [[cell[k](r[k]) if k in cell else r[k] for k in header]
                                            for r in records])
        return
    for r in records:
        rank = r["rank"] if r["rank"] is not None else "-"
        flag = "TIE" if r["boundary_tie"] else ("incomplete" if not r["complete"] else "")
        if r["disagreement"]:
            flag = (flag + " DISAGREE").strip()
        moved = f"(mean: {r['tier_if_mean'] or '-'})" if r["tier_if_mean"] != r["tier"] else ""
        click.echo(f"{rank!s:>4}  {r['code']:<10} {r['score'] or '—':>7} {r['raw_score'] or '—':>7}  "
                   f"{r['tier'] or '':<3} {moved:<11} {flag:<10} {r['title'][:60]}")
    click.echo(f"method: {ranking.method} (score, then the plain mean)")
    counts = ranking.tier_counts()
    click.echo("tiers: " + ", ".join(f"{t.code} {counts.get(t.code, 0)}/{ranking.quota_of(t)}"
                                     for t in ranking.contest.tiers))
    for d in ranking.decided:
        tiers = "/".join(t.code if t else "none" for t in d.tiers)
        order = (" = " if d.shared else " > ").join(d.codes)
        click.echo(f"tie at {format_score(d.score)} ({tiers}) decided by {d.decided_by}: {order}")
    for tie in ranking.ties:
        tiers = "/".join(t.code if t else "none" for t in tie.tiers)
        click.echo(f"boundary tie at {tie.rows[0].score_text} ({tiers}): {' '.join(tie.codes)}")
    if ranking.incomplete:
        click.echo(f"incomplete: {len(ranking.incomplete)} entries")
    if ranking.same_prizes_under_every_method:
        click.echo("the prize list is the same under every method")
    for other, count in ranking.tier_changes_by_method.items():
        if count:
            click.echo(f"{count} {'entry changes' if count == 1 else 'entries change'} tier under {other}")


def _print_snapshot(contest) -> None:
    from contest.results.snapshots import current_snapshot, snapshot_body

    stored = current_snapshot(contest)
    if stored is None:
        _fail([f"contest {contest.slug} is not finalized: it has no snapshot"])
    click.echo(json.dumps({"sha256": stored.sha256, "snapshot": snapshot_body(stored)},
                          ensure_ascii=False, indent=2, sort_keys=True))


@click.command("resolve-tie")
@click.argument("slug")
@click.argument("codes", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why this order (kept in the audit log).")
@with_appcontext
def resolve_tie(slug: str, codes: tuple[str, ...], reason: str) -> None:
    """Order the entries of a boundary tie, best first."""
    from contest.results.services import ResultsError, resolve_tie as run

    try:
        run(_contest(slug), list(codes), reason, actor=None)
    except ResultsError as exc:
        _fail([exc])
    db.session.commit()
    click.echo("tie resolved: " + " > ".join(codes))


@click.command("start-judging")
@click.argument("slug")
@with_appcontext
def start_judging(slug: str) -> None:
    """Close submissions and open scoring."""
    from contest.judging.services import JudgingError, start_judging as run

    try:
        run(_contest(slug), actor=None)
    except JudgingError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"{slug}: judging")


@click.command()
@click.argument("slug")
@click.option("--pick", "picked", multiple=True, metavar="CODE",
              help="An entry that goes on, for a round whose rule is the organizer's pick (repeat it).")
@with_appcontext
def advance(slug: str, picked: tuple[str, ...]) -> None:
    """Close the open round (every sheet must be in) and open the next with its judges."""
    from contest.domain.assignment import AssignmentError
    from contest.judging.rounds import RoundError, close_round
    from contest.judging.services import JudgingError

    contest = _contest(slug)
    closing = contest.current_round
    try:
        plan = close_round(contest, actor=None, picked=list(picked) or None)
    except (RoundError, JudgingError, AssignmentError) as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"round {closing.code} closed: {len(plan.advancing)} entries go on to round "
               f"{plan.next.code} ({plan.next.name})")
    for tie in plan.ties:
        where = f" in {next(c.code for c in contest.categories if c.id == tie.category)}" \
            if tie.category is not None else ""
        click.echo(f"  tie at the cut{where}: {len(tie.keys)} entries at {format_score(tie.score)} all go on "
                   f"({tie.extra} more than the rule): {' '.join(plan.codes_of(tie.keys))}")
    click.echo(f"  round {plan.next.code}: {len(plan.panel)} judges, {plan.assigned} score sheets assigned")


@click.command()
@click.argument("slug")
@with_appcontext
def finalize(slug: str) -> None:
    """Lock scores and awards and issue the numbered certificates."""
    from contest.certificates.services import certificates_of
    from contest.results.services import ResultsError, finalize as run

    contest = _contest(slug)
    try:
        awards = run(contest, actor=None)
    except ResultsError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"{slug} finalized: {len(awards)} prizes")
    for kind in contest.documents:
        numbers = [c.number for c in certificates_of(kind)]
        span = f"{numbers[0]} … {numbers[-1]}" if len(numbers) > 1 else "".join(numbers)
        who = {"tiers": f"tiers {', '.join(t.code for t in kind.tiers)}",
               "participation": "every eligible entry", "list": "recognition list"}[kind.awarded_to.value]
        click.echo(f"  {kind.code}: {len(numbers)} certificates {span} ({who})")


@click.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why the results are reopened (kept in the audit log).")
@with_appcontext
def unfinalize(slug: str, reason: str) -> None:
    """Reopen finalized results before publication: awards released, certificates voided."""
    from contest.results.reopen import unfinalize as run
    from contest.results.services import ResultsError

    try:
        voided = run(_contest(slug), reason, actor=None)
    except ResultsError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"{slug}: results reopened for judging; {voided} certificates void "
               "(their numbers are not given again)")


@click.command()
@click.argument("slug")
@with_appcontext
def publish(slug: str) -> None:
    """Publish the results of a finalized contest."""
    from contest.results.services import ResultsError, publish as run

    try:
        run(_contest(slug), actor=None)
    except ResultsError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"{slug}: results published")


@click.command()
@click.argument("slug")
@click.option("--document", "code", required=True, help="Document kind code, e.g. GCN.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def certificates(slug: str, code: str, out: Path) -> None:
    """Write the valid certificates of one kind to one printable PDF, in number order
    (prize or list order), a few hundred pages at a time."""
    from contest.certificates.batches import write_batch_pdf
    from contest.certificates.services import count_valid

    contest = _contest(slug)
    if not contest.is_locked:
        raise click.ClickException(f"contest {slug} is not finalized: run `contest finalize {slug}`")
    kind = _document_kind(contest, code)
    if not count_valid(kind):
        raise click.ClickException(f"no {code} certificates were issued in {slug}")
    _check_out(out)
    with _writing(out):
        pages = write_batch_pdf(kind, out)
    click.echo(f"{out}: {pages} certificates")


@click.command("score-sheets")
@click.argument("slug")
@click.option("--judge", "email", help="Only this judge's sheet (by e-mail); all judges without it.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def score_sheets(slug: str, email: str | None, out: Path) -> None:
    """Print paper score sheets (PDF): the judge's entry codes, the criteria, boxes, a signature line."""
    from contest.auth.services import user_by_email
    from contest.judging.paper import paper_sheets, render_paper_sheets

    contest = _contest(slug)
    judges = None
    if email is not None:
        judge = user_by_email(email)
        if judge is None or not judge.has_role(Role.JUDGE):
            raise click.ClickException(f"{email} is not a judge")
        judges = [judge]
    sheets = paper_sheets(contest, judges)
    if not sheets or not any(s.entries for s in sheets):
        raise click.ClickException(f"no judge has entries to score in {slug}")
    _check_out(out)
    with force_locale("vi"):
        pdf = render_paper_sheets(contest, sheets)
    with _writing(out):
        out.write_bytes(pdf)
    click.echo(f"{out}: {len(sheets)} judges, {sum(len(s.entries) for s in sheets)} entries")


@click.command("blind-copies")
@click.argument("slug")
@with_appcontext
def blind_copies(slug: str) -> None:
    """Make the judges' blind copies of files that have none (files uploaded before blind copies)."""
    from contest.entries.services import blind_missing_copies

    made, review = blind_missing_copies(_contest(slug))
    db.session.commit()
    click.echo(f"{made} blind copies made, {review} files need review by the organizers")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              required=True)
@click.option("--organization", default="", help="Where a judge works (for conflict rules).")
@click.option("--district", default="", help="The district a judge works in (for conflict rules).")
@click.password_option()
@with_appcontext
def create_user(email: str, name: str, roles: tuple[str, ...], password: str, organization: str,
                district: str) -> None:
    """Create an account (or add roles and set the password of an existing one)."""
    from contest.auth.services import AccountError, upsert_user
    from contest.judging.services import set_workplace

    try:
        user = upsert_user(email, name, [Role(r) for r in roles], password)
        set_workplace(user, organization, district, actor=None)
    except AccountError as exc:
        _fail([exc])
    db.session.commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")


@click.command()
@click.option("--workers", default=2, show_default=True, help="Tasks run at once (threads).")
@click.option("--drain", is_flag=True, help="Run what is queued now, then exit.")
@click.option("--check", is_flag=True, help="Queue a check and wait for a running worker to take it.")
@click.option("--timeout", default=30, show_default=True, help="Seconds --check waits.")
@with_appcontext
def worker(workers: int, drain: bool, check: bool, timeout: int) -> None:
    """Run background jobs (mail, large print batches) from the queue."""
    from contest.jobs import check_worker, create_job, jobs
    from contest.models import Job, JobStatus

    if drain:
        click.echo(f"{jobs.run_pending()} jobs run")
        return
    if check:
        job = create_job("worker.check", total=0)
        jobs.enqueue_on_commit(check_worker, job.id)
        db.session.commit()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Job, job.id).status is JobStatus.DONE:
                click.echo(f"a worker took the check job in {timeout - (deadline - time.monotonic()):.1f} s")
                return
            time.sleep(0.2)
        raise click.ClickException(f"no worker took the check job within {timeout} s: "
                                   "is `contest worker` running on this queue?")
    if workers < 1:
        raise click.BadParameter("at least 1", param_hint="--workers")
    import logging

    # What the worker does goes to stderr, where systemd's journal picks it up.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs.huey.create_consumer(workers=workers, worker_type="thread").run()


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path) -> None:
    """Write the whole database and every uploaded file to one archive (FILE, new)."""
    from contest.backup import BackupError, write_backup

    try:
        summary = write_backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{file}: {sum(summary.rows.values())} rows in {len(summary.rows)} tables, "
               f"{summary.files} files ({summary.bytes} bytes), schema revision {summary.revision}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and upload folder that are not empty.")
@with_appcontext
def restore(file: Path, force: bool) -> None:
    """Restore a backup made by `contest backup` into this database and upload folder."""
    from contest.backup import BackupError, restore_backup

    try:
        summary = restore_backup(file, force=force)
    except BackupError as exc:
        raise click.ClickException(f"nothing was changed: {exc}") from None
    click.echo(f"restored {file}: {sum(summary.rows.values())} rows, {summary.files} files "
               f"({summary.bytes} bytes), schema revision {summary.revision}")
