"""Each test starts on a database as new: the reset between tests leaves no row and no used id."""
from sqlalchemy import func, inspect, select, text

from contest.extensions import db
from contest.models import Role
from tests.conftest import ON_POSTGRES, _empty_tables, app_on_empty_database


def test_emptying_the_tables_leaves_no_row_and_ids_start_at_1(finalized_demo, make_user, make_contest,
                                                              make_entry):
    filled = [t.name for t in db.metadata.sorted_tables
              if db.session.scalar(select(func.count()).select_from(t))]
    # The finalized demo fills most tables, certificates (which point at each other) among them.
    assert {"contests", "entries", "scores", "certificates", "audit_events"} <= set(filled)

    _empty_tables()

    assert [t.name for t in db.metadata.sorted_tables
            if db.session.scalar(select(func.count()).select_from(t))] == []
    if ON_POSTGRES:
        assert db.session.scalars(text(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL")).all() == []
    user = make_user(Role.ORGANIZER)
    contest = make_contest()
    entry = make_entry(contest)
    assert (user.id, contest.id, contest.categories[0].id, entry.id) == (1, 1, 1, 1)


def _rows_without_times() -> dict[str, list[tuple]]:
    """Every table's rows, each without its date-times (a demo built later is stamped later),
    its password hashes (salted afresh) and the ranking counters (taken from the clock)."""
    from sqlalchemy import DateTime

    rows = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "password_hash"
                   and not (table.name == "ranking_versions" and c.name == "version")
                   and not isinstance(getattr(c.type, "impl", c.type), DateTime)]
        rows[table.name] = sorted(db.session.execute(select(*columns)).all(), key=repr)
    return rows


def test_the_demo_copied_into_a_test_is_the_demo_built_afresh(demo_contest):
    from tests.conftest import _demo_copy, _restore_demo_copy, load_small_demo

    assert _demo_copy, "the session keeps a copy of the demo"
    _empty_tables()
    _restore_demo_copy()
    copied = _rows_without_times()
    assert len(copied["entries"]) == 40 and copied["scores"]
    _empty_tables()
    load_small_demo()
    assert _rows_without_times() == copied
    # Ids go on after the copy's as after the built demo's.
    _empty_tables()
    _restore_demo_copy()
    assert make_more_entries_id() == len(copied["entries"]) + 1


def make_more_entries_id() -> int:
    from contest.models import AuthorKind, Contest, Entry

    contest = db.session.scalar(select(Contest))
    entry = Entry(contest=contest, code="EXTRA", category=contest.categories[0], title="Thêm",
                  author_kind=AuthorKind.INDIVIDUAL)
    db.session.add(entry)
    db.session.flush()
    return entry.id


def _schema_of(engine) -> dict[str, dict]:
    """Every table's columns, keys, indexes and checks, as the database reports them."""
    found = inspect(engine)
    return {table: {
        "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in found.get_columns(table)],
        "primary key": found.get_pk_constraint(table),
        "foreign keys": sorted(map(repr, found.get_foreign_keys(table))),
        "indexes": sorted(map(repr, found.get_indexes(table))),
        "unique": sorted(map(repr, found.get_unique_constraints(table))),
        "checks": sorted(map(repr, found.get_check_constraints(table))),
    } for table in sorted(found.get_table_names())}


def test_each_test_has_the_tables_create_all_makes_on_an_empty_database(make_user, tmp_path):
    """On SQLite each test's tables are copied from the session's first; they must be
    the tables, keys and constraints of the models as create_all writes them."""
    ours = _schema_of(db.engine)
    assert set(ours) == {t.name for t in db.metadata.sorted_tables}
    assert make_user(Role.AUTHOR).id == 1
    with app_on_empty_database(tmp_path, "fresh_schema"):
        db.create_all()
        assert _schema_of(db.engine) == ours
