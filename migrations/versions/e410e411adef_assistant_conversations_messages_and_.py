"""assistant conversations, messages and usage

Revision ID: e410e411adef
Revises: c3a9e5d2f410
Create Date: 2026-12-01 23:30:07.067568

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e410e411adef'
down_revision = 'c3a9e5d2f410'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistant_conversation',
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.user_id'], name=op.f('fk_assistant_conversation_user_id_user')),
    sa.PrimaryKeyConstraint('conversation_id', name=op.f('pk_assistant_conversation'))
    )
    with op.batch_alter_table('assistant_conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_conversation_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistant_conversation_user_id'), ['user_id'], unique=False)

    op.create_table('assistant_usage',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_count', sa.Integer(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.user_id'], name=op.f('fk_assistant_usage_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_assistant_usage'))
    )
    op.create_table('assistant_message',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=True),
    sa.Column('tool_calls', sa.Text(), nullable=True),
    sa.Column('proposal', sa.Text(), nullable=True),
    sa.Column('client', sa.String(length=16), nullable=True),
    sa.Column('model', sa.String(length=64), nullable=True),
    sa.Column('prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('output_tokens', sa.Integer(), nullable=False),
    sa.Column('stopped', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['assistant_conversation.conversation_id'], name=op.f('fk_assistant_message_conversation_id_assistant_conversation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_assistant_message'))
    )
    with op.batch_alter_table('assistant_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistant_message_conversation_id'), ['conversation_id'], unique=False)



def downgrade():
    op.drop_table('assistant_message')
    op.drop_table('assistant_usage')
    op.drop_table('assistant_conversation')
