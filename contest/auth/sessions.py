"""Sessions that follow the account: re-issued when the account's session version moves on."""
from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user, login_user


def register(app: Flask) -> None:
    @app.after_request
    def reissue_own_session(response):
        """A request that set the current user's password ends the other sessions
        (``User.set_password``); this one gets a cookie with the new version."""
        if current_user.is_authenticated and session.get("_user_id") != current_user.get_id():
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_user._get_current_object(), remember=cookie in request.cookies)
        return response
