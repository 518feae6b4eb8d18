"""Screening reasons and entries received by post

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screening_reason', sa.Enum('late', 'off_topic', 'incomplete', 'duplicate', 'identity_visible', 'other', name='screeningreason', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_column('received_on')
        batch_op.drop_constraint(op.f('ck_entries_screeningreason'), type_='check')
        batch_op.drop_column('screening_reason')
