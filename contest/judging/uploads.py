"""The organizer's upload of a filled score sheet: preview what changes, then apply it."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.auth.access import role_required
from contest.extensions import db
from contest.held_uploads import HeldUploads, upload_expired
from contest.importing import CsvImportError
from contest.judging.forms import ApplyImportForm, ScoreUploadForm
from contest.judging.importing import apply_score_import, plan_score_import
from contest.judging.views import bp
from contest.judging.paper import paper_sheets, render_paper_sheets
from contest.models import Contest, Role, User
from contest.public.views import contest_or_404


# Uploaded sheets waiting for the organizer to apply them.
HELD = HeldUploads("score-imports")


def _page(contest: Contest, form=None, plan=None, apply_form=None, errors=()):
    return render_template("judging/import_scores.html", contest=contest,
                           form=form or ScoreUploadForm(formdata=None), plan=plan,
                           apply_form=apply_form, errors=list(errors))


@bp.route("/c/<slug>/organize/scores/import", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def import_scores_page(slug: str):
    contest = contest_or_404(slug)
    form = ScoreUploadForm()
    if not form.validate_on_submit():
        return _page(contest, form)
    try:
        held, plan = HELD.preview(contest, form.file.data, lambda raw, name: plan_score_import(
            contest, raw, name, form.create_judges.data, form.overwrite.data))
    except CsvImportError as exc:
        return _page(contest, form, errors=exc.errors)
    apply_form = ApplyImportForm(formdata=None, token=held.token, overwrite="1" if form.overwrite.data else "",
                                 create_judges="1" if form.create_judges.data else "")
    page = _page(contest, form, plan=plan, apply_form=apply_form)
    db.session.rollback()  # a preview changes nothing (judges to be created included)
    return page


@bp.post("/c/<slug>/organize/scores/import/apply")
@role_required(Role.ORGANIZER)
def apply_import(slug: str):
    contest = contest_or_404(slug)
    form = ApplyImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        summary = HELD.apply(contest, form.token.data, lambda raw, name: apply_score_import(
            plan_score_import(contest, raw, name, bool(form.create_judges.data), bool(form.overwrite.data)),
            actor=current_user))
    except CsvImportError as exc:
        return _page(contest, errors=exc.errors)
    if summary is None:
        return upload_expired(".import_scores_page", slug)
    flash(_("%(sheets)s score sheets imported, %(changed)s changed.", sheets=summary.sheets,
            changed=summary.changed), "success")
    return redirect(url_for(".progress", slug=slug))


@bp.get("/c/<slug>/organize/paper-sheets.pdf")
@role_required(Role.ORGANIZER)
def paper_sheets_pdf(slug: str):
    """Printable score sheets: every judge of the current round, or ``?judge=<id>``."""
    contest = contest_or_404(slug)
    judge_id = request.args.get("judge", type=int)
    judges = None
    if judge_id is not None:
        judge = db.session.get(User, judge_id) or abort(404)
        judges = [judge]
    pdf = render_paper_sheets(contest, paper_sheets(contest, judges))
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{contest.slug}-score-sheets.pdf")
