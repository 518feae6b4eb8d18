"""Register, log in, log out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from contest.auth.forms import LoginForm, RegisterForm
from contest.auth.limits import failed_login, rate_limit
from contest.auth.redirects import next_url
from contest.auth.services import AccountError, authenticate, register_author
from contest.extensions import db
from contest.models import Role

bp = Blueprint("auth", __name__, url_prefix="/auth")


def home_for(user) -> str:
    """Where a user lands after logging in: the work their role gives them."""
    if user.has_role(Role.ORGANIZER):
        return url_for("admin.index")
    if user.has_role(Role.JUDGE):
        return url_for("judging.dashboard")
    return url_for("entries.mine")


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("login", count_when=failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong email or password."), "danger")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(next_url(home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@rate_limit("register")
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_author(form.email.data, form.name.data, form.password.data)
        except AccountError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(next_url(url_for("entries.mine")))
    return render_template("auth/register.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    current_user.end_sessions()  # every device of this account, not only this one
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))
