"""What a judge may type as points: the number itself, its range and its step.

The browser's score sheet (static/js/score-sheet.js) applies exactly these
rules, so the live total it shows is the total the server stores.
"""
from __future__ import annotations

import enum
import re
from decimal import Decimal

# The steps a criterion may have; the settings file's `step`, 0.5 when not given.
STEPS = (Decimal("1"), Decimal("0.5"), Decimal("0.25"), Decimal("0.1"))
DEFAULT_STEP = Decimal("0.5")

# Digits, then at most one decimal separator (a comma as Vietnamese write it, or a
# point) and more digits. No sign, no exponent, no thousands separator, no NaN.
POINTS_PATTERN = re.compile(r"^([0-9]{1,7})(?:[.,]([0-9]+))?$")


class PointsProblem(enum.StrEnum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    TOO_PRECISE = "too_precise"   # more decimals than the step has
    OFF_STEP = "off_step"         # as many decimals, but not a multiple of the step
    MISSING = "missing"


class PointsError(ValueError):
    def __init__(self, problem: PointsProblem):
        super().__init__(problem.value)
        self.problem = problem


def parse_points(text: str | None) -> Decimal | None:
    """``7,5`` or ``7.5`` → Decimal('7.5'); empty → None; anything else → PointsError."""
    raw = (text or "").strip()
    if not raw:
        return None
    match = POINTS_PATTERN.match(raw)
    if match is None:
        raise PointsError(PointsProblem.NOT_A_NUMBER)
    whole, fraction = match.groups()
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def decimals(value: Decimal) -> int:
    """How many decimals ``value`` is written with (7.50 → 2, 7.5 → 1, 7 → 0)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def points_problem(value: Decimal, max_points: Decimal, step: Decimal) -> PointsProblem | None:
    """Why ``value`` is not a score this criterion takes, or None when it is."""
    if value < 0 or value > max_points:
        return PointsProblem.OUT_OF_RANGE
    if decimals(value.normalize()) > decimals(step.normalize()):
        return PointsProblem.TOO_PRECISE
    if value % step != 0:
        return PointsProblem.OFF_STEP
    return None
