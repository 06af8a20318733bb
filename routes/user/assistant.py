"""The assistant: its page and JSON API (ask, stream the answer, list and clear chats)."""

import json

from flask import Response, current_app, jsonify, render_template, request, stream_with_context
from flask_login import current_user

from routes.helpers import json_body, json_error
from routes.market.slots import slots
from routes.user import bp
from services.assistant import chat, clients, limits, replies
from services.errors import ServiceError, Throttled
from utils.formatting import iso
from utils.parsing import whole_number

SUGGESTIONS = [
    "What is in my portfolio?",
    "How much cash do I have?",
    "What is my P&L?",
    "Do I have open orders?",
    "How risky is AAPL?",
    "Monte Carlo outlook for MSFT over 6 months",
    "What is the RSI of NVDA?",
    "What is a limit order?",
    "How do I deposit money?",
]


@bp.get("/assistant")
def assistant_page():
    return render_template(
        "user/assistant.html",
        suggestions=SUGGESTIONS,
        mode=clients.mode(),
        max_message=current_app.config["ASSISTANT_MAX_MESSAGE"],
    )


@bp.post("/api/chat")
def api_chat():
    body = json_body()
    checked = chat.check_message(body)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ServiceError("stream must be true or false.", field="stream")
    if checked["conversation_id"] is not None:
        chat.owned(current_user.user_id, checked["conversation_id"])  # a 404 costs no quota
    try:
        limits.take(current_user.user_id)
    except Throttled as exc:
        response, status = json_error(exc.message, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response, status
    question = chat.add_question(current_user.user_id, checked)
    if stream:
        return jsonify(
            success=True,
            conversation_id=question.conversation_id,
            message_id=question.message_id,
            stream_url=f"/user/api/chat/stream?message_id={question.message_id}",
        )
    done = replies.answer_now(current_user.user_id, question.message_id)
    return jsonify(
        success=True,
        response=done["text"],
        conversation_id=done["conversation_id"],
        **{
            k: done[k]
            for k in ("message_id", "html", "proposal", "client", "model", "notice", "tools")
        },
    )


@bp.get("/api/chat/stream")
def api_chat_stream():
    message_id = whole_number(request.args.get("message_id", ""), 1, 2**31 - 1)
    if message_id is None:
        raise ServiceError("Give the message_id of your question.", field="message_id")
    user_id = current_user.user_id
    chat.pending_question(user_id, message_id)  # 404/400 before the stream starts
    owner = current_user.get_id()
    cfg = current_app.config
    if not slots.take(owner, cfg["STREAM_SLOTS"], cfg["STREAM_SLOTS_PER_USER"]):
        busy = f"retry: {cfg['STREAM_BUSY_RETRY'] * 1000}\n\nevent: busy\ndata: {{}}\n\n"
        return _sse([busy])
    try:
        claimed = chat.claim_answer(user_id, message_id)  # one stream per question
    except ServiceError:
        slots.give_back(owner)
        raise
    return _sse(stream_with_context(_SlotHeld(_chunks(user_id, claimed), owner)))


def _chunks(user_id: int, claimed: tuple):
    yield "retry: 86400000\n\n"  # an answer is not resumed by reconnecting
    for item in replies.events(user_id, claimed):
        yield f"event: {item['event']}\ndata: {json.dumps(item['data'], default=str)}\n\n"


class _SlotHeld:
    """A stream that holds a slot; closing it (the user pressed Stop) frees the slot."""

    def __init__(self, chunks, owner: str) -> None:
        self._chunks, self._owner, self._closed = chunks, owner, False

    def __iter__(self):
        try:
            yield from self._chunks
        finally:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._chunks.close()
            slots.give_back(self._owner)


def _sse(body) -> Response:
    return Response(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@bp.get("/api/chat/conversations")
def api_conversations():
    rows = chat.conversations(current_user.user_id)
    return jsonify(
        success=True,
        conversations=[
            {
                "conversation_id": c.conversation_id,
                "title": c.title,
                "updated_at": iso(c.updated_at),
            }
            for c in rows
        ],
    )


@bp.get("/api/chat/conversations/<int:conversation_id>")
def api_conversation(conversation_id: int):
    conv = chat.owned(current_user.user_id, conversation_id)
    return jsonify(
        success=True,
        conversation_id=conv.conversation_id,
        title=conv.title,
        messages=[replies.shape(m) for m in conv.messages],
    )


@bp.post("/api/chat/conversations/<int:conversation_id>/delete")
def api_delete_conversation(conversation_id: int):
    chat.delete_conversation(current_user.user_id, conversation_id)
    return jsonify(success=True, message="Conversation deleted.")
