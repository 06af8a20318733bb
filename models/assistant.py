"""Assistant tables: conversations, their messages (with tool calls) and usage per user."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from utils.clock import utcnow


class Conversation(db.Model):
    """One chat of one user with the assistant."""

    __tablename__ = "assistant_conversation"

    conversation_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    messages: Mapped[list["ChatMessage"]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        order_by="ChatMessage.message_id",
    )


class ChatMessage(db.Model):
    """A user's question or the assistant's answer; an answer keeps its tool calls (JSON),
    the client and model that wrote it, the tokens it used and any order it proposed."""

    __tablename__ = "assistant_message"

    message_id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("assistant_conversation.conversation_id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(Text)  # figures sent by "Explain this"
    tool_calls: Mapped[str | None] = mapped_column(Text)
    proposal: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(16))  # gemini | offline
    model: Mapped[str | None] = mapped_column(String(64))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    stopped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class AssistantUsage(db.Model):
    """Per user: messages and tokens so far, and the current rate-limit window."""

    __tablename__ = "assistant_usage"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), primary_key=True)
    messages: Mapped[int] = mapped_column(default=0)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)
    window_count: Mapped[int] = mapped_column(default=0)
    last_used_at: Mapped[datetime | None]
