"""One round's totals scored under every method from one grouping per entry: each entry's
plain mean and disagreement flag, each method's exact scores as integer ratios (zscore's as
whole hundredths) and integers that order them, Fractions made only where they are asked for.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from fractions import Fraction
from math import lcm

from contest.domain.aggregation import (
    MEAN,
    MEDIAN,
    TRIM_FROM,
    TRIMMED,
    ZSCORE,
    Total,
    check_method,
    from_hundredths,
    group_totals,
    zscore_hundredths,
)
from contest.domain.ranking import ratio_keys

Ratio = tuple[int, int]


class ExactScores(Mapping[Hashable, Fraction]):
    """Each key of ``keys`` with its exact score, the Fraction ``make(key)`` made when it is
    first asked for: a ranking of 50,000 entries reads a few hundred of them."""

    def __init__(self, keys: Mapping[Hashable, object], make: Callable[[Hashable], Fraction]):
        self._keys, self._make = keys, make
        self._made: dict[Hashable, Fraction] = {}

    def __getitem__(self, key: Hashable) -> Fraction:
        made = self._made.get(key)
        if made is None:
            if key not in self._keys:
                raise KeyError(key)
            made = self._made[key] = self._make(key)
        return made

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class MethodScores:
    """The scores ``score_methods`` gives (as they are ranked: ``ranking_score``), for
    integer totals in one unit, the totals grouped per entry once.

    ``means``: each entry's plain mean (a Fraction, made when read); ``flagged``: the entries whose totals
    spread by more than ``limit`` (in the totals' unit, as ``score_methods``).
    """

    def __init__(self, totals: Sequence[Total], unit: int = 1, limit: Fraction | None = None):
        self.totals, self.unit = totals, unit
        self.groups = group_totals(totals)
        # count, sum, lowest, highest: enough for the mean, trimmed, median of 3 and the spread.
        self.sums = {entry: (len(values), sum(values), min(values), max(values))
                     for entry, values in self.groups.items()}
        self.most = max((count for count, _, _, _ in self.sums.values()), default=0)
        sums = self.sums
        self.means = ExactScores(sums, lambda entry: Fraction(sums[entry][1], sums[entry][0] * unit))
        if limit is None:
            self.flagged: set[Hashable] = set()
        else:
            # spread > limit, cross-multiplied: integer totals compare as integers.
            over, under = Fraction(limit).numerator, Fraction(limit).denominator
            self.flagged = {entry for entry, (count, _, low, high) in self.sums.items()
                            if count > 1 and (high - low) * under > over}
        self._ratios: dict[str, dict[Hashable, Ratio]] = {}
        self._hundredths: dict[Hashable, int] | None = None

    def as_mean(self, method: str) -> bool:
        """``method`` gives every entry its plain mean here: trimmed when no entry has
        TRIM_FROM totals, median when none has more than two."""
        return (method == MEAN or (method == TRIMMED and self.most < TRIM_FROM)
                or (method == MEDIAN and self.most <= 2))

    def ratios(self, method: str) -> dict[Hashable, Ratio]:
        """Each entry's exact score under mean, trimmed or median as (numerator,
        denominator), not reduced: the values ``score_methods`` gives, without a Fraction each."""
        check_method(method)
        if method == ZSCORE:
            raise ValueError("zscore scores are Decimals, not ratios")
        if method not in self._ratios:
            self._ratios[method] = self._ratios_under(method)
        return self._ratios[method]

    def _ratios_under(self, method: str) -> dict[Hashable, Ratio]:
        unit, groups = self.unit, self.groups
        ratios = {}
        for entry, (count, total, low, high) in self.sums.items():
            if method == TRIMMED and count >= TRIM_FROM:
                ratio = (total - low - high, (count - 2) * unit)
            elif method == MEDIAN and count == 3:
                ratio = (total - low - high, unit)
            elif method == MEDIAN and count > 3:
                ordered, middle = sorted(groups[entry]), count // 2
                ratio = ((ordered[middle], unit) if count % 2
                         else (ordered[middle - 1] + ordered[middle], 2 * unit))
            else:
                ratio = (total, count * unit)
            ratios[entry] = ratio
        return ratios

    def hundredths(self) -> dict[Hashable, int]:
        """Each entry's zscore score as shown, in whole hundredths (``zscore_hundredths``)."""
        if self._hundredths is None:
            self._hundredths = zscore_hundredths(self.totals, self.unit)
        return self._hundredths

    def scores(self, method: str) -> Mapping[Hashable, Fraction]:
        """Each entry's score under ``method`` as it is ranked: ``ranking_score`` of the
        score ``score_methods`` gives (the plain mean's own Fractions where they are equal;
        each made when it is read)."""
        if self.as_mean(method):
            return self.means
        if method == ZSCORE:
            return from_hundredths(self.hundredths())
        ratios = self.ratios(method)
        return ExactScores(ratios, lambda entry: Fraction(*ratios[entry]))

    def order(self, method: str, keys: Sequence[Hashable]) -> list[int]:
        """Integers that sort and tie as the ``keys``' scores under ``method`` do."""
        if self.as_mean(method):
            sums = [self.sums[key] for key in keys]
            common = lcm(*{count for count, _, _, _ in sums})
            return [total * (common // count) for count, total, _, _ in sums]
        if method == ZSCORE:
            hundredths = self.hundredths()
            return [hundredths[key] for key in keys]
        ratios = self.ratios(method)
        return ratio_keys([ratios[key] for key in keys])
