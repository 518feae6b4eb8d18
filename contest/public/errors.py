"""Friendly error pages: no user ever sees a traceback."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from contest.extensions import db

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not available here."),
    413: _l("The upload is too large. Please send smaller files or a link."),
    500: _l("Something went wrong on our side. Nothing you saved is lost; please try again."),
}


def render_error(status: int, message=None):
    text = message or MESSAGES.get(status, MESSAGES[500])
    return render_template("errors.html", status=status, message=text), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _l("The form has expired or was sent from elsewhere. "
                                    "Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
