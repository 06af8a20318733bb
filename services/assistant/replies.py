"""Answering one stored question: history trimmed to the budget, the client in use, tools
bound to the asking user, and the answer (or the part written before a stop) stored."""

import json
import logging
from collections.abc import Iterator

from flask import current_app

from extensions import db
from models import ChatMessage
from services.assistant import chat, clients, limits
from services.assistant.tools import UserTools
from utils.assistant import history
from utils.assistant.base import Result, ToolBox
from utils.assistant.render import to_html
from utils.formatting import iso

log = logging.getLogger("paperdesk.assistant")


class _Committing(ToolBox):
    """End each tool's transaction at once, so no lock is held while the model writes."""

    def call(self, name, args):
        made = super().call(name, args)
        if "error" in made.result:
            db.session.rollback()
        else:
            db.session.commit()
        return made


def events(user_id: int, claimed: tuple) -> Iterator[dict]:
    """Answer the user's question ``claimed`` by chat.claim_answer (the question and its
    answer's id), yielding ``{"event", "data"}`` items: ``tool`` (a lookup made),
    ``delta`` (text), ``reset`` and finally ``done``."""
    question_id, answer_id = claimed
    question = db.session.get(ChatMessage, question_id)
    conv_id = question.conversation_id
    context = json.loads(question.context) if question.context else None
    turns = history.trim(
        chat.turns_before(question), current_app.config["ASSISTANT_HISTORY_TOKENS"]
    )
    tools = _Committing(UserTools(user_id).toolbox().functions.values())
    client = clients.current()
    message = question.content
    db.session.commit()  # hold no transaction while the model answers
    written: list[str] = []
    finished = False
    try:
        for event in client.stream(turns, message, tools, context):
            if event.kind == "text":
                written.append(event.text)
                yield {"event": "delta", "data": {"text": event.text}}
            elif event.kind == "reset":
                written.clear()
                yield {"event": "reset", "data": {}}
            elif event.kind == "tool":
                yield {"event": "tool", "data": {"name": event.tool.name}}
            elif event.kind == "done":
                finished = True
                done = _finish(user_id, conv_id, answer_id, event.result)
                yield {"event": "done", "data": done}
    finally:
        if not finished:  # stopped by the user (the stream was closed) or failed
            partial = Result(text="".join(written), client=client.name)
            chat.add_answer(answer_id, partial, stopped=True)


def _finish(user_id: int, conv_id: int, answer_id: int, result: Result) -> dict:
    saved = chat.add_answer(answer_id, result)
    limits.add_tokens(user_id, result.prompt_tokens, result.output_tokens)
    return shape(saved) | {"conversation_id": conv_id, "notice": result.notice}


def shape(msg) -> dict:
    """A stored message as the page shows it (HTML made safe here, on the server)."""
    return {
        "message_id": msg.message_id,
        "role": msg.role,
        "text": msg.content,
        "html": to_html(msg.content) if msg.role == "assistant" else None,
        "proposal": json.loads(msg.proposal) if msg.proposal else None,
        "client": msg.client,
        "model": msg.model,
        "tools": [c["name"] for c in json.loads(msg.tool_calls)] if msg.tool_calls else [],
        "tokens": msg.prompt_tokens + msg.output_tokens,
        "stopped": msg.stopped,
        "created_at": iso(msg.created_at),
    }


def answer_now(user_id: int, message_id: int) -> dict:
    """Answer without streaming: the ``done`` data (the stored answer)."""
    done = {}
    for item in events(user_id, chat.claim_answer(user_id, message_id)):
        if item["event"] == "done":
            done = item["data"]
    return done
