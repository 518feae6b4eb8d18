"""The organizer's ranking page: tiers, boundary ties, finalization and publication."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import get_locale, ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from contest.auth.access import role_required
from contest.certificates.register import voidable_count
from contest.domain.aggregation import METHODS
from contest.extensions import db
from contest.labels import METHOD_LABELS
from contest.models import Contest, ContestPhase, Role
from contest.pagination import RowPagination
from contest.public.views import contest_or_404
from contest.results.cache import (
    KeptRanking,
    contest_with_version,
    kept_derived,
    kept_page,
    kept_ranking,
    ranking_distribution,
)
from contest.results.forms import ResolveTieForm, UnfinalizeForm
from contest.results.reopen import unfinalize
from contest.results.snapshots import current_snapshot
from contest.results.services import (
    Ranking,
    ResultsError,
    add_reader,
    finalize,
    entry_lines,
    publish,
    ranking_figures,
    resolve_tie,
    tie_resolutions,
)

bp = Blueprint("results", __name__)
MAX_TIED = 200  # more codes than any real tie: a broken request
ROWS_PER_PAGE = 100
# Where each request's CSRF token goes in kept HTML: escaped text never holds "<".
CSRF_SLOT = "<csrf-token>"
CSRF_SLOT_HTML = Markup(CSRF_SLOT)  # nosec B704 # a constant


def previewed_method() -> tuple[str | None, bool]:
    """The method asked for in ``?method=`` (None: the round's), and whether it was unknown."""
    asked = request.args.get("method", "")
    if asked in METHODS:
        return asked, False
    return None, bool(asked)


def ranking_page(contest: Contest, failed_form: ResolveTieForm | None = None,
                 finalize_refused: str | None = None, version: int | None = None):
    """The ranking page, a page of rows at a time; a refused form is shown in place of
    the blank one for its tie. With a kept ranking, the page's content (everything but the
    visitor's menu and messages) is kept with it as HTML per language and query string,
    each request's CSRF token filled in; ``version``: the ranking version read with
    ``contest`` (contest_with_version)."""
    method, unknown_method = previewed_method()

    def content(ranking: Ranking, kept: KeptRanking | None) -> str:
        page = RowPagination(ranking.rows, ROWS_PER_PAGE)
        tied = [row for tie in ranking.ties for row in tie.rows]
        forms = []
        for tie in ranking.ties:
            if failed_form is not None and sorted(failed_form.tied_codes) == sorted(tie.codes):
                forms.append(failed_form)
            else:
                forms.append(ResolveTieForm.for_codes(tie.codes, formdata=None))
        return render_template(
            "results/_ranking_page.html", contest=contest, ranking=ranking, tie_forms=forms,
            lines=entry_lines(contest, {row.entry_id for row in (*page.items, *tied)}),
            resolutions=tie_resolutions(contest), finalize_refused=finalize_refused,
            figures=kept_derived(kept, ("figures",), lambda: ranking_figures(ranking)),
            snapshot=current_snapshot(contest), page=page, methods=METHODS, method_labels=METHOD_LABELS,
            unknown_method=unknown_method, page_args={"method": method} if method else {},
            round_names={r.code: r.name for r in contest.rounds},
            distribution=ranking_distribution(ranking, kept), csrf_token=lambda: CSRF_SLOT_HTML)

    if failed_form is None and finalize_refused is None:
        key = ("page", str(get_locale()), tuple(request.args.items(multi=True)))
        html = kept_page(contest, method, key, content, version)
    else:
        html = content(*kept_ranking(contest, method))
    token = str(escape(generate_csrf()))
    content_html = Markup(html.replace(CSRF_SLOT, token))  # nosec B704 # rendered by the template, which escaped its texts
    return render_template("results/ranking.html", contest=contest, content=content_html)


@bp.get("/c/<slug>/organize/ranking")
@role_required(Role.ORGANIZER)
def ranking(slug: str):
    contest, version = contest_with_version(slug)
    return ranking_page(contest, version=version)


@bp.post("/c/<slug>/organize/ranking/resolve")
@role_required(Role.ORGANIZER)
def resolve(slug: str):
    contest = contest_or_404(slug)
    codes = request.form.get("codes", "").split()
    if not codes or len(codes) > MAX_TIED:
        abort(400)
    form = ResolveTieForm.for_codes(codes)
    if not form.validate_on_submit():
        return ranking_page(contest, failed_form=form)
    try:
        resolve_tie(contest, form.ordered_codes(), form.reason.data, actor=current_user)
    except ResultsError:
        db.session.rollback()
        flash(_("These entries are no longer one group of equal scores, or the contest is no "
                "longer being judged. Check the ranking below and try again."), "danger")
        return redirect(url_for(".ranking", slug=slug))
    db.session.commit()
    flash(_("Tie resolved: %(order)s.", order=" > ".join(form.ordered_codes())), "success")
    return redirect(url_for(".ranking", slug=slug))


@bp.post("/c/<slug>/organize/ranking/<code>/reread")
@role_required(Role.ORGANIZER)
def reread(slug: str, code: str):
    contest = contest_or_404(slug)
    try:
        judge = add_reader(contest, code, actor=current_user)
    except ResultsError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".ranking", slug=slug))
    db.session.commit()
    flash(_("%(judge)s now also reads %(code)s.", judge=judge.name, code=code), "success")
    return redirect(url_for(".ranking", slug=slug))


@bp.post("/c/<slug>/organize/finalize")
@role_required(Role.ORGANIZER)
def finalize_results(slug: str):
    contest = contest_or_404(slug)
    try:
        awards = finalize(contest, actor=current_user)
    except ResultsError as exc:
        db.session.rollback()
        return ranking_page(contest, finalize_refused=str(exc))
    db.session.commit()
    flash(ngettext("The results are final: %(num)d prize awarded and its certificates issued.",
                   "The results are final: %(num)d prizes awarded and their certificates issued.",
                   len(awards)), "success")
    return redirect(url_for(".ranking", slug=slug))


@bp.post("/c/<slug>/organize/publish")
@role_required(Role.ORGANIZER)
def publish_results(slug: str):
    contest = contest_or_404(slug)
    try:
        publish(contest, actor=current_user)
    except ResultsError:
        db.session.rollback()
        flash(_("Only finalized results can be published."), "danger")
        return redirect(url_for(".ranking", slug=slug))
    db.session.commit()
    flash(_("The results are published."), "success")
    return redirect(url_for(".ranking", slug=slug))


@bp.route("/c/<slug>/organize/unfinalize", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def unfinalize_page(slug: str):
    contest = contest_or_404(slug)
    form = UnfinalizeForm(contest.slug)
    if contest.phase is ContestPhase.FINALIZED and form.validate_on_submit():
        try:
            voided = unfinalize(contest, form.reason.data, actor=current_user)
        except ResultsError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(ngettext("The results are reopened for judging; %(num)d certificate is void.",
                           "The results are reopened for judging; %(num)d certificates are void.",
                           voided), "success")
            return redirect(url_for(".ranking", slug=slug))
    return render_template("results/unfinalize.html", contest=contest, form=form,
                           issued=voidable_count(contest))
