"""Accounts: registration, sign-in checks, and accounts made by organizers."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from contest.audit import record
from contest.extensions import db
from contest.models import Role, User
from contest.text import clean

MIN_PASSWORD_LENGTH = 8


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


def register_author(email: str, name: str, password: str) -> User:
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise AccountError(_l("An account with this email already exists."), "email")
    return upsert_user(email, name, [Role.AUTHOR], password)


def upsert_user(email: str, name: str, roles: list[Role], password: str | None,
                actor: User | None = None) -> User:
    """Create the account, or add ``roles`` (and a new password) to an existing one."""
    email = normalize_email(email)
    name = clean(name)
    if not name:
        raise AccountError(_l("a name is required"), "name")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("the password needs at least %(min)s characters", min=MIN_PASSWORD_LENGTH),
                           "password")
    user = user_by_email(email)
    created = user is None
    if created:
        if password is None:
            raise AccountError(_l("a password is required for a new account"), "password")
        user = User(email=email, name=name)
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


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None or not user.check_password(password):
        return None
    return user
