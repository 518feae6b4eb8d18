"""One round's sheets as the ranking reads them: a total per sheet, a result per entry.

Each sheet keeps its total Σ points × weight, an exact integer of 10⁻⁵ points
(see contest/judging/sheet_totals.py), so Python gets one narrow tuple of
integers per sheet from the sheets' own table and builds no ORM object.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from sqlalchemy import Integer, and_, case, func, literal, null, select, type_coerce

from contest.domain.method_scores import MethodScores
from contest.extensions import db
from contest.judging.sheet_totals import POINTS_UNIT, UNIT, points_units, weight_units
from contest.models import Assignment, Criterion, Round, Score

__all__ = ["POINTS_UNIT", "UNIT", "RoundSheets", "SheetCount", "max_total_units", "plain_rows"]


class SheetCount(NamedTuple):
    """How many sheets an entry has in the round, and how many are full."""

    assigned: int = 0
    counted: int = 0


def plain_rows(query) -> list[tuple]:
    """The query's rows as the database driver gives them, plain tuples: for columns that
    need no conversion (integers, text), without a SQLAlchemy row object each (150,000
    sheets are read in a third of the time)."""
    result = db.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def max_total_units(criteria: list[Criterion]) -> int:
    return sum(points_units(c.max_points) * weight_units(c) for c in criteria)


@dataclass
class RoundSheets:
    """One round's full sheets as (entry id, judge id, total in UNITs), each entry's
    sheet counts, and the best total a judge can give (UNITs).

    A sheet is full when it is submitted with a score for every criterion.
    ``points`` holds, for the criteria asked for, (entry id, points in
    hundredths) of every full sheet.
    """

    totals: list[tuple[int, int, int]]
    counts: dict[int, SheetCount]
    maximum: int
    points: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def load(cls, round_: Round, criterion_codes: Sequence[str] = ()) -> RoundSheets:
        """One query, one row per sheet; ``criterion_codes``: criteria whose points are kept too."""
        criteria = round_.rubric
        full = len(criteria)
        kept = [c for c in criteria if c.code in criterion_codes]
        # A full sheet's total, None for the others: the database tells them apart.
        is_full = and_(Assignment.submitted_at.is_not(None), Assignment.scored == full) if full else literal(False)
        columns = (Assignment.entry_id, Assignment.judge_id, case((is_full, Assignment.total), else_=null()))
        if kept:
            # Only a criterion tie-breaker needs points: those criteria's alone, summed per sheet.
            raw = type_coerce(Score.points, Integer)
            query = (select(*columns, *(func.coalesce(func.sum(case((Score.criterion_id == c.id, raw),
                                                                   else_=0)), 0) for c in kept))
                     .select_from(Assignment)
                     .outerjoin(Score, (Score.assignment_id == Assignment.id)
                                & Score.criterion_id.in_([c.id for c in kept]))
                     .group_by(Assignment.id))
        else:
            query = select(*columns)
        rows = plain_rows(query.where(Assignment.round_id == round_.id))
        # The full sheets' (entry, judge, total): the rows themselves when they have no more columns.
        totals = [row if len(row) == 3 else row[:3] for row in rows if row[2] is not None]
        assigned, counted = Counter(row[0] for row in rows), Counter(row[0] for row in totals)
        kept_points: dict[str, list[tuple[int, int]]] = {c.code: [] for c in kept}
        for row in rows if kept else ():
            if row[2] is not None:
                for c, value in zip(kept, row[3:]):
                    kept_points[c.code].append((row[0], int(value)))
        return cls(totals, {e: SheetCount(a, counted[e]) for e, a in assigned.items()},
                   max_total_units(criteria), kept_points)

    def only(self, entry_ids: set[int]) -> RoundSheets:
        """The same round with the sheets of these entries alone."""
        if all(entry_id in entry_ids for entry_id in self.counts):
            return self
        return RoundSheets([t for t in self.totals if t[0] in entry_ids],
                           {e: c for e, c in self.counts.items() if e in entry_ids}, self.maximum,
                           {code: [p for p in values if p[0] in entry_ids]
                            for code, values in self.points.items()})

    def ranking_scores(self, method: str) -> dict[int, Fraction]:
        """Each entry with a full sheet: its score under ``method`` as it is ranked (exact;
        under zscore the shown score, see ``MethodScores``)."""
        return MethodScores(self.totals, UNIT).scores(method)
