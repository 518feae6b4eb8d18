"""Assign judges to entries: everyone to everything, or k per entry balanced by load.

``assign_balanced`` is pure and works on one round at a time. It guarantees:

* every entry gets exactly k judges (existing ones count);
* no judge is put on an entry in ``excluded`` (conflicts of interest);
* two judges who may read the same entries end with loads at most 1 apart;
* among judges of the same load, it picks the one who has read least with the
  judges already chosen for the entry, so that every pair of judges shares
  entries as soon as there are enough entries, and the judges' scales can be
  compared (the co-reading graph is connected).
"""
from __future__ import annotations

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
    """Every judge on every entry except the excluded pairs; returns only the new pairs."""
    skip = set(existing) | set(excluded)
    return [(e, j) for e in entries for j in judges if (e, j) not in skip]


def assign_balanced(
    entries: Sequence[Hashable],
    judges: Sequence[Hashable],
    per_entry: int,
    existing: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
) -> list[Pair]:
    """Top every entry up to ``per_entry`` judges; returns the new pairs only.

    Load counts ``existing`` assignments too, so running it again after adding
    entries or judges keeps the load even. Entries with the fewest judges able
    to read them are served first.
    """
    if per_entry < 1:
        raise AssignmentError("per_entry must be at least 1", per_entry, len(judges))
    if per_entry > len(judges):
        raise AssignmentError(
            f"{per_entry} judges per entry asked, but only {len(judges)} judges exist",
            per_entry, len(judges),
        )
    index = {j: i for i, j in enumerate(judges)}
    count = len(judges)
    excluded_by_entry: dict[Hashable, set[int]] = {}
    for e, j in excluded:
        if j in index:
            excluded_by_entry.setdefault(e, set()).add(index[j])
    load = [0] * count
    shared = [[0] * count for _ in range(count)]  # entries read together, per pair of judges
    on_entry: dict[Hashable, list[int]] = {}
    for e, j in existing:
        if j in index:
            on_entry.setdefault(e, []).append(index[j])
            load[index[j]] += 1
    group = list(range(count))  # union-find over the co-reading graph
    for readers in on_entry.values():
        _count_pairs(shared, readers)
        for r in readers[1:]:
            _join(group, readers[0], r)
    # How many other judges each judge has not read an entry with yet.
    unmet = [sum(1 for b in range(count) if b != a and not shared[a][b]) for a in range(count)]

    todo = []
    for position, entry in enumerate(entries):
        current = on_entry.get(entry, [])
        need = per_entry - len(current)
        if need <= 0:
            continue
        blocked = excluded_by_entry.get(entry, set()).union(current)
        free = [i for i in range(count) if i not in blocked]
        if len(free) < need:
            raise AssignmentError(f"entry {entry}: only {len(free)} judges can read it",
                                  per_entry, len(free), entry)
        todo.append((len(free), position, entry, current, free, need))
    todo.sort(key=lambda t: (t[0], t[1]))

    # Pairs of judges who have not read an entry together yet, and parts of the graph.
    unmet = sum(1 for a in range(count) for b in range(a + 1, count) if not shared[a][b])
    parts = len({_root(group, i) for i in range(count)})
    new: list[Pair] = []
    for turn, (_, _, entry, current, free, need) in enumerate(todo):
        chosen = list(current)
        for _ in range(need):
            lowest = min(load[i] for i in free if i not in chosen)
            candidates = [i for i in free if load[i] == lowest and i not in chosen]
            if unmet or parts > 1:
                # Equal loads: a judge not yet linked to those chosen (joining two parts
                # of the co-reading graph), then one who meets most of them for the first
                # time, then the one who has read least with them; then a rotating start,
                # so pairings vary.
                linked = {_root(group, c) for c in chosen}
                best = min(candidates, key=lambda i: (
                    _root(group, i) in linked,
                    -sum(shared[i][c] == 0 for c in chosen),
                    sum(shared[i][c] for c in chosen),
                    (i - turn) % count))
            else:
                # Everyone has met everyone: only the rotation decides.
                best = min(candidates, key=lambda i: (i - turn) % count)
            if chosen and _root(group, chosen[0]) != _root(group, best):
                _join(group, chosen[0], best)
                parts -= 1
            for c in chosen:
                if not shared[best][c]:
                    unmet -= 1
                shared[best][c] += 1
                shared[c][best] += 1
            chosen.append(best)
            load[best] += 1
            new.append((entry, judges[best]))
    return new


def _count_pairs(shared: list[list[int]], readers: list[int]) -> None:
    for a in readers:
        for b in readers:
            if a != b:
                shared[a][b] += 1


def _root(group: list[int], i: int) -> int:
    while group[i] != i:
        group[i] = group[group[i]]
        i = group[i]
    return i


def _join(group: list[int], a: int, b: int) -> None:
    group[_root(group, a)] = _root(group, b)
