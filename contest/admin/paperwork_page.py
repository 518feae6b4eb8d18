"""The office documents' settings on the organizer's settings page: saved on their own,
also after finalizing, since they change no result."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.admin.forms import SettingsForm
from contest.admin.paperwork_form import PaperworkForm
from contest.admin.paperwork_settings import set_paperwork
from contest.admin.views import bp, settings_saved
from contest.auth.access import role_required
from contest.models import Role
from contest.public.views import contest_or_404


@bp.post("/c/<slug>/organize/settings/paperwork")
@role_required(Role.ORGANIZER)
def save_paperwork(slug: str):
    contest = contest_or_404(slug)
    form = PaperworkForm(prefix=PaperworkForm.PREFIX)
    if form.validate_on_submit() and settings_saved(
            form, lambda: set_paperwork(contest, {"paperwork": form.table()}, actor=current_user)):
        flash(_("The settings of the office documents are saved."), "success")
        return redirect(url_for(".settings", slug=slug, _anchor="paperwork"))
    return render_template("admin/settings.html", contest=contest, paperwork_form=form,
                           form=SettingsForm(formdata=None, data=SettingsForm.initial_data(contest)))
