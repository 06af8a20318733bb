"""The event stream: published after commit only; the Redis backend across processes,
falling back when Redis goes away and recovering by itself."""

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extensions import db
from models import User
from services import events, orders
from services.db import transaction
from services.errors import ServiceError
from services.events.memory import MemoryBackend
from services.events.redis_stream import RedisBackend
from services.orders import OrderSpec
from tests.redis_helpers import REDIS_URL, Proxy, redis_or_skip, stream_key

ROOT = Path(__file__).resolve().parent.parent


def _read_all(backend, cursor):
    _, found = backend.read(cursor, timeout=0.2)
    return found


@pytest.fixture
def redis_key():
    """(a client of the test database, a stream key of this test's own), deleted after."""
    client = redis_or_skip()
    key = stream_key()
    yield client, key
    client.delete(key)


def _backend(key: str, maxlen: int = 1000, url: str = REDIS_URL, **options) -> RedisBackend:
    return RedisBackend(url, key, maxlen=maxlen, **options)


def _publish_from_another_process(key: str, kind: str, payload: dict) -> None:
    code = (
        "from services.events.redis_stream import RedisBackend\n"
        "from services import events\n"
        f"b = RedisBackend({REDIS_URL!r}, {key!r}, 1000)\n"
        f"b.publish([events.event({kind!r}, {payload!r})])\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=30)


def test_a_committed_order_publishes_placed_and_filled_events(app, market, trader):
    market.set("AAPL", "100.00")
    with app.app_context():
        bus = events.backend()
        cursor = bus.latest()
        user = db.session.get(User, trader)
        order_id = orders.place(user, OrderSpec("AAPL", "buy", "market", quantity=3)).order_id
        found = _read_all(bus, cursor)
    kinds = [e["type"] for e in found]
    assert kinds == ["order.placed", "order.filled"]
    fill = found[1]["payload"]
    assert (
        fill["order_id"] == order_id == found[0]["payload"]["order_id"]
        and fill["user_id"] == trader
    )
    assert fill["quantity"] == 3 and fill["price"] == "100.0000" and fill["resting"] is False


def test_a_rolled_back_change_publishes_nothing(app, market, trader):
    market.set("AAPL", "100.00")
    with app.app_context():
        bus = events.backend()
        cursor = bus.latest()
        user = db.session.get(User, trader)
        with pytest.raises(RuntimeError), transaction():
            account, position = orders.lock_trader(trader, "AAPL")
            quote = orders.market.get_quote("AAPL")
            spec = OrderSpec("AAPL", "buy", "market", quantity=1)
            orders.place_locked(user, account, position, spec, quote)
            raise RuntimeError("crash before commit")
        assert _read_all(bus, cursor) == []


def test_a_refused_order_is_a_reject_event_and_nothing_else(app, market, trader):
    market.set("AAPL", "100.00")
    with app.app_context():
        bus = events.backend()
        cursor = bus.latest()
        user = db.session.get(User, trader)
        with pytest.raises(ServiceError):
            orders.place(user, OrderSpec("AAPL", "buy", "market", quantity=500))
        found = _read_all(bus, cursor)
    assert [e["type"] for e in found] == ["order.rejected"]
    assert "Insufficient funds" in found[0]["payload"]["reason"]


def test_memory_backend_wakes_a_waiting_reader_and_keeps_order():
    bus = MemoryBackend(maxlen=3)
    cursor = bus.latest()
    bus.publish([events.event("a", {"n": i}) for i in range(5)])
    cursor, found = bus.read(cursor, timeout=0)
    assert [e["payload"]["n"] for e in found] == [2, 3, 4]  # capped at 3
    assert bus.read(cursor, timeout=0.05)[1] == []


def test_an_event_published_in_another_process_reaches_this_one_over_redis(redis_key):
    client, key = redis_key
    backend = _backend(key)
    cursor = backend.latest()
    _publish_from_another_process(key, "order.filled", {"order_id": 42})
    cursor, found = backend.read(cursor, timeout=5)
    assert [(e["type"], e["payload"]) for e in found] == [("order.filled", {"order_id": 42})]
    assert client.xlen(key) == 1


def test_the_stream_is_capped(redis_key):
    client, key = redis_key
    _backend(key, maxlen=100).publish([events.event("quotes", {"n": i}) for i in range(2000)])
    assert client.xlen(key) < 400  # MAXLEN ~ trims whole nodes, so about the cap


def test_consumer_group_hands_each_event_to_the_group_once(redis_key):
    client, key = redis_key
    backend = _backend(key)
    assert backend.read_group("worker", "a", timeout=0.01) == []  # creates the group
    backend.publish([events.event("x", {"n": i}) for i in range(3)])
    first = backend.read_group("worker", "a", timeout=0.5)
    backend.ack("worker", [e["id"] for e in first])
    again = _backend(key).read_group("worker", "b", 0.05)
    assert [e["payload"]["n"] for e in first] == [0, 1, 2] and again == []
    assert client.xpending(key, "worker")["pending"] == 0


def test_redis_going_away_falls_back_with_a_warning_and_recovers(redis_key, caplog):
    client, key = redis_key
    proxy = Proxy()
    proxy.start()
    backend = _backend(key, url=proxy.url, retry_seconds=0.2)
    caplog.set_level(logging.WARNING, logger="paperdesk.events")
    try:
        cursor = backend.latest()
        backend.publish([events.event("before", {})])
        cursor, found = backend.read(cursor, timeout=1)
        assert [e["type"] for e in found] == ["before"]
        proxy.stop()
        backend.publish([events.event("during", {})])  # Redis away: this process only
        assert not backend.healthy()
        assert any("Redis unavailable" in r.message for r in caplog.records)
        cursor, found = backend.read(cursor, timeout=1)
        assert cursor[0] == "m"  # reading this process's events meanwhile
        assert [e["type"] for e in found] == ["during"]
        assert client.xlen(key) == 1  # "during" never reached Redis
        proxy.start()
        time.sleep(0.3)
        assert backend.healthy()
        assert any("Redis is back" in r.message for r in caplog.records)
        cursor = backend.latest()
        backend.publish([events.event("after", {})])
        cursor, found = backend.read(cursor, timeout=1)
        assert [e["type"] for e in found] == ["after"] and client.xlen(key) == 2
        stored = client.xrange(key)
        assert [json.loads(f[b"e"])["type"] for _, f in stored] == ["before", "after"]
    finally:
        proxy.stop()


def test_a_notification_published_in_another_process_reaches_an_open_stream(
    app, user_client, redis_key
):
    """Through the app: with REDIS_URL set, an event XADDed by another process wakes this
    process's Server-Sent Events stream at once (no database polling involved)."""
    _, key = redis_key
    app.config.update(REDIS_URL=REDIS_URL, EVENT_STREAM_KEY=key)
    app.config["STREAM_MAX_SECONDS"] = 20
    app.extensions["paperdesk_events"] = events.make_backend(app.config)
    reply = user_client.get("/user/stream/notifications", buffered=False)
    chunks = reply.response
    assert next(chunks).startswith(b"retry:") and b'"count": 0' in next(chunks)
    note = {"user_id": 1, "kind": "fill", "message": "from the worker process"}
    _publish_from_another_process(key, "notification", note)
    for chunk in chunks:
        if b"from the worker process" in chunk:
            break
    else:
        pytest.fail("the event never reached the stream")
    reply.close()  # it is in no table: only the Redis stream could have carried it


def test_memory_backend_hands_out_the_events_after_any_cursor():
    bus = MemoryBackend(maxlen=5)
    bus.publish([events.event("a", {"n": i}) for i in range(8)])  # ids 1..8, ring keeps 4..8
    cases = {0: [4, 5, 6, 7, 8], 3: [4, 5, 6, 7, 8], 5: [6, 7, 8], 7: [8], 8: []}
    for cursor, ids in cases.items():
        assert [int(e["id"]) for e in bus.read(cursor, timeout=0)[1]] == ids
    assert [int(e["id"]) for e in bus.read(4, timeout=0, count=2)[1]] == [5, 6]
    assert bus.read(8, timeout=0)[0] == 8
