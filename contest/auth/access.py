"""Who may open what: the role decorator and the user loader."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from contest.extensions import db
from contest.models import Role, User


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


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
