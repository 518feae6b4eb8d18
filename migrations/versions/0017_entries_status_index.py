"""Entries: an index on (contest_id, status), so the judged entries of a contest are read from it alone

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_entries_contest_id_status', 'entries', ['contest_id', 'status'])


def downgrade():
    op.drop_index('ix_entries_contest_id_status', table_name='entries')
