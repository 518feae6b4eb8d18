"""Accounts: registration, sign-in checks, and accounts made by organizers."""
from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from contest.audit import record
from contest.auth.passwords import password_problem
from contest.extensions import db
from contest.models import Role, User
from contest.models.types import utcnow
from contest.text import clean


class AccountError(ValueError):
    """An account cannot be created or changed as asked.

    Its message is lazy: str() words it in the current language. ``field``
    names what it is about: "email", "name" or "password".
    """

    def __init__(self, message: LazyString, field: str):
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    try:
        return validate_email(clean(email), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(_l("this is not a valid email address"), "email") from None


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def register_author(email: str, name: str, password: str, language: str | None = None) -> User:
    """An author's own account: their address is confirmed by the link mailed to it."""
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise AccountError(_l("An account with this email already exists."), "email")
    user = upsert_user(email, name, [Role.AUTHOR], password, confirmed=False)
    user.language = language
    return user


def upsert_user(email: str, name: str, roles: list[Role], password: str | None,
                actor: User | None = None, confirmed: bool = True) -> User:
    """Create the account, or add ``roles`` (and a new password) to an existing one.

    Accounts made by organizers or on the command line count as confirmed (someone
    in charge typed the address); ``confirmed=False`` leaves a new one to its owner.
    """
    email = normalize_email(email)
    name = clean(name)
    if not name:
        raise AccountError(_l("a name is required"), "name")
    if password is not None and (problem := password_problem(password)) is not None:
        raise AccountError(problem, "password")
    user = user_by_email(email)
    created = user is None
    if created:
        if password is None:
            raise AccountError(_l("a password is required for a new account"), "password")
        user = User(email=email, name=name, email_confirmed_at=utcnow() if confirmed else None)
        db.session.add(user)
    else:
        user.name = name
    if password is not None:
        user.set_password(password)
    for role in roles:
        user.add_role(role)
    db.session.flush()
    record("user.created" if created else "user.updated", actor=actor, target=email,
           roles=sorted(user.roles))
    return user


def change_password(user: User, current: str, new: str) -> None:
    """A logged-in user's new password: the current one first; every other session ends."""
    if not user.check_password(current):
        raise AccountError(_l("This is not your current password."), "current")
    if (problem := password_problem(new)) is not None:
        raise AccountError(problem, "password")
    user.set_password(new)
    db.session.flush()
    record("user.password_changed", actor=user, target=user.email)


def authenticate(email: str, password: str) -> User | None:
    """The account if the password is right, else None, in the same time either way.

    An unknown email still checks the password against a stand-in hash made with
    the configured method, so the answer's timing does not tell whether an
    account exists.
    """
    user = user_by_email(email)
    if user is None:
        check_password_hash(_stand_in_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")),
                            password)
        return None
    return user if user.check_password(password) else None


@cache
def _stand_in_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)
