"""Aggregate judges' criterion scores into exact entry scores."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class CriterionRule:
    """A rubric criterion as the arithmetic sees it."""

    code: str
    max_points: Decimal
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class ScoreSheet:
    """One judge's sheet for one entry: points per criterion code."""

    judge: object
    points: Mapping[str, Decimal]
    submitted: bool = True


@dataclass(frozen=True)
class EntryScore:
    """The aggregate for one entry.

    ``score`` is the exact mean of the counted judges' totals, or None when no
    judge has handed in a full sheet. ``complete`` is True only when every
    assigned judge has submitted every criterion.
    """

    score: Fraction | None
    complete: bool
    counted: int
    assigned: int


def sheet_is_full(sheet: ScoreSheet, criteria: Sequence[CriterionRule]) -> bool:
    """A sheet counts once it is submitted with a score for every criterion."""
    return sheet.submitted and all(
        sheet.points.get(c.code) is not None for c in criteria
    )


def judge_total(points: Mapping[str, Decimal], criteria: Sequence[CriterionRule]) -> Fraction:
    """Σ criterion score × weight, exactly."""
    return sum(
        (Fraction(points[c.code]) * Fraction(c.weight) for c in criteria),
        Fraction(0),
    )


def max_total(criteria: Sequence[CriterionRule]) -> Fraction:
    """The best total a judge can give."""
    return judge_total({c.code: c.max_points for c in criteria}, criteria)


def entry_score(sheets: Iterable[ScoreSheet], criteria: Sequence[CriterionRule]) -> EntryScore:
    """Mean of the totals of the judges who submitted all criteria."""
    sheets = list(sheets)
    totals = [judge_total(s.points, criteria) for s in sheets if sheet_is_full(s, criteria)]
    score = sum(totals, Fraction(0)) / len(totals) if totals else None
    complete = bool(sheets) and len(totals) == len(sheets)
    return EntryScore(score=score, complete=complete, counted=len(totals), assigned=len(sheets))


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact (non-negative) score half-up to ``places`` decimals."""
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if Fraction(rest, scaled.denominator) >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-places)


def format_score(value: Fraction | Decimal | None, places: int = 2) -> str | None:
    """The score as shown everywhere: a string with two decimals."""
    return None if value is None else str(to_decimal(Fraction(value), places))


def criterion_score(sheets: Iterable[ScoreSheet], criteria: Sequence[CriterionRule],
                    code: str) -> Fraction | None:
    """The exact mean of one criterion's points over the sheets that count."""
    points = [Fraction(s.points[code]) for s in sheets if sheet_is_full(s, criteria)]
    return sum(points, Fraction(0)) / len(points) if points else None
