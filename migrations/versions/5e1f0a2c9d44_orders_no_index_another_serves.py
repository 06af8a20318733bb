"""orders: no index that another one serves

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

# user_id is served by ix_orders_user_created (which also backs its foreign key), ticker
# by ix_orders_trigger and ix_orders_trailing; the side and the execution type are never
# looked up alone. Each of these cost every order placed one more index entry.
DROPPED = (
    ('ix_orders_user_id', ['user_id']),
    ('ix_orders_ticker', ['ticker']),
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
