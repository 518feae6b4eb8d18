"""Contests: tie-breakers and whether scores are shown; prize tiers that share a tie

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE … ADD COLUMN: on SQLite, rebuilding the contests table would
    # cascade the delete of the old one to every row that references it.
    op.add_column('contests', sa.Column('tie_breakers', sa.JSON(), server_default='[]', nullable=False))
    op.add_column('contests', sa.Column('show_scores', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('prize_tiers', sa.Column('share_ties', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('prize_tiers', schema=None) as batch_op:
        batch_op.drop_column('share_ties')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('show_scores')
        batch_op.drop_column('tie_breakers')
