"""Friendly error pages: no user ever sees a traceback."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from contest.entries.services import max_entry_bytes, max_file_bytes, megabytes
from contest.bad_input import STORAGE_MESSAGE, is_unstorable_value
from contest.extensions import db

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not available here."),
    429: _l("Too many attempts in a short time. Please wait a few minutes, then try again."),
    500: _l("Something went wrong on our side. Nothing you saved is lost; please try again."),
}


def render_error(status: int, message=None, **context):
    text = message or MESSAGES.get(status, MESSAGES[500])
    return render_template("errors.html", status=status, message=text, **context), status


def too_large():
    """The 413 page: the limits, and the way back to the form that was sent (GET shows
    it again with what is saved) and to the author's entries."""
    message = _l("The files sent are too large: at most %(file)s MB per file and %(entry)s MB "
                 "for all the files of an entry. Nothing was received.",
                 file=megabytes(max_file_bytes()), entry=megabytes(max_entry_bytes()))
    back = request.path if request.method == "POST" else None
    return render_error(413, message, back=back)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _l("The form has expired or was sent from elsewhere. "
                                    "Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        page, status = too_large() if error.code == 413 else render_error(error.code or 500,
                                                                          getattr(error, "message", None))
        # Keep what the exception says about itself (Retry-After on a 429, Allow on a 405).
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return page, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        if is_unstorable_value(error):
            # The last line of defence: forms and the URL checks catch these before the database.
            app.logger.warning("unstorable value refused: %s", error)
            return render_error(400, STORAGE_MESSAGE)
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
