"""The secretariat's pages: the screening list with its bulk decision."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from contest.auth.access import role_required
from contest.extensions import db
from contest.models import EntryStatus, Role
from contest.public.views import contest_or_404
from contest.secretariat.forms import ScreeningForm
from contest.secretariat.services import ScreeningError, screen_entries, screening_page

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
                           listing=listing, ticked=set(form.entries.data or []))
