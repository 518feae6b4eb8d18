"""Ranking versions: a counter per contest, bumped by every write that can change its ranking

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ranking_versions',
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['contest_id'], ['contests.id'],
                                name=op.f('fk_ranking_versions_contest_id_contests'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('contest_id', name=op.f('pk_ranking_versions')),
    )


def downgrade():
    op.drop_table('ranking_versions')
