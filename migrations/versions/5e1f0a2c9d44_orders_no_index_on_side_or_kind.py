"""orders: no index on the side or the execution type

Revision ID: 5e1f0a2c9d44
Revises: eaa236a733fb
Create Date: 2026-12-07 23:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0a2c9d44'
down_revision = 'eaa236a733fb'
branch_labels = None
depends_on = None

# Two values and five: neither is ever looked up alone (the trailing index, which starts
# with the ticker, serves the queries that name them), and each cost every order placed
# one more index entry. user_id and ticker keep their own indexes: InnoDB's secondary
# index ends with the key, so (user_id) is (user_id, order_id) and lists a user's orders
# newest first without a sort, and (ticker) does the same for a ticker's.
DROPPED = (
    ('ix_orders_order_type', ['order_type']),
    ('ix_orders_order_execution_type', ['order_execution_type']),
)


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name, _columns in DROPPED:
            batch_op.drop_index(name)


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name, columns in DROPPED:
            batch_op.create_index(name, columns, unique=False)
