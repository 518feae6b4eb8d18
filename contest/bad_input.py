"""Bad input answered plainly, app-wide: control characters and numbers too large never reach the database.

PostgreSQL refuses a NUL in text and both databases refuse integers past
their column's range; without these checks either would be a server error.
Forms check their own fields (``contest.forms.Form``) so nothing typed is
lost; this module covers the URL, the query string and the last resort.
"""
from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The largest id or count any integer column holds (PostgreSQL's INTEGER).
LARGEST_INTEGER = 2**31 - 1
CONTROL_MESSAGE = _l("The address contains a control character (such as NUL), which nothing here accepts. "
                     "Please check the link and try again.")


class BadInput(BadRequest):
    """A 400 whose page says what was wrong."""

    def __init__(self, message):
        super().__init__()
        self.message = message


def has_control_characters(text: str) -> bool:
    """A character no one types: NUL and the other C0 controls except tab and line breaks, and DEL."""
    return bool(CONTROL_CHARACTERS.search(text))


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` in a route: ids past what the database holds are not found (404), not a crash."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_INTEGER)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, default: int, largest: int = LARGEST_INTEGER) -> int:
    """A whole number from the query string, 1 ≤ n ≤ ``largest``; anything else is a 400 saying so."""
    typed = request.args.get(name)
    if typed is None or typed == "":
        return default
    if not (typed.isascii() and typed.isdigit()) or len(typed) > 12 or not 1 <= int(typed) <= largest:
        raise BadInput(_l("“%(name)s” must be a whole number from 1 to %(largest)s.", name=name,
                          largest=largest))
    return int(typed)


def check_request() -> None:
    """Refuse a URL (path or query string) that holds a control character."""
    if has_control_characters(request.path) or any(
            has_control_characters(k) or has_control_characters(v)
            for k, values in request.args.lists() for v in values):
        raise BadInput(CONTROL_MESSAGE)


STORAGE_MESSAGE = _l("A value sent is too large, or holds a character that cannot be stored. "
                     "Nothing was changed; please go back and check what was typed.")


def is_unstorable_value(error: BaseException) -> bool:
    """An error a value caused in the database driver: a NUL in text, an integer out of range."""
    from sqlalchemy.exc import DataError, StatementError

    if isinstance(error, StatementError) and error.orig is not None:
        return isinstance(error, DataError) or is_unstorable_value(error.orig)
    return isinstance(error, OverflowError) or (isinstance(error, ValueError) and "NUL" in str(error))


def register(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(check_request)
