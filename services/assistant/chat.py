"""Conversations and messages kept per user; input checks for a new message."""

import json

from flask import current_app
from sqlalchemy import delete, select

from extensions import db
from models import ChatMessage, Conversation
from services.db import lock_one, transaction
from services.errors import NotFound, ServiceError
from utils.assistant.base import ToolCall, Turn
from utils.clock import utcnow
from utils.parsing import whole_number

CONTEXT_MAX_FIGURES = 30
CONTEXT_LABEL_MAX = 60
CONTEXT_VALUE_MAX = 120
PAGES = ("analysis", "monte_carlo", "backtest")


def check_message(body: dict) -> dict:
    """Validate ``{"message", "conversation_id"?, "context"?}``; 400 naming the field."""
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise ServiceError("Write a question for the assistant.", field="message")
    limit = current_app.config["ASSISTANT_MAX_MESSAGE"]
    if len(message) > limit:
        raise ServiceError(f"A message can be at most {limit} characters.", field="message")
    raw_id = body.get("conversation_id")
    conversation_id = None if raw_id in (None, "") else whole_number(raw_id, 1, 2**31 - 1)
    if raw_id not in (None, "") and conversation_id is None:
        raise ServiceError("conversation_id must be a conversation's number.", "conversation_id")
    return {
        "message": message.strip(),
        "conversation_id": conversation_id,
        "context": check_context(body.get("context")),
    }


def check_context(raw) -> dict | None:
    """Figures sent by an "Explain this" button: a page name and label → value text."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("page") not in PAGES:
        raise ServiceError(f"context needs a page, one of {', '.join(PAGES)}.", field="context")
    figures = raw.get("figures")
    if not isinstance(figures, dict) or not 0 < len(figures) <= CONTEXT_MAX_FIGURES:
        raise ServiceError(f"context needs 1 to {CONTEXT_MAX_FIGURES} figures.", field="context")
    clean = {}
    for label, value in figures.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ServiceError("Each figure must be text or a number.", field="context")
        text = str(value)
        if len(label) > CONTEXT_LABEL_MAX or len(text) > CONTEXT_VALUE_MAX:
            raise ServiceError("A figure's label or value is too long.", field="context")
        clean[label.strip()] = text.strip()
    return {"page": raw["page"], "figures": clean}


def owned(user_id: int, conversation_id: int) -> Conversation:
    """The user's conversation, or 404 (another user's looks the same as a missing one)."""
    conv = db.session.get(Conversation, conversation_id)
    if conv is None or conv.user_id != user_id:
        raise NotFound("No such conversation.", field="conversation_id")
    return conv


def add_question(user_id: int, checked: dict) -> ChatMessage:
    """Store the user's message (in a new conversation unless one is given)."""
    with transaction():
        if checked["conversation_id"] is None:
            title = " ".join(checked["message"].split())[:80]
            conv = Conversation(user_id=user_id, title=title)
            db.session.add(conv)
        else:
            conv = owned(user_id, checked["conversation_id"])
        conv.updated_at = utcnow()
        context = json.dumps(checked["context"]) if checked["context"] else None
        msg = ChatMessage(
            conversation=conv, role="user", content=checked["message"], context=context
        )
        db.session.add(msg)
    return msg


def claim_answer(user_id: int, message_id: int) -> tuple[int, int]:
    """(question id, answer id): the user's pending question and the answer row now kept
    for it (empty, marked stopped until written). Claimed under the conversation's lock,
    so a second stream of the same question (another tab) is refused as answered."""
    with transaction():
        question = pending_question(user_id, message_id)
        lock_one(Conversation, Conversation.conversation_id == question.conversation_id)
        question = pending_question(user_id, message_id)  # again, now that it is locked
        answer = ChatMessage(
            conversation_id=question.conversation_id, role="assistant", content="", stopped=True
        )
        db.session.add(answer)
        db.session.flush()
        answer_id = answer.message_id
    return message_id, answer_id


def add_answer(answer_id: int, result, stopped: bool = False) -> ChatMessage:
    """Write the claimed answer: its text, tool calls, client, model, tokens, proposal."""
    with transaction():
        msg = db.session.get(ChatMessage, answer_id)
        msg.content = result.text
        msg.tool_calls = (
            json.dumps([c.as_json() for c in result.tool_calls]) if result.tool_calls else None
        )
        msg.proposal = json.dumps(result.proposal) if result.proposal else None
        msg.client, msg.model = result.client, result.model
        msg.prompt_tokens, msg.output_tokens = result.prompt_tokens, result.output_tokens
        msg.stopped, msg.created_at = stopped, utcnow()
    return msg


def pending_question(user_id: int, message_id: int) -> ChatMessage:
    """The user's question ``message_id`` if it has no answer yet, else 404/409."""
    msg = db.session.get(ChatMessage, message_id)
    if msg is None or msg.role != "user" or msg.conversation.user_id != user_id:
        raise NotFound("No such question.", field="message_id")
    later = db.session.scalar(
        select(ChatMessage.message_id)
        .where(
            ChatMessage.conversation_id == msg.conversation_id,
            ChatMessage.message_id > msg.message_id,
        )
        .limit(1)
    )
    if later is not None:
        raise ServiceError("That question has been answered already.", field="message_id")
    return msg


def turns_before(msg: ChatMessage) -> list[Turn]:
    """The conversation's messages before ``msg``, as Turns."""
    rows = db.session.scalars(
        select(ChatMessage)
        .where(
            ChatMessage.conversation_id == msg.conversation_id,
            ChatMessage.message_id < msg.message_id,
        )
        .order_by(ChatMessage.message_id)
    ).all()
    return [Turn(r.role, r.content, _calls(r.tool_calls)) for r in rows]


def _calls(raw: str | None) -> list[ToolCall]:
    return [ToolCall(**c) for c in json.loads(raw)] if raw else []


def conversations(user_id: int) -> list[Conversation]:
    """The user's conversations, latest first."""
    return db.session.scalars(
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .order_by(Conversation.updated_at.desc())
    ).all()


def delete_conversation(user_id: int, conversation_id: int) -> None:
    """Delete one of the user's conversations and its messages."""
    with transaction():
        conv = owned(user_id, conversation_id)
        db.session.execute(
            delete(ChatMessage).where(ChatMessage.conversation_id == conv.conversation_id)
        )
        db.session.delete(conv)
