"""Assignments: an index on (round_id, entry_id, judge_id, submitted_at, scored, total), so a round's sheets are read from it alone

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 05:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_assignments_round_id_sheet_totals', 'assignments',
                    ['round_id', 'entry_id', 'judge_id', 'submitted_at', 'scored', 'total'])


def downgrade():
    op.drop_index('ix_assignments_round_id_sheet_totals', table_name='assignments')
