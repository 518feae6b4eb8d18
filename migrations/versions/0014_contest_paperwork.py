"""Contests: the paperwork settings of the office's documents (issuer, signer, jury)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE … ADD COLUMN: on SQLite, rebuilding the contests table would
    # cascade the delete of the old one to every row that references it.
    op.add_column('contests', sa.Column('paperwork', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_column('paperwork')
