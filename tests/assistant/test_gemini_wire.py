"""google-genai against a local stub of the Gemini API (GEMINI_BASE_URL / http_options):
the request the SDK sends (system instruction, declared tools, history, the key in a
header), a retried 503, a function call answered with the asking user's data, and the
streamed final answer as the user gets it."""

import json
import logging

import pytest

from tests.assistant.conftest import ask
from tests.assistant.gemini_stub import GeminiStub, call_chunk, text_chunk
from tests.helpers import post_json

KEY = "AIzaSyWIRE-test-key-0123456789"
TOOLS = {
    "get_quote", "get_price_history_summary", "get_portfolio", "get_orders",
    "get_account_performance", "get_risk_metrics", "run_monte_carlo", "get_indicators",
    "search_stocks", "explain_term", "propose_order",
}  # fmt: skip


@pytest.fixture
def stub(app):
    with GeminiStub() as server:
        app.config.update(
            GEMINI_API_KEY=KEY, GEMINI_BASE_URL=server.url, GEMINI_MODEL="stub-flash",
            GEMINI_TIMEOUT=10.0, GEMINI_RETRIES=2, GEMINI_RETRY_DELAY=0.01,
        )  # fmt: skip
        yield server


def sse_events(raw: str) -> list[tuple[str, dict]]:
    out = []
    for block in raw.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_function_call_round_trip_and_streamed_answer(holder, stub, caplog):
    caplog.set_level(logging.DEBUG)
    stub.replies = [[text_chunk("Hello! ", usage=(20, 2)), text_chunk("Ask me.", finish=True)]]
    first = ask(holder, "Hi there")
    assert first.json["response"] == "Hello! Ask me." and first.json["client"] == "gemini"
    conversation = first.json["conversation_id"]

    stub.replies = [
        (503, {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}),
        [call_chunk("get_portfolio", {})],
        [
            text_chunk("You hold **3 AAPL** "),
            text_chunk("worth $480.00.", finish=True, usage=(120, 9)),
        ],
    ]
    started = post_json(
        holder, "/user/api/chat",
        {"message": "What do I hold?", "conversation_id": conversation, "stream": True},
    )  # fmt: skip
    assert started.json["success"] and started.json["conversation_id"] == conversation
    streamed = holder.get(started.json["stream_url"])
    assert streamed.mimetype == "text/event-stream"
    events = sse_events(streamed.get_data(as_text=True))
    assert [e for e, _ in events] == ["tool", "delta", "delta", "done"]
    assert events[0][1] == {"name": "get_portfolio"}
    assert (
        "".join(d["text"] for e, d in events if e == "delta")
        == "You hold **3 AAPL** worth $480.00."
    )
    done = events[-1][1]
    assert "<strong>3 AAPL</strong>" in done["html"] and done["tools"] == ["get_portfolio"]

    # 1 + 3 requests: the first answer, a 503 retried by the SDK, the call, the final answer
    assert len(stub.requests) == 4
    retried, asked, final = stub.requests[1:]
    assert retried["body"] == asked["body"]
    assert asked["path"].endswith("/models/stub-flash:streamGenerateContent?alt=sse")
    assert asked["headers"]["x-goog-api-key"] == KEY
    body = asked["body"]
    system = body["systemInstruction"]["parts"][0]["text"]
    assert "simulated" in system and "not investment advice" in system
    declared = {f["name"] for f in body["tools"][0]["functionDeclarations"]}
    assert declared == TOOLS
    declared_list = body["tools"][0]["functionDeclarations"]
    schemas = {f["name"]: f.get("parameters_json_schema") for f in declared_list}
    assert schemas["get_portfolio"] is None  # nothing to pass, no user id in particular
    assert set(schemas["get_orders"]["properties"]) == {"status"}
    assert schemas["get_quote"]["required"] == ["ticker"]
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    assert body["contents"][0]["parts"][0]["text"] == "Hi there"
    assert body["contents"][1]["parts"][0]["text"] == "Hello! Ask me."
    assert body["contents"][2]["parts"][0]["text"] == "What do I hold?"

    sent = final["body"]["contents"]
    assert sent[-2]["parts"][0]["functionCall"]["name"] == "get_portfolio"
    result = sent[-1]["parts"][0]["functionResponse"]
    assert result["name"] == "get_portfolio"
    assert result["response"]["cash"]["available"] == "9368.00"
    assert result["response"]["positions"][0]["market_value"] == "480.00"

    page = holder.get(f"/user/api/chat/conversations/{conversation}").get_data(as_text=True)
    assert KEY not in page and KEY not in caplog.text
    assert KEY not in holder.get("/user/assistant").get_data(as_text=True)


def test_a_failing_gemini_gives_the_offline_answer_and_a_friendly_notice(holder, stub, caplog):
    stub.replies = [(401, {"error": {"code": 401, "message": f"bad key {KEY}", "status": "X"}})]
    body = ask(holder, "How much cash do I have?").json
    assert body["success"] and body["client"] == "offline"
    assert body["notice"] == (
        "Gemini refused the configured API key. The offline assistant answered instead."
    )
    assert "**$9,368.00** available" in body["response"]
    assert KEY not in json.dumps(body) and KEY not in caplog.text


def test_a_timeout_is_a_friendly_notice_and_the_offline_answer(holder, stub, app):
    app.config.update(GEMINI_TIMEOUT=0.3, GEMINI_RETRIES=0)
    stub.replies = [2.0]
    body = ask(holder, "Do I have open orders?").json
    assert body["client"] == "offline" and "buy 2 MSFT (limit at $90.00)" in body["response"]
    assert (
        body["notice"] == "Gemini did not answer in time. The offline assistant answered instead."
    )
    assert len(stub.requests) == 1
