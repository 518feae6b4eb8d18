"""Turn one round's judge totals into entry scores: mean, trimmed, median or zscore.

A round is a set of score sheets with its own method: the functions here take
the totals of one round's full sheets, as (entry, judge, total) with totals as
exact numbers (int or Fraction) in any one unit, and answer in that unit.
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from math import floor, sqrt
from operator import mul

from contest.domain.scoring import to_decimal

MEAN, TRIMMED, MEDIAN, ZSCORE = "mean", "trimmed", "median", "zscore"
METHODS = (MEAN, TRIMMED, MEDIAN, ZSCORE)
# Trimming drops one highest and one lowest total from this many on.
TRIM_FROM = 5
# Below this many sheets (or with no spread) a judge's totals are only shifted.
ZSCORE_MIN_SHEETS = 3
ZSCORE_PRECISION = 28
DEFAULT_DISAGREEMENT = Fraction(1, 4)

Number = int | Fraction
Score = Fraction | Decimal
Total = tuple[Hashable, Hashable, Number]  # entry, judge, total


class UnknownMethod(ValueError):
    """A method name that is not one of METHODS; ``name`` is what was asked for."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class EntryAggregate(NamedTuple):
    """One entry in one round: its score under the method and what it came from.

    ``score`` is a Fraction (a Decimal under zscore); ``mean`` is always the
    plain exact mean; ``disagreement``: the totals spread by more than the
    limit given (see ``spread_limit``). A tuple: a round has one per entry and method.
    """

    score: Score
    mean: Fraction
    counted: int
    disagreement: bool = False


def check_method(name: str) -> str:
    if name not in METHODS:
        raise UnknownMethod(name)
    return name


def mean(totals: list[Number], unit: int = 1) -> Fraction:
    total = sum(totals)
    if isinstance(total, int):
        return Fraction(total, len(totals) * unit)
    return Fraction(total) / (len(totals) * unit)


def trimmed_mean(totals: list[Number], unit: int = 1) -> Fraction:
    """Without one highest and one lowest total from TRIM_FROM totals on; else the mean."""
    if len(totals) < TRIM_FROM:
        return mean(totals, unit)
    return mean(sorted(totals)[1:-1], unit)


def median(totals: list[Number], unit: int = 1) -> Fraction:
    """The middle total, or the mean of the two middle ones."""
    ordered = sorted(totals)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return mean(ordered[middle:middle + 1], unit)
    return mean(ordered[middle - 1:middle + 1], unit)


def group_totals(totals: Iterable[Total], by_judge: bool = False) -> dict[Hashable, list[Number]]:
    """Each entry's totals (each judge's with ``by_judge``), in the order given."""
    groups: dict[Hashable, list[Number]] = {}
    for entry, judge, total in totals:
        key = judge if by_judge else entry
        values = groups.get(key)
        if values is None:
            groups[key] = [total]
        else:
            values.append(total)
    return groups


def spread_limit(threshold: Fraction | Decimal, maximum: Number) -> Fraction:
    """How far apart (max − min) one entry's totals may be before its judges disagree:
    ``threshold`` (a share) × the maximum total."""
    return Fraction(threshold) * Fraction(maximum)


# An integer of fewer digits than the precision is the same Decimal divided by 1 or not.
_EXACT_INT = 10**ZSCORE_PRECISION


def _decimal(value: Number) -> Decimal:
    if type(value) is int and -_EXACT_INT < value < _EXACT_INT:
        return Decimal(value)
    value = Fraction(value)
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class _Spread:
    """Mean and population standard deviation of some totals, in Decimal."""

    count: int
    mean: Decimal
    sd: Decimal

    @classmethod
    def of(cls, count: int, total: Number, squares: Number) -> _Spread:
        # n·Σt² − (Σt)² over n², exactly, before the one rounding of the root.
        variance = (Fraction(squares) * count - Fraction(total) ** 2) / count**2
        return cls(count, _decimal(Fraction(total) / count), _decimal(variance).sqrt())


def judge_sums(totals: Iterable[Total]) -> dict[Hashable, list]:
    """Each judge's count, Σ total, Σ total² and largest |total| over ``totals``."""
    by_judge = group_totals(totals, by_judge=True)
    # Each judge's totals summed in one go: exact, and far fewer steps than per sheet.
    return {judge: [len(values), sum(values), sum(map(mul, values, values)), max(map(abs, values))]
            for judge, values in by_judge.items()}


def zscore_rescaler(totals: Iterable[Total], sums: dict[Hashable, list] | None = None):
    """A function (judge, total) → the total rescaled to the round's scale (Decimal).

    μ + σ·(t − μⱼ)/σⱼ with each judge's and the round's mean and population
    standard deviation; t − μⱼ + μ where σⱼ is 0 or the judge has fewer than
    ZSCORE_MIN_SHEETS sheets. Call it inside the 28-digit context. ``sums``:
    ``judge_sums(totals)`` when the caller has them.
    """
    sums = judge_sums(totals) if sums is None else sums
    count = sum(a[0] for a in sums.values())
    round_ = _Spread.of(count, sum(a[1] for a in sums.values()), sum(a[2] for a in sums.values()))
    judges = {j: _Spread.of(*acc[:3]) for j, acc in sums.items()}
    factors = {}
    for judge, spread in judges.items():
        if spread.count < ZSCORE_MIN_SHEETS or spread.sd == 0:
            factors[judge] = None
        else:
            factors[judge] = round_.sd / spread.sd

    def rescale(judge: Hashable, total: Number) -> Decimal:
        spread, factor = judges[judge], factors[judge]
        if factor is None:
            return _decimal(total) - spread.mean + round_.mean
        return round_.mean + factor * (_decimal(total) - spread.mean)

    return rescale


def zscores(totals: Sequence[Total], unit: int = 1, only: Collection[Hashable] | None = None,
            sums: dict[Hashable, list] | None = None) -> dict[Hashable, Decimal]:
    """Each entry's zscore score (28-digit Decimal), rescaled over every total of the
    round; for the entries in ``only`` alone when it is given (the same Decimals)."""
    if not totals:
        return {}
    with localcontext() as ctx:
        ctx.prec = ZSCORE_PRECISION
        ctx.rounding = ROUND_HALF_UP
        rescale = zscore_rescaler(totals, sums)
        rescaled: dict[Hashable, list[Decimal]] = {}
        for entry, judge, total in totals:
            if only is None or entry in only:
                rescaled.setdefault(entry, []).append(rescale(judge, total))
        # Summed in one order whatever the order of the sheets: 28 digits round.
        return {e: sum(sorted(values), Decimal(0)) / (len(values) * unit) for e, values in rescaled.items()}


# How far a float estimate of a zscore score may be from the Decimal one, relative to the
# largest magnitude met (floats carry 16 digits; the bound leaves a wide margin).
ZSCORE_ESTIMATE_ERROR = 1e-9


def zscore_estimates(totals: Sequence[Total], unit: int = 1, sums: dict[Hashable, list] | None = None
                     ) -> tuple[dict[Hashable, float], float]:
    """Each entry's zscore score as a float, and a bound on how far any of them is from
    the Decimal score ``zscores`` gives: the same formula and the same fallbacks
    (decided on exact integers), in floats. Integer totals only."""
    if not totals:
        return {}, 0.0
    sums = judge_sums(totals) if sums is None else sums

    def spread(count: int, total: int, squares: int) -> tuple[float, float, bool]:
        spread_n2 = squares * count - total * total  # n²·variance, exact
        return total / count, sqrt(spread_n2 / (count * count)), spread_n2 == 0

    mu, sigma, _ = spread(sum(a[0] for a in sums.values()), sum(a[1] for a in sums.values()),
                          sum(a[2] for a in sums.values()))
    judges = {}
    # The largest magnitude a rounding error can be relative to: a factor σ/σⱼ enlarges
    # the error of t − μⱼ as much as the difference.
    largest = abs(mu) + sigma
    for judge, acc in sums.items():
        mean_j, sd_j, flat = spread(*acc[:3])
        factor = None if acc[0] < ZSCORE_MIN_SHEETS or flat else sigma / sd_j
        judges[judge] = (mean_j, factor)
        largest = max(largest, abs(mu) + (factor or 1) * (acc[3] + abs(mean_j)))
    rescaled: dict[Hashable, list[float]] = {}
    for entry, judge, total in totals:
        mean_j, factor = judges[judge]
        value = total - mean_j + mu if factor is None else mu + factor * (total - mean_j)
        values = rescaled.get(entry)
        if values is None:
            rescaled[entry] = [value]
        else:
            values.append(value)
    estimates = {e: sum(values) / (len(values) * unit) for e, values in rescaled.items()}
    return estimates, ZSCORE_ESTIMATE_ERROR * (1 + largest) / unit


def zscore_hundredths(totals: Sequence[Total], unit: int = 1, sums: dict[Hashable, list] | None = None
                      ) -> dict[Hashable, int]:
    """Each entry's zscore score rounded half up to hundredths, as a whole number of
    hundredths: ``ranking_score(ZSCORE, zscores(totals, unit)[entry]) * 100``, exactly.
    Integer totals only.

    The float estimate (``zscore_estimates``) decides wherever every value within its
    bound rounds the same way; the 28-digit Decimal score is worked out only for the
    other entries (an estimate that close to a half hundredth, or to zero).
    """
    if not totals:
        return {}
    sums = judge_sums(totals) if sums is None else sums
    estimates, error = zscore_estimates(totals, unit, sums)
    # Twice the bound, in hundredths: the products and sums below round by far less than
    # the bound itself (a few units of 10⁻¹⁶ of the magnitudes the bound is relative to).
    margin = 200 * error
    rounded: dict[Hashable, int] = {}
    unsure = set()
    for entry, estimate in estimates.items():
        size = abs(estimate) * 100
        whole = floor(size + 0.5)
        # Every value within the margin lies strictly between two half hundredths, on one side of 0.
        if whole - 0.5 < size - margin and size + margin < whole + 0.5 and size > margin:
            rounded[entry] = whole if estimate > 0 else -whole
        else:
            unsure.add(entry)
    if unsure:
        for entry, score in zscores(totals, unit, only=unsure, sums=sums).items():
            rounded[entry] = int(ranking_score(ZSCORE, score) * 100)
    return rounded


def from_hundredths(hundredths: dict[Hashable, int]) -> dict[Hashable, Fraction]:
    """Whole hundredths as Fractions, one Fraction for each value met."""
    shared: dict[int, Fraction] = {}
    scores = {}
    for key, value in hundredths.items():
        score = shared.get(value)
        if score is None:
            score = shared[value] = Fraction(value, 100)
        scores[key] = score
    return scores


def score_round(method: str, totals: Iterable[Total], unit: int = 1,
                limit: Fraction | None = None) -> dict[Hashable, EntryAggregate]:
    """Each entry's score in one round under ``method``, from its full sheets' totals.

    Scores are in the totals' unit divided by ``unit`` (totals of 10⁻⁵ points
    with ``unit`` 100000 give points). An entry whose totals spread by more
    than ``limit`` (in the totals' own unit) is flagged.
    """
    return score_methods((method,), totals, unit, limit)[method]


def score_methods(methods: Iterable[str], totals: Iterable[Total], unit: int = 1,
                  limit: Fraction | None = None) -> dict[str, dict[Hashable, EntryAggregate]]:
    """``score_round`` under several methods at once: the totals are grouped, and each
    entry's plain mean and disagreement worked out, only once."""
    methods = [check_method(m) for m in dict.fromkeys(methods)]
    totals = list(totals)
    if not totals:
        return {m: {} for m in methods}
    by_entry = group_totals(totals)
    normalized = zscores(totals, unit) if ZSCORE in methods else {}
    result: dict[str, dict[Hashable, EntryAggregate]] = {m: {} for m in methods}
    scored = [(result[m], m) for m in methods]
    # spread > limit, cross-multiplied: integer totals compare as integers.
    limit_over, limit_under = (None, 1) if limit is None else (Fraction(limit).numerator,
                                                              Fraction(limit).denominator)
    for entry, values in by_entry.items():
        count = len(values)
        plain = mean(values, unit)
        flagged = (limit_over is not None and count > 1
                   and (max(values) - min(values)) * limit_under > limit_over)
        for scores, method in scored:
            if method == MEAN:
                score: Score = plain
            elif method == TRIMMED:
                score = trimmed_mean(values, unit) if count >= TRIM_FROM else plain
            elif method == MEDIAN:
                score = median(values, unit) if count > 2 else plain
            else:
                score = normalized[entry]
            scores[entry] = EntryAggregate(score, plain, count, flagged)
    return result


_HUNDREDTH = Decimal("0.01")


def ranking_score(method: str, score: Score) -> Fraction:
    """The value an entry is ranked on: exact, or under zscore the shown score
    (half-up to 2 decimals), so equal shown scores are ties."""
    if isinstance(score, Decimal):
        return Fraction(score.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))
    if method == ZSCORE:
        return Fraction(to_decimal(score))
    return score if isinstance(score, Fraction) else Fraction(score)
