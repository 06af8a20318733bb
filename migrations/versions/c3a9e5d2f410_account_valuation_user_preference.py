"""account valuation and user preferences

Revision ID: c3a9e5d2f410
Revises: f0406b8f1855
Create Date: 2026-12-01 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from models.types import ScaledDecimal


# revision identifiers, used by Alembic.
revision = 'c3a9e5d2f410'
down_revision = 'f0406b8f1855'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_valuation',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('cash', ScaledDecimal(15, 2), nullable=False),
    sa.Column('positions_value', ScaledDecimal(15, 2), nullable=False),
    sa.Column('total_value', ScaledDecimal(15, 2), nullable=False),
    sa.Column('net_flow', ScaledDecimal(15, 2), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.user_id'], name=op.f('fk_account_valuation_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'date', name=op.f('pk_account_valuation'))
    )
    op.create_table('user_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.user_id'], name=op.f('fk_user_preference_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'name', name=op.f('pk_user_preference'))
    )


def downgrade():
    op.drop_table('user_preference')
    op.drop_table('account_valuation')
