"""dts transaction numbers as BIGINT in the event log and the cash ledger

Revision ID: eaa236a733fb
Revises: c7d2e9a4b1f3
Create Date: 2026-12-07 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eaa236a733fb'
down_revision = 'c7d2e9a4b1f3'
branch_labels = None
depends_on = None

# The numbers the server hands out (dts_sequence, a BIGINT) follow the largest a line may
# carry, 2147483647, and so pass what an INT holds; a DTS ADD's ledger row refers to one.
COLUMNS = (('dts_event', 'transaction_num'), ('cash_ledger', 'reference_id'))


def upgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Integer(), type_=sa.BigInteger(),
                                  existing_nullable=False)


def downgrade():
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.BigInteger(), type_=sa.Integer(),
                                  existing_nullable=False)
