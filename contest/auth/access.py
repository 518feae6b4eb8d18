"""Who may open what: the role decorator and the user loader."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from contest.extensions import db
from contest.models import Role, User


def load_user(token: str) -> User | None:
    """The user of a session or remember cookie, if it is still valid.

    Cookies carry "id.version" (``User.get_id``); once the account's session
    version has moved on (logout, a new password), older cookies find nobody.
    """
    user_id, _, version = token.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def role_required(*roles: Role):
    """Log in first, then hold one of ``roles``; otherwise 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
