"""The password policy every password field shares: long enough, and not a common one."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms.validators import ValidationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# "dragon2024!" is "dragon" with the year and a sign added: guessed just as fast.
_ADDED_ENDING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """On the shipped list, whatever the capitals, or a listed word with digits or signs added."""
    lowered = password.lower()
    stem = _ADDED_ENDING.sub("", lowered)
    known = common_passwords()
    return lowered in known or (stem != lowered and stem in known)


def password_problem(password: str) -> LazyString | None:
    """Why ``password`` may not be used, in the page's language; None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("The password needs at least %(min)d characters.", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("The password may have at most %(max)d characters.", max=MAX_PASSWORD_LENGTH)
    if is_common(password):
        return _l("This password is too common: it is among the first that attackers try. "
                  "Choose a less usual one, for example a few unrelated words.")
    return None


PASSWORD_HINT = _l("At least %(n)d characters, and not a common password.", n=MIN_PASSWORD_LENGTH)


class PasswordPolicy:
    """The policy as a WTForms validator, for every form that sets a password."""

    def __call__(self, form, field) -> None:
        problem = password_problem(field.data or "")
        if problem is not None:
            raise ValidationError(str(problem))
