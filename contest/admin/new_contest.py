"""A new contest in the browser: from scratch, or as a copy of another (next year's edition)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from contest.admin.forms import NewContestForm
from contest.admin.services import create_contest, next_edition_settings
from contest.admin.setup import SetupError
from contest.admin.views import bp
from contest.auth.access import role_required
from contest.extensions import db
from contest.models import Contest, Role


@bp.route("/organize/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def new_contest():
    contests = list(db.session.scalars(select(Contest).order_by(Contest.opens_at.desc(), Contest.id)))
    source = next((c for c in contests if c.slug == request.args.get("copy")), None)
    initial = None if request.method == "POST" else NewContestForm.initial_from(
        next_edition_settings(source) if source else None)
    form = NewContestForm(data=initial)
    if form.validate_on_submit():
        try:
            contest = create_contest(form.settings(), actor=current_user, edition_of=source)
        except SetupError as exc:
            db.session.rollback()
            form.attach_setup_errors(exc.errors)
        else:
            db.session.commit()
            flash(_("The contest %(name)s is created. It opens for entries at the time you set.",
                    name=contest.name), "success")
            return redirect(url_for(".dashboard", slug=contest.slug))
    return render_template("admin/new_contest.html", form=form, source=source, contests=contests)
