"""Signed, expiring links mailed to an account: confirm its address, choose a new password.

Both are itsdangerous tokens signed with SECRET_KEY, each with its own salt, so
one kind never passes for the other. A reset link also carries a fingerprint of
the password hash it was made for: once the password changes (by this link or
any other way) the link stops working, so it works once.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from contest.audit import record
from contest.auth.passwords import password_problem
from contest.auth.services import AccountError, user_by_email
from contest.extensions import db
from contest.mail import absolute_url, queue_mail
from contest.models import User
from contest.models.types import utcnow

CONFIRM_SALT = "contest.confirm-email"
RESET_SALT = "contest.password-reset"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def confirmation_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"user": user.id, "email": user.email.lower()})


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"user": user.id, "password": _password_fingerprint(user)})


def _load(salt: str, token: str, max_age_seconds: int) -> dict | None:
    try:
        payload = _serializer(salt).loads(token, max_age=max_age_seconds)
    except BadSignature:  # also SignatureExpired, its subclass
        return None
    return payload if isinstance(payload, dict) else None


def user_to_confirm(token: str) -> User | None:
    """The account a confirmation link is for, while it is valid and the address unchanged."""
    payload = _load(CONFIRM_SALT, token, current_app.config["EMAIL_CONFIRMATION_HOURS"] * 3600)
    user = db.session.get(User, payload.get("user")) if payload and isinstance(payload.get("user"), int) else None
    if user is None or user.email.lower() != payload.get("email"):
        return None
    return user


def user_to_reset(token: str) -> User | None:
    """The account a reset link is for, while it is valid and not used yet."""
    payload = _load(RESET_SALT, token, current_app.config["PASSWORD_RESET_MINUTES"] * 60)
    user = db.session.get(User, payload.get("user")) if payload and isinstance(payload.get("user"), int) else None
    if user is None or payload.get("password") != _password_fingerprint(user):
        return None
    return user


def send_confirmation(user: User) -> None:
    """Mail ``user`` a link that confirms their address (the caller commits)."""
    queue_mail(user, "confirm_email",
               confirm_url=absolute_url("auth.confirm_email", token=confirmation_token(user)),
               valid_hours=current_app.config["EMAIL_CONFIRMATION_HOURS"])


def confirm_address(user: User) -> bool:
    """Mark the address confirmed; False if it was already."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    record("user.email_confirmed", actor=user, target=user.email)
    return True


def request_password_reset(email: str) -> None:
    """Mail a reset link if an account has this address; nothing otherwise (the caller
    answers the same either way, so the page does not tell who has an account)."""
    user = user_by_email(email)
    if user is None:
        return
    queue_mail(user, "password_reset",
               reset_url=absolute_url("auth.reset_password", token=reset_token(user)),
               valid_minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    record("user.password_reset_requested", actor=user, target=user.email)


def reset_password(user: User, password: str) -> None:
    """Set the password chosen from a reset link: every session of the account ends, the
    link stops working, and the address counts as confirmed (the mail reached its owner)."""
    if (problem := password_problem(password)) is not None:
        raise AccountError(problem, "password")
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    record("user.password_reset", actor=user, target=user.email)
