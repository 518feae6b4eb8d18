"""Home, a contest's public page, published results, certificate verification."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from contest.auth.limits import rate_limit
from contest.auth.redirects import next_url
from contest.certificates.services import certificate_by_token, certificates_by_number
from contest.extensions import db
from contest.models import Certificate, Contest, ContestPhase, Role
from contest.models.types import utcnow
from contest.results.services import awards_of

bp = Blueprint("public", __name__)


def contest_or_404(slug: str) -> Contest:
    return db.one_or_404(select(Contest).where(Contest.slug == slug))


@bp.get("/")
def home():
    contests = db.session.scalars(select(Contest).order_by(Contest.opens_at.desc())).all()
    return render_template("public/home.html", contests=contests, now=utcnow())


@bp.get("/c/<slug>/")
def contest(slug: str):
    return render_template("public/contest.html", contest=contest_or_404(slug), now=utcnow())


@bp.get("/c/<slug>/results")
def results(slug: str):
    contest = contest_or_404(slug)
    if contest.phase is not ContestPhase.PUBLISHED:
        abort(404)
    return render_template("public/results.html", contest=contest, awards=awards_of(contest))


def shown_in_full(cert: Certificate) -> bool:
    """Before publication a certificate names winners: only organizers may read it."""
    if cert.document_kind.contest.phase is ContestPhase.PUBLISHED:
        return True
    return current_user.is_authenticated and current_user.has_role(Role.ORGANIZER)


@bp.get("/verify/<token>")
@rate_limit("verify", methods=("GET",))
def verify(token: str):
    cert = certificate_by_token(token)
    if cert is None:
        return render_template("public/verify.html", cert=None, token=token), 404
    return render_template("public/verify.html", cert=cert, in_full=shown_in_full(cert))


@bp.get("/verify")
@rate_limit("verify", methods=("GET",))
def verify_lookup():
    number = request.args.get("number", "").strip()
    found = certificates_by_number(number) if number else []
    shown = [cert for cert in found if shown_in_full(cert)]
    return render_template("public/verify_lookup.html", number=number, found=shown,
                           unpublished=len(found) - len(shown))


@bp.get("/healthz")
def healthz():
    """For the monitoring and the load balancer: 200 when the database answers and
    the upload folder takes files, else 503 naming what is wrong."""
    from contest.health import health_checks

    checks = health_checks()
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "failing", **checks}, 200 if healthy else 503


@bp.get("/lang/<code>")
def set_language(code: str):
    from flask import current_app

    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated and current_user.language != code:
            current_user.language = code  # their mail, too, comes in this language
            db.session.commit()
    return redirect(next_url(url_for("public.home")))
