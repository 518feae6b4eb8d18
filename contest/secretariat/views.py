"""The secretariat's pages: the screening list with its bulk decision, entries received by
post and the files that follow them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from contest.admin.services import entry_of
from contest.auth.access import role_required
from contest.entries.services import UploadRejected
from contest.extensions import db
from contest.models import EntryStatus, Role
from contest.public.views import contest_or_404
from contest.secretariat.forms import AttachFilesForm, PaperEntryForm, ScreeningForm
from contest.secretariat.services import (
    PaperEntryError,
    ScreeningError,
    attach_files,
    enter_paper_entry,
    received_late,
    screen_entries,
    screening_page,
)

bp = Blueprint("secretariat", __name__)

SHOWN = ("submitted", "eligible", "ineligible", "all")


def shown_status(value: str | None) -> tuple[str, EntryStatus | None]:
    """The list's filter: not screened yet by default."""
    show = value if value in SHOWN else "submitted"
    return show, None if show == "all" else EntryStatus(show)


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


@bp.route("/c/<slug>/organize/screening", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def screening(slug: str):
    contest = contest_or_404(slug)
    show, status = shown_status(request.args.get("show"))
    number = page_number(request.args.get("page"))
    form = ScreeningForm()
    if form.validate_on_submit():
        try:
            changed = screen_entries(contest, form.entries.data, form.decision_value(),
                                     form.why_change.data or "", actor=current_user)
        except ScreeningError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(ngettext("%(num)d entry changed.", "%(num)d entries changed.", len(changed)), "success")
            return redirect(url_for(".screening", slug=slug, show=show, page=number))
    elif request.method == "POST":
        flash(_("Nothing was changed: please correct the fields marked in red."), "danger")
    listing = screening_page(contest, status, number)
    return render_template("secretariat/screening.html", contest=contest, form=form, show=show,
                           listing=listing, ticked=set(form.entries.data or []),
                           closing_day=contest.closes_at.astimezone(contest.tz).date())


def refusal(exc: PaperEntryError | UploadRejected) -> str:
    why = exc.message if isinstance(exc, UploadRejected) else exc
    return _("%(why)s Nothing was saved.", why=str(why))


@bp.route("/c/<slug>/organize/paper-entry", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def paper_entry(slug: str):
    """An entry that came by post: typed in on the author's behalf, files now or later."""
    contest = contest_or_404(slug)
    form = PaperEntryForm(contest)
    if form.validate_on_submit():
        try:
            entry = enter_paper_entry(contest, form.entry_fields(), form.received_on.data, form.uploads,
                                      actor=current_user)
        except (PaperEntryError, UploadRejected) as exc:
            db.session.rollback()
            flash(refusal(exc), "danger")
        else:
            db.session.commit()
            flash(_("Entry %(code)s is saved.", code=entry.code), "success")
            if received_late(contest, entry):
                flash(_("It was received after the closing day: screen it as late unless the "
                        "postmark is on time."), "warning")
            return redirect(url_for("admin.entry", slug=slug, code=entry.code))
    return render_template("secretariat/paper_entry.html", contest=contest, form=form)


@bp.route("/c/<slug>/organize/entries/<code>/attach", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def attach(slug: str, code: str):
    """Files of an entry added by the secretariat, e.g. the scans of a paper entry."""
    contest = contest_or_404(slug)
    entry = entry_of(contest, code)
    form = AttachFilesForm(entry)
    if form.validate_on_submit():
        try:
            added = attach_files(entry, form.uploads, actor=current_user)
        except (PaperEntryError, UploadRejected) as exc:
            db.session.rollback()
            flash(refusal(exc), "danger")
        else:
            db.session.commit()
            flash(ngettext("%(num)d file attached to %(code)s.", "%(num)d files attached to %(code)s.",
                           len(added), code=code), "success")
            return redirect(url_for("admin.entry", slug=slug, code=code))
    return render_template("secretariat/attach.html", contest=contest, entry=entry, form=form)
