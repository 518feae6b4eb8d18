"""Assign judges to entries: everyone to everything, or k per entry balanced by load."""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence


class AssignmentError(ValueError):
    """The requested assignment cannot be made.

    Besides the English message, it says why in plain values, so that a page can
    word it in its own language: ``per_entry`` judges were asked for each entry,
    and only ``available`` can read ``entry`` (None: any entry, the panel is too small).
    """

    def __init__(self, message: str, per_entry: int, available: int, entry: Hashable | None = None):
        super().__init__(message)
        self.per_entry, self.available, self.entry = per_entry, available, entry


Pair = tuple[Hashable, Hashable]  # (entry, judge)


def assign_every_judge(
    entries: Sequence[Hashable], judges: Sequence[Hashable], existing: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
) -> list[Pair]:
    """Every judge on every entry; returns only the pairs not already there."""
    skip = set(existing) | set(excluded)
    return [(e, j) for e in entries for j in judges if (e, j) not in skip]


def assign_balanced(
    entries: Sequence[Hashable],
    judges: Sequence[Hashable],
    per_entry: int,
    existing: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
) -> list[Pair]:
    """Top every entry up to ``per_entry`` judges, always picking the least loaded.

    Load counts existing assignments too, so running it again after adding
    entries or judges keeps the load even. Judges in ``excluded`` (conflicts of
    interest) are never put on that entry. Returns the new pairs only.
    """
    if per_entry < 1:
        raise AssignmentError("per_entry must be at least 1", per_entry, len(judges))
    if per_entry > len(judges):
        raise AssignmentError(
            f"{per_entry} judges per entry asked, but only {len(judges)} judges exist",
            per_entry, len(judges),
        )
    existing = list(existing)
    excluded = set(excluded)
    load = Counter(j for _, j in existing)
    on_entry: dict[Hashable, set] = {}
    for e, j in existing:
        on_entry.setdefault(e, set()).add(j)
    order = {j: i for i, j in enumerate(judges)}
    new: list[Pair] = []
    for turn, entry in enumerate(entries):
        current = on_entry.get(entry, set())
        need = per_entry - len(current)
        if need <= 0:
            continue
        free = [j for j in judges if j not in current and (entry, j) not in excluded]
        if len(free) < need:
            raise AssignmentError(f"entry {entry}: only {len(free)} judges can read it",
                                  per_entry, len(free), entry)
        # Equal loads are broken by a rotating start, so pairings vary.
        free.sort(key=lambda j: (load[j], (order[j] - turn) % len(judges)))
        for judge in free[:need]:
            load[judge] += 1
            new.append((entry, judge))
    return new
