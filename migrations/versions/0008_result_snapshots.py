"""Result snapshots (the finalized results as canonical JSON with its SHA-256) and every ranked entry's result

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_result_snapshots_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['users.id'], name=op.f('fk_result_snapshots_finalized_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_result_snapshots_released_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_snapshots'))
    )
    with op.batch_alter_table('result_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_snapshots_contest_id'), ['contest_id'], unique=False)

    op.create_table('entry_results',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_entry_results_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_entry_results_entry_id_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_entry_results'))
    )
    with op.batch_alter_table('entry_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_results_contest_id'), ['contest_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entry_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_results_contest_id'))
    op.drop_table('entry_results')
    with op.batch_alter_table('result_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_snapshots_contest_id'))
    op.drop_table('result_snapshots')
