"""Score sheets: each keeps its total (Σ points × weight over its round's rubric) and how many criteria it scores, filled for the sheets there are

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# A sheet's scores on its round's rubric: the round's own criteria, else its contest's.
# Points are stored in hundredths and weights in thousandths, so the sum is exact.
IN_RUBRIC = """
    FROM scores s JOIN criteria c ON c.id = s.criterion_id
    WHERE s.assignment_id = assignments.id AND (
        EXISTS (SELECT 1 FROM round_criteria rc
                WHERE rc.round_id = assignments.round_id AND rc.criterion_id = s.criterion_id)
        OR (NOT EXISTS (SELECT 1 FROM round_criteria rc WHERE rc.round_id = assignments.round_id)
            AND c.contest_id = (SELECT r.contest_id FROM rounds r WHERE r.id = assignments.round_id)))
"""


def upgrade():
    # Plain ALTER TABLE … ADD COLUMN: on SQLite, rebuilding the assignments table would
    # cascade the delete of the old one to every score that references it.
    op.add_column('assignments', sa.Column('total', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('assignments', sa.Column('scored', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE assignments SET"
        f" total = COALESCE((SELECT SUM(CAST(s.points AS BIGINT) * c.weight) {IN_RUBRIC}), 0),"
        f" scored = (SELECT COUNT(*) {IN_RUBRIC})"
        " WHERE EXISTS (SELECT 1 FROM scores WHERE scores.assignment_id = assignments.id)"
    )


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 on): no rebuild, so the scores stay.
    op.execute("ALTER TABLE assignments DROP COLUMN scored")
    op.execute("ALTER TABLE assignments DROP COLUMN total")
