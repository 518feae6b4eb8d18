"""Register, log in, log out; confirm the address, reset or change the password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from contest.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from contest.auth.limits import failed_login, rate_limit
from contest.auth.links import (
    confirm_address,
    request_password_reset,
    reset_password as set_reset_password,
    send_confirmation,
    user_to_confirm,
    user_to_reset,
)
from contest.auth.redirects import next_url
from contest.auth.services import AccountError, authenticate, change_password as set_new_password, register_author
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
            user = register_author(form.email.data, form.name.data, form.password.data,
                                   language=session.get("lang"))
        except AccountError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            send_confirmation(user)
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready. We sent a link to %(email)s: open it to "
                    "confirm your address, then you can submit entries.", email=user.email), "success")
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


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    user = user_to_confirm(token)
    if user is not None and confirm_address(user):
        db.session.commit()
    return render_template("auth/confirmed.html", confirmed=user)


@bp.post("/confirm/resend")
@login_required
@rate_limit("confirm_email")
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        send_confirmation(current_user)
        db.session.commit()
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(next_url(url_for("entries.mine")))


@bp.route("/forgot", methods=["GET", "POST"])
@rate_limit("password_reset")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(_("If an account uses %(email)s, we sent it a link to choose a new password. "
                "Look in your mail (and its spam folder).", email=form.email.data), "info")
        return redirect(url_for(".login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = user_to_reset(token)
    if user is None:
        return render_template("auth/reset.html", form=None)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            set_reset_password(user, form.password.data)
        except AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your new password is saved. Log in with it."), "success")
            return redirect(url_for(".login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            set_new_password(current_user, form.current.data, form.password.data)
        except AccountError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your password is changed. Other devices logged in to this account are "
                    "logged out."), "success")
            return redirect(home_for(current_user))
    return render_template("auth/password.html", form=form)
