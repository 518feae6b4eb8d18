"""Entries: folded search text, sort keys and a duplicate key, filled for the entries there are

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from contest.domain.folding import duplicate_key, fold, search_text


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('title_key', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('author_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duplicate_key', sa.String(length=40), server_default='', nullable=False))
        batch_op.create_index('ix_entries_contest_id_duplicate_key', ['contest_id', 'duplicate_key'], unique=False)
    _backfill()


def _backfill():
    """The same keys the app computes on every write (contest.models.entries), for existing rows."""
    conn = op.get_bind()
    entries = sa.table('entries', sa.column('id'), sa.column('code'), sa.column('title'),
                       sa.column('organization'), sa.column('district'), sa.column('search_text'),
                       sa.column('title_key'), sa.column('author_key'), sa.column('duplicate_key'))
    authors = sa.table('entry_authors', sa.column('entry_id'), sa.column('position'), sa.column('name'))
    names: dict[int, list[str]] = {}
    for entry_id, name in conn.execute(sa.select(authors.c.entry_id, authors.c.name)
                                       .order_by(authors.c.entry_id, authors.c.position)):
        names.setdefault(entry_id, []).append(name)
    rows = []
    for entry_id, code, title, organization, district in conn.execute(
            sa.select(entries.c.id, entries.c.code, entries.c.title, entries.c.organization,
                      entries.c.district)):
        people = names.get(entry_id, [])
        rows.append({
            "row_id": entry_id,
            "search_text": search_text(code, title, people, organization or "", district or ""),
            "title_key": fold(title)[:500],
            "author_key": fold(people[0])[:200] if people else "",
            "duplicate_key": duplicate_key(title, people),
        })
    if rows:
        conn.execute(entries.update().where(entries.c.id == sa.bindparam("row_id")).values(
            search_text=sa.bindparam("search_text"), title_key=sa.bindparam("title_key"),
            author_key=sa.bindparam("author_key"), duplicate_key=sa.bindparam("duplicate_key")), rows)


def downgrade():
    # Not batch mode: on SQLite it would copy and drop the table, and the drop would cascade
    # to every row that refers to an entry. SQLite (3.35+) drops a column in place.
    op.drop_index('ix_entries_contest_id_duplicate_key', table_name='entries')
    for column in ('duplicate_key', 'author_key', 'title_key', 'search_text'):
        op.drop_column('entries', column)
