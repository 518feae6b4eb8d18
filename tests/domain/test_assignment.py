"""Judge assignment: everyone on everything, or k judges per entry balanced by load."""
from __future__ import annotations

from collections import Counter

import pytest

from contest.domain.assignment import AssignmentError, assign_balanced, assign_every_judge


def entries(n: int, start: int = 1) -> list[str]:
    return [f"E{i:03d}" for i in range(start, start + n)]


def judges(n: int) -> list[str]:
    return [f"j{i}" for i in range(1, n + 1)]


def judges_per_entry(pairs) -> dict:
    per_entry: dict = {}
    for entry, judge in pairs:
        per_entry.setdefault(entry, []).append(judge)
    return per_entry


def test_every_judge_reads_every_entry():
    pairs = assign_every_judge(entries(3), judges(2))
    assert sorted(pairs) == sorted((e, j) for e in entries(3) for j in judges(2))


def test_every_judge_returns_only_new_pairs_and_respects_exclusions():
    existing = [("E001", "j1")]
    excluded = [("E002", "j2")]
    pairs = assign_every_judge(entries(2), judges(2), existing, excluded)
    assert sorted(pairs) == [("E001", "j2"), ("E002", "j1")]


@pytest.mark.parametrize(("n_entries", "n_judges", "k"), [
    (380, 7, 3),
    (40, 4, 3),
    (10, 3, 3),
    (7, 5, 2),
    (1, 1, 1),
    (13, 6, 1),
    (25, 7, 7),
])
def test_balanced_gives_every_entry_exactly_k_distinct_judges_and_even_loads(n_entries, n_judges, k):
    pairs = assign_balanced(entries(n_entries), judges(n_judges), k)
    per_entry = judges_per_entry(pairs)
    assert set(per_entry) == set(entries(n_entries))
    assert all(len(js) == k == len(set(js)) for js in per_entry.values())
    assert len(pairs) == len(set(pairs)) == n_entries * k
    load = Counter(j for _, j in pairs)
    every_load = [load[j] for j in judges(n_judges)]
    assert max(every_load) - min(every_load) <= 1


def test_balanced_is_deterministic():
    assert assign_balanced(entries(30), judges(5), 2) == assign_balanced(entries(30), judges(5), 2)


def test_existing_assignments_are_kept_counted_and_not_returned():
    first = assign_balanced(entries(12), judges(4), 2)
    more = assign_balanced(entries(20), judges(4), 2, existing=first)
    assert not set(more) & set(first)
    assert {e for e, _ in more} == set(entries(8, start=13))
    combined = first + more
    per_entry = judges_per_entry(combined)
    assert all(len(set(js)) == 2 for js in per_entry.values())
    load = Counter(j for _, j in combined)
    assert max(load.values()) - min(load.values()) <= 1


def test_existing_load_steers_new_work_to_the_least_loaded():
    existing = [(e, "j1") for e in entries(5)]
    pairs = assign_balanced(entries(9), judges(4), 1, existing=existing)
    # E001–E005 already have their one judge; the four new ones go to j2–j4 first.
    assert {e for e, _ in pairs} == set(entries(4, start=6))
    load = Counter(j for _, j in pairs)
    assert load["j1"] == 0
    assert sorted(load.values()) == [1, 1, 2]


def test_a_judge_added_later_takes_the_new_work():
    first = assign_balanced(entries(12), judges(3), 2)
    more = assign_balanced(entries(20), judges(4), 2, existing=first)
    assert Counter(j for _, j in more)["j4"] == 8  # one seat on each of the 8 new entries


def test_an_entry_that_already_has_more_than_k_judges_gets_none():
    existing = [("E001", j) for j in judges(3)]
    pairs = assign_balanced(entries(2), judges(3), 2, existing=existing)
    assert {e for e, _ in pairs} == {"E002"}


def test_an_entry_short_of_judges_is_topped_up():
    pairs = assign_balanced(["E001"], judges(3), 3, existing=[("E001", "j2")])
    assert sorted(pairs) == [("E001", "j1"), ("E001", "j3")]


def test_excluded_pairs_are_never_assigned():
    excluded = {("E001", "j1"), ("E001", "j2"), ("E005", "j3")} | {(e, "j4") for e in entries(10)[1::2]}
    pairs = assign_balanced(entries(10), judges(4), 2, excluded=excluded)
    assert not set(pairs) & excluded
    per_entry = judges_per_entry(pairs)
    assert all(len(set(js)) == 2 for js in per_entry.values())
    assert sorted(per_entry["E001"]) == ["j3", "j4"]


def test_too_many_exclusions_on_one_entry_is_an_error():
    excluded = {("E002", "j1"), ("E002", "j2")}
    with pytest.raises(AssignmentError, match="E002"):
        assign_balanced(entries(3), judges(3), 2, excluded=excluded)


@pytest.mark.parametrize(("n_judges", "k", "message"), [
    (3, 4, "only 3 judges"),
    (0, 1, "only 0 judges"),
    (3, 0, "at least 1"),
    (3, -1, "at least 1"),
])
def test_impossible_k_is_an_error(n_judges, k, message):
    with pytest.raises(AssignmentError, match=message):
        assign_balanced(entries(2), judges(n_judges), k)


def test_no_entries_means_no_pairs():
    assert assign_balanced([], judges(3), 2) == []
    assert assign_every_judge([], judges(3)) == []


# Property tests: the guarantees assign_balanced makes, on generated panels. ---------------

from itertools import combinations  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def co_reading(pairs, panel) -> tuple[set, int]:
    """Pairs of judges who share an entry, and the number of parts of the co-reading graph."""
    parent = {j: j for j in panel}

    def root(j):
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    met = set()
    for readers in judges_per_entry(pairs).values():
        for a, b in combinations(sorted(readers), 2):
            met.add((a, b))
            parent[root(a)] = root(b)
    return met, len({root(j) for j in panel})


def check_guarantees(n: int, m: int, k: int, excluded: set) -> None:
    entry_ids, panel = entries(n), judges(m)
    pairs = assign_balanced(entry_ids, panel, k, excluded=excluded)
    per_entry = judges_per_entry(pairs)
    # Exactly k distinct judges on every entry, none of them conflicted.
    assert all(len(set(per_entry.get(e, []))) == len(per_entry.get(e, [])) == k for e in entry_ids)
    assert not set(pairs) & excluded
    # Loads within 1 among judges who may read the same entries.
    load = Counter(j for _, j in pairs)
    eligibility: dict[frozenset, list[int]] = {}
    for j in panel:
        barred = frozenset(e for e, judge in excluded if judge == j)
        eligibility.setdefault(barred, []).append(load[j])
    for loads in eligibility.values():
        assert max(loads) - min(loads) <= 1
    if not excluded and k >= 2:
        met, parts = co_reading(pairs, panel)
        # Connected as soon as the entries can link everyone; every pair of judges
        # shares an entry once there are three times the entries that needs.
        if n * (k - 1) >= m - 1:
            assert parts == 1
        if n * k * (k - 1) >= 3 * m * (m - 1):
            assert len(met) == m * (m - 1) // 2


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(2, 14), st.data())
def test_balanced_guarantees_on_generated_panels(n, m, data):
    k = data.draw(st.integers(1, m))
    check_guarantees(n, m, k, set())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 40), st.integers(3, 10), st.data())
def test_balanced_guarantees_with_conflicts(n, m, data):
    k = data.draw(st.integers(1, m - 2))
    pool = [(e, j) for e in entries(n) for j in judges(m)]
    # At most two conflicts per entry, so k ≤ m - 2 judges are always left.
    chosen = data.draw(st.lists(st.sampled_from(pool), max_size=2 * n, unique=True))
    per_entry = Counter(e for e, _ in chosen)
    excluded = {(e, j) for e, j in chosen if per_entry[e] <= 2}
    check_guarantees(n, m, k, excluded)


@settings(max_examples=10, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 380), st.integers(1, 9)), max_size=300))
def test_the_seed_contest_size_380_entries_9_judges_k_3(conflicts):
    excluded = {(f"E{e:03d}", f"j{j}") for e, j in conflicts}
    per_entry = Counter(e for e, _ in excluded)
    excluded = {(e, j) for e, j in excluded if per_entry[e] <= 6}
    check_guarantees(380, 9, 3, excluded)
    check_guarantees(380, 9, 3, set())


@settings(max_examples=2, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 5000), st.integers(1, 40)), max_size=2000))
def test_a_large_contest_5000_entries_40_judges_k_3(conflicts):
    excluded = {(f"E{e:03d}", f"j{j}") for e, j in conflicts}
    check_guarantees(5000, 40, 3, excluded)
    check_guarantees(5000, 40, 3, set())
