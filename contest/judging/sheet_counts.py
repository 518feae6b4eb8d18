"""What the progress and judges pages count over a round's score sheets: each judge's
sheets and how many are submitted, each judge's full sheets per total, and how many
entries have so many sheets.

The database counts (one statement, three GROUP BYs over the round's sheets: a few
thousand rows cross into Python, whatever the size); the counts are kept in each process while the contest's ranking version
(results/versions.py) holds, since every write they are counted from (sheets, scores,
entries, who went on, the rubric) moves it on. They hold ids and numbers only: the
judges themselves are read at each request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func, literal, null, select, union_all

from contest.domain.calibration import Spread, Tally, tally_spread
from contest.extensions import db
from contest.judging.sheet_totals import UNIT
from contest.models import Assignment, Round
from contest.results.totals import plain_rows


@dataclass
class SheetCounts:
    """A round's sheets counted. ``loads``: judge id → (sheets, submitted) on the entries
    the round reads; ``entries``: how many entries the round reads; ``kinds``: (sheets,
    submitted, how many entries have that many), entries without a sheet left out;
    ``tallies``: judge id → the totals (UNITs) of their full sheets (a sheet is full when
    it is submitted with a score for every criterion of the rubric), None until counted:
    only the progress page reads them."""

    loads: dict[int, tuple[int, int]]
    entries: int
    kinds: list[tuple[int, int, int]]
    tallies: dict[int, Tally] | None = None
    _spreads: dict[int, Spread | None] = field(default_factory=dict, repr=False)

    @cached_property
    def jury(self) -> Tally:
        """Every full sheet's total in the round."""
        return Tally.merged(self.tallies.values())

    @cached_property
    def jury_spread(self) -> Spread | None:
        return tally_spread(self.jury, UNIT) if self.tallies else None

    def spread(self, judge_id: int) -> Spread | None:
        """The judge's spread over their full sheets (None: none yet), worked out once."""
        if judge_id not in self._spreads:
            tally = self.tallies.get(judge_id)
            self._spreads[judge_id] = tally_spread(tally, UNIT) if tally else None
        return self._spreads[judge_id]

    @property
    def size(self) -> int:
        """About how much it holds, in the kept rankings' units (rows)."""
        return (len(self.loads) + len(self.kinds)
                + sum(len(t.values) for t in (self.tallies or {}).values()))


# What each row of the counting statement holds, by its first column.
JUDGE_TOTAL, JUDGE_LOAD, ENTRIES, ENTRY_KIND = 0, 1, 2, 3


def _tallies_part(round_: Round):
    """Each judge's full sheets per total."""
    full = len(round_.rubric)
    return (select(literal(JUDGE_TOTAL), Assignment.judge_id, Assignment.total, func.count())
            .where(Assignment.round_id == round_.id, Assignment.submitted_at.is_not(None),
                   Assignment.scored == full, literal(full > 0))
            .group_by(Assignment.judge_id, Assignment.total))


def _tallies(rows) -> dict[int, Tally]:
    """From (part, judge id, total, how many) rows."""
    counted: dict[int, list[tuple[int, int]]] = {}
    for _, judge_id, total, count in rows:
        pairs = counted.get(judge_id)
        if pairs is None:
            pairs = counted[judge_id] = []
        pairs.append((total, count))
    return {judge_id: Tally.of(pairs) for judge_id, pairs in counted.items()}


def _rows(statement) -> list:
    """The statement's rows as plain tuples (``plain_rows``), what the session holds unsaved
    written first, as a query through the session would."""
    db.session.flush()
    return plain_rows(statement)


def count_sheets(round_: Round, tallies: bool = True) -> SheetCounts:
    """The round's sheets counted by the database, in one statement of three or (with
    ``tallies``) four parts, each a scan of the round's sheets or its entries, grouped."""
    from contest.judging.rounds import round_entry_ids

    judged = round_entry_ids(round_)
    sheets = Assignment.round_id == round_.id
    per_entry = (
        select(func.count().label("sheets"), func.count(Assignment.submitted_at).label("done"))
        .where(sheets, Assignment.entry_id.in_(judged))
        .group_by(Assignment.entry_id)
        .subquery()
    )
    parts = [
        # Each judge's sheets on the entries the round reads, and how many are submitted
        # (the first part: its columns give the types).
        select(literal(JUDGE_LOAD), Assignment.judge_id, func.count(), func.count(Assignment.submitted_at))
        .where(sheets, Assignment.entry_id.in_(judged))
        .group_by(Assignment.judge_id),
        select(literal(ENTRIES), null(), null(), func.count()).select_from(judged.subquery()),
        # How many entries have so many sheets and so many submitted.
        select(literal(ENTRY_KIND), per_entry.c.sheets, per_entry.c.done, func.count())
        .group_by(per_entry.c.sheets, per_entry.c.done),
    ] + ([_tallies_part(round_)] if tallies else [])
    rows = _rows(union_all(*parts))
    loads: dict[int, tuple[int, int]] = {}
    entries, kinds = 0, []
    for part, a, b, c in rows:
        if part == JUDGE_LOAD:
            loads[a] = (b, c)
        elif part == ENTRIES:
            entries = c
        elif part == ENTRY_KIND:
            kinds.append((a, b, c))
    counted = _tallies(row for row in rows if row[0] == JUDGE_TOTAL) if tallies else None
    return SheetCounts(loads, entries, sorted(kinds), counted)


def sheet_counts(round_: Round, tallies: bool = False, version: int | None = None) -> SheetCounts:
    """``count_sheets(round_, tallies)``, kept between requests while the contest's ranking
    version (read now, or given: read with the contest) holds; counted afresh, not kept,
    when this transaction has written what they count. Tallies asked of counts kept
    without them are counted then and kept with them."""
    from contest.results.cache import kept_for_version
    from contest.results.versions import has_unsaved_changes

    if has_unsaved_changes(db.session):
        return count_sheets(round_, tallies)

    def afresh():
        # The rubric and the rounds before this one (whose advancements say which entries
        # it reads) as the database holds them now, after the version was read.
        db.session.expire(round_, ["criteria"])
        db.session.expire(round_.contest, ["criteria", "rounds"])

    def count():
        afresh()
        return count_sheets(round_, tallies)

    counts = kept_for_version(round_.contest_id, ("sheet counts", round_.id), count, version)
    if tallies and counts.tallies is None:
        # Counted after the version was read, like the rest: at least as fresh as it.
        afresh()
        counts.tallies = _tallies(_rows(_tallies_part(round_)))
    return counts
