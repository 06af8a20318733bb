"""The streamed answer: Server-Sent Events, a Stop that keeps what was written, a slot per
stream, and a question answered only once."""

import json

from google.genai import types

from routes.market.slots import slots
from services.assistant.clients import SDK_KEY
from tests.helpers import post_json


def start(client, message="What is in my portfolio?"):
    body = post_json(client, "/user/api/chat", {"message": message, "stream": True}).json
    assert body["success"]
    return body


def said(text: str):
    content = types.Content(role="model", parts=[types.Part(text=text)])
    return types.GenerateContentResponse(candidates=[types.Candidate(content=content)])


def test_stop_keeps_the_partial_answer_and_frees_the_slot(holder, app):
    class SlowModels:
        def generate_content_stream(self, **kwargs):
            yield said("The first part. ")
            yield said("The second part.")
            raise AssertionError("the stream should have been stopped before this")

    class SDK:
        models = SlowModels()

    app.config.update(GEMINI_API_KEY="fake-key")
    app.extensions[SDK_KEY] = SDK()
    started = start(holder)
    response = holder.get(started["stream_url"], buffered=False)
    chunks = (c.decode() if isinstance(c, bytes) else c for c in response.response)
    assert next(chunks).startswith("retry:")
    assert slots.open_streams() == 1
    first = next(chunks)
    assert first == 'event: delta\ndata: {"text": "The first part. "}\n\n'
    response.close()  # the browser's Stop closes the EventSource
    assert slots.open_streams() == 0
    messages = holder.get(f"/user/api/chat/conversations/{started['conversation_id']}").json
    answer = messages["messages"][-1]
    assert answer["role"] == "assistant" and answer["stopped"] is True
    assert answer["text"] in ("The first part. ", "The first part. The second part.")
    again = holder.get(started["stream_url"])
    assert again.status_code == 400 and "answered already" in again.json["error"]


def test_without_a_free_slot_the_stream_asks_to_come_back(holder, app):
    app.config.update(STREAM_SLOTS=0)
    started = start(holder)
    text = holder.get(started["stream_url"]).get_data(as_text=True)
    assert text.startswith("retry: 5000\n\nevent: busy")
    app.config.update(STREAM_SLOTS=4)
    events = holder.get(started["stream_url"]).get_data(as_text=True)
    done = [b for b in events.split("\n\n") if b.startswith("event: done")]
    assert "| AAPL | 3 |" in json.loads(done[0].split("data: ", 1)[1])["text"]


def test_a_stream_only_answers_its_owners_question(holder, app):
    from tests.conftest import AuthActions

    started = start(holder)
    other = app.test_client()
    AuthActions(other).register("mallory")
    assert other.get(started["stream_url"]).status_code == 404
    assert holder.get("/user/api/chat/stream?message_id=abc").status_code == 400


def test_a_question_claimed_by_another_stream_is_refused_and_frees_the_slot(holder, app):
    from extensions import db
    from models import ChatMessage
    from services.assistant import chat

    started = start(holder)
    with app.app_context():
        user_id = db.session.get(ChatMessage, started["message_id"]).conversation.user_id
        chat.claim_answer(user_id, started["message_id"])  # another tab is answering it
    again = holder.get(started["stream_url"])
    assert again.status_code == 400 and "answered already" in again.json["error"]
    assert slots.open_streams() == 0


def test_two_streams_at_once_claim_a_question_once(holder, app, monkeypatch):
    import time

    from extensions import db
    from models import ChatMessage
    from services.assistant import chat
    from tests.test_races import run_together

    checked = chat.pending_question

    def slow_check(user_id, message_id):  # both find it pending before either claims it
        found = checked(user_id, message_id)
        time.sleep(0.2)
        return found

    monkeypatch.setattr(chat, "pending_question", slow_check)
    started = start(holder)
    with app.app_context():
        user_id = db.session.get(ChatMessage, started["message_id"]).conversation.user_id
    claims = run_together(app, [lambda: chat.claim_answer(user_id, started["message_id"])] * 2)
    refused = [c for c in claims if not isinstance(c, tuple)]
    assert len(refused) == 1 and "answered already" in str(refused[0])
    messages = holder.get(f"/user/api/chat/conversations/{started['conversation_id']}").json
    assert [m["role"] for m in messages["messages"]] == ["user", "assistant"]
