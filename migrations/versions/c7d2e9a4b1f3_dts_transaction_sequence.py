"""dts transaction sequence

Revision ID: c7d2e9a4b1f3
Revises: b43b71ac2eed
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2e9a4b1f3'
down_revision = 'b43b71ac2eed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dts_sequence',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('next_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_dts_sequence'))
    )
    # Numbers handed out from now on follow the ones already logged.
    op.execute(
        "INSERT INTO dts_sequence (name, next_value) "
        "SELECT 'transaction', COALESCE(MAX(transaction_num), 0) + 1 FROM dts_event"
    )


def downgrade():
    op.drop_table('dts_sequence')
