"""Each test starts on a database as new: the reset between tests leaves no row and no used id."""
from sqlalchemy import func, select, text

from contest.extensions import db
from contest.models import Role
from tests.conftest import ON_POSTGRES, _empty_tables


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
