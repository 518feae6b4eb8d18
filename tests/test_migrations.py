"""The Alembic migrations build exactly the schema the models describe, and undo it."""
from __future__ import annotations

from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from contest.extensions import db
from tests.conftest import app_on_empty_database

# PostgreSQL: a schema of its own, so the migrations never meet the tests' tables.
CHECK_SCHEMA = "migration_check"


@pytest.fixture
def migrated_app(tmp_path: Path):
    """An app on an empty database (a temporary SQLite file, or a throwaway PostgreSQL schema)."""
    with app_on_empty_database(tmp_path, CHECK_SCHEMA) as app:
        yield app


def user_tables(conn) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_the_database_starts_empty(migrated_app):
    with db.engine.connect() as conn:
        assert user_tables(conn) == set()


def test_upgrade_produces_exactly_the_models_schema(migrated_app):
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert user_tables(conn) == set(db.metadata.tables)
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_constraint_and_index_names_match_the_models(migrated_app):
    """Alembic's comparison skips CHECK constraints and names; compare those too."""
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        for table in db.metadata.sorted_tables:
            expected_checks = {c.name for c in table.constraints
                               if c.__class__.__name__ == "CheckConstraint"}
            # Enum columns carry their own CHECK, named by the convention too.
            expected_checks |= {
                f"ck_{table.name}_{col.type.name}" for col in table.columns
                if getattr(col.type, "create_constraint", False)
            }
            got_checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert got_checks == expected_checks, table.name

            expected_uniques = {c.name for c in table.constraints
                                if c.__class__.__name__ == "UniqueConstraint"}
            expected_uniques |= {f"uq_{table.name}_{col.name}" for col in table.columns if col.unique}
            got_uniques = {c["name"] for c in inspector.get_unique_constraints(table.name)}
            assert got_uniques == expected_uniques, table.name

            expected_fks = {fk.name for fk in table.foreign_key_constraints}
            got_fks = {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
            assert got_fks == expected_fks, table.name

            # PostgreSQL also lists the indexes behind unique constraints: not ours to compare.
            got_indexes = {i["name"] for i in inspector.get_indexes(table.name)
                           if "duplicates_constraint" not in i}
            assert got_indexes == {i.name for i in table.indexes}, table.name


def test_upgraded_database_enforces_the_score_range(migrated_app):
    """The composite foreign key and CHECK of scores survive the migration."""
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        fks = inspect(conn).get_foreign_keys("scores")
        composite = next(fk for fk in fks if fk["name"] == "fk_scores_criterion_max_points")
        assert composite["constrained_columns"] == ["criterion_id", "max_points"]
        assert composite["referred_columns"] == ["id", "max_points"]
        assert composite["options"].get("onupdate") == "CASCADE"
        assert composite["options"].get("ondelete") == "CASCADE"


def test_downgrade_to_base_removes_everything(migrated_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    with db.engine.connect() as conn:
        assert user_tables(conn) == set()
    # And it can be built again.
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert user_tables(conn) == set(db.metadata.tables)


def test_an_existing_contest_keeps_its_sheets_in_one_open_round(migrated_app):
    """A contest judged before rounds had settings: its round is round "1", open, the mean, weight 1."""
    from sqlalchemy import text

    flask_migrate.upgrade(revision="0004")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO contests (id, slug, name, organizer, place, timezone, opens_at, closes_at, phase,"
            " code_prefix, entry_seq, created_at, conflict_same_organization, conflict_same_district)"
            " VALUES (1, 'dvk-2022', 'Dân vận khéo', 'Ban Dân vận', '', 'Asia/Ho_Chi_Minh',"
            " '2022-05-20 01:00:00+00:00', '2022-11-30 17:00:00+00:00', 'judging', 'DVK', 0,"
            " '2022-05-20 01:00:00+00:00', false, false)"))
        conn.execute(text("INSERT INTO rounds (id, contest_id, number, name) VALUES (7, 1, 1, 'Vòng 1')"))
        conn.execute(text(
            "INSERT INTO users (id, email, name, password_hash, created_at)"
            " VALUES (3, 'giamkhao1@dvk2022.vn', 'Giám khảo', 'x', '2022-05-20 01:00:00+00:00')"))
        conn.execute(text("INSERT INTO categories (id, contest_id, code, name, position)"
                          " VALUES (4, 1, 'BAO', 'Báo in', 0)"))
        conn.execute(text(
            "INSERT INTO entries (id, contest_id, code, title, category_id, author_kind, organization,"
            " district, email, phone, description, link, status, ineligible_reason, submitted_at,"
            " updated_at) VALUES (5, 1, 'DVK-0001', 'Bài', 4, 'individual', '', '', '', '', '', '',"
            " 'eligible', '', '2022-05-21 01:00:00+00:00', '2022-05-21 01:00:00+00:00')"))
        conn.execute(text(
            "INSERT INTO assignments (id, round_id, entry_id, judge_id, comment, created_at, updated_at)"
            " VALUES (9, 7, 5, 3, 'Tốt', '2022-12-01 01:00:00+00:00', '2022-12-01 01:00:00+00:00')"))
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        # Rebuilding the rounds table must not take the sheets that point at it along.
        assert conn.execute(text("SELECT id, round_id, comment FROM assignments")).all() == [(9, 7, "Tốt")]
    with db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT code, name, status, method, weight, disagreement, per_entry, advance_rule"
            " FROM rounds WHERE id = 7")).one()
    assert tuple(row) == ("1", "Vòng 1", "open", "mean", 1000, 250, None, None)


def test_the_search_keys_of_existing_entries_are_filled_in(migrated_app):
    """Entries stored before the search column existed are found by the folded search once upgraded."""
    from contest.admin.setup import apply_contest_settings
    from contest.entries.services import EntryFields
    from contest.models import AuthorKind, Entry
    from tests.conftest import contest_settings

    flask_migrate.upgrade()
    contest = apply_contest_settings(contest_settings())
    entry = Entry(contest=contest, code="TT-0012")
    EntryFields(title="Đường hoa Tiên Lãng", category=contest.categories[0], author_kind=AuthorKind.INDIVIDUAL,
                authors=["Nguyễn Thị Thuỳ Dương"], district="Thủy Nguyên").apply_to(entry)
    db.session.add(entry)
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="0012")
    flask_migrate.upgrade()
    row = db.session.execute(text("SELECT search_text, title_key, author_key, duplicate_key FROM entries")).one()
    assert row.search_text == "tt-12 | duong hoa tien lang | nguyen thi thuy duong |  | thuy nguyen"
    assert (row.title_key, row.author_key) == ("duong hoa tien lang", "nguyen thi thuy duong")
    assert len(row.duplicate_key) == 40
    # Undoing the migration keeps the entries and what hangs on them.
    db.session.remove()
    flask_migrate.downgrade(revision="0012")
    assert db.session.execute(text("SELECT count(*) FROM entry_authors")).scalar() == 1
    db.session.remove()


def test_the_totals_of_existing_sheets_are_filled_in(migrated_app):
    """Sheets scored before they kept their totals get them, summed over their round's rubric."""
    from contest.demo import load_demo

    flask_migrate.upgrade()
    load_demo(entries=12, judges=4, seed=7)
    db.session.commit()
    query = text("SELECT id, total, scored FROM assignments ORDER BY id")
    kept = db.session.execute(query).all()
    assert len(kept) > 12 and all(scored == 3 and total > 0 for _, total, scored in kept)
    db.session.remove()
    flask_migrate.downgrade(revision="0014")
    assert db.session.execute(text("SELECT count(*) FROM scores")).scalar() == 3 * len(kept)
    db.session.remove()
    flask_migrate.upgrade()
    assert db.session.execute(query).all() == kept
    db.session.remove()
