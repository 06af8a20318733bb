"""The quote stream's account events: live pages learn that an order filled or was cancelled."""

import threading
import time
from decimal import Decimal

import pytest

from extensions import db
from models import User
from routes.market.slots import slots
from services import live, matching, orders
from services.orders import OrderSpec
from tests.conftest import AuthActions

pytestmark = pytest.mark.usefixtures("books_balance")


def _resting_buy(app, user_id) -> int:
    with app.app_context():
        spec = OrderSpec(ticker="AAPL", side="buy", kind="limit", quantity=3,
                         limit=Decimal("140.00"), time_in_force="gtc")  # fmt: skip
        order_id = orders.place(db.session.get(User, user_id), spec).order_id
        db.session.remove()
    return order_id


def test_account_stamp_moves_with_fills_and_cancels(app, market, trader):
    market.set("AAPL", "150.00")
    with app.app_context():
        before = live.account_stamp(trader)
    first = _resting_buy(app, trader)
    with app.app_context():
        placed = live.account_stamp(trader)
        assert placed != before
        assert live.account_stamp(trader) == placed  # nothing changed, same stamp
        orders.cancel(db.session.get(User, trader), first)
        cancelled = live.account_stamp(trader)
        assert cancelled != placed
    _resting_buy(app, trader)
    with app.app_context():
        waiting = live.account_stamp(trader)
        matching.on_price("AAPL", Decimal("139.00"))
        assert live.account_stamp(trader) != waiting


def test_stream_sends_an_account_event_when_an_order_fills(app, client, market, trader):
    market.set("AAPL", "150.00")
    AuthActions(client).login("trader")
    _resting_buy(app, trader)
    app.config["STREAM_MAX_SECONDS"] = 3.5

    def fill_soon():
        time.sleep(1.2)
        market.set("AAPL", "139.00")
        with app.app_context():
            matching.on_price("AAPL", Decimal("139.00"))
            db.session.remove()

    filler = threading.Thread(target=fill_soon)
    filler.start()
    text = client.get("/stream/quotes?account=1").get_data(as_text=True)
    filler.join()
    assert text.startswith("retry: 3000")
    assert text.count("event: account") == 1
    assert "event: quote" not in text  # no tickers asked for: account events only


def test_no_account_event_when_nothing_changes(app, client, market, trader):
    AuthActions(client).login("trader")
    app.config["STREAM_MAX_SECONDS"] = 1.5
    text = client.get("/stream/quotes?tickers=AAPL&account=1").get_data(as_text=True)
    assert "event: quote" in text and "event: account" not in text


def test_a_busy_stream_asks_the_page_to_refresh(app, client, market, trader):
    AuthActions(client).login("trader")
    app.config.update(STREAM_SLOTS_PER_USER=1)
    assert slots.take(f"user:{trader}", total=100, per_owner=100)
    try:
        text = client.get("/stream/quotes?account=1").get_data(as_text=True)
    finally:
        slots.give_back(f"user:{trader}")
    assert "event: busy" in text and "event: account" in text


def test_a_stream_needs_tickers_unless_it_follows_the_account(user_client):
    response = user_client.get("/stream/quotes")
    assert response.status_code == 400 and "Give 1 to 20 tickers" in response.json["error"]


def test_one_stream_carries_quotes_and_the_bell(app, client, market, trader):
    """A page's stream: quotes of its tickers, the unread count and a live notification."""
    from services import notifications

    market.set("AAPL", "150.00")
    AuthActions(client).login("trader")
    app.config["STREAM_MAX_SECONDS"] = 2.5
    reply = client.get("/stream/quotes?tickers=AAPL&account=1&notify=1", buffered=False)
    chunks = reply.response
    first = [next(chunks).decode() for _ in range(3)]
    assert first[0].startswith("retry: 3000") and first[1].startswith("event: quote")
    assert first[2] == 'event: unread\ndata: {"count": 0}\n\n'
    with app.app_context():
        notifications.add(trader, "fund", "Your deposit was approved.")
        db.session.commit()
    rest = b"".join(chunks).decode()
    reply.close()
    assert '"message": "Your deposit was approved."' in rest and '{"count": 1}' in rest
    assert "event: account" not in rest  # a notification is not an account change


def test_a_page_without_live_data_still_gets_the_bell(app, client, trader, admin_client):
    AuthActions(client).login("trader")
    app.config["STREAM_MAX_SECONDS"] = 0.5
    text = client.get("/stream/quotes?notify=1").get_data(as_text=True)
    assert "event: unread" in text and "event: quote" not in text
    refused = admin_client.get("/stream/quotes?notify=1")  # an admin has no bell
    assert refused.status_code == 400 and refused.json["field"] == "tickers"


def test_a_notification_from_another_process_reaches_the_page_stream(app, client, market, trader):
    """With REDIS_URL, an event another process XADDs reaches a page's one stream (quotes,
    account and bell together) at once: the event is in no table to poll."""
    import subprocess
    import sys
    from pathlib import Path

    from services import events
    from tests.redis_helpers import REDIS_URL, redis_or_skip, stream_key

    redis, key = redis_or_skip(), stream_key()
    app.config.update(REDIS_URL=REDIS_URL, EVENT_STREAM_KEY=key, STREAM_MAX_SECONDS=20)
    app.extensions["paperdesk_events"] = events.make_backend(app.config)
    market.set("AAPL", "150.00")
    AuthActions(client).login("trader")
    try:
        reply = client.get("/stream/quotes?tickers=AAPL&account=1&notify=1", buffered=False)
        chunks = reply.response
        assert [next(chunks).split(b"\n")[0] for _ in range(3)] == [
            b"retry: 3000",
            b"event: quote",
            b"event: unread",
        ]
        code = (
            "from services.events.redis_stream import RedisBackend\n"
            "from services import events\n"
            f"b = RedisBackend({REDIS_URL!r}, {key!r}, 1000)\n"
            f"b.publish([events.event('notification', {{'user_id': {trader}, 'kind': 'rule',"
            " 'message': 'from the worker process'})])\n"
        )
        root = Path(__file__).resolve().parent.parent
        subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=30)
        for chunk in chunks:
            if b"from the worker process" in chunk:
                break
        else:
            pytest.fail("the notification never reached the page's stream")
        reply.close()
    finally:
        redis.delete(key)


def _signed_out_in(app, seconds, sign_out, user_id):
    """In a thread: after ``seconds``, ``sign_out()``, then a notification for the user
    (the stream's next chunk), so the stream checks its caller again at once."""
    from services import notifications

    def run():
        time.sleep(seconds)
        with app.app_context():
            sign_out()
            notifications.add(user_id, "info", "sent after the sign-out")
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_stream_ends_once_its_session_is_signed_out(app, client, trader):
    from services import sessions

    app.config.update(STREAM_MAX_SECONDS=20, STREAM_AUTH_CHECK_SECONDS=0)
    AuthActions(client).login("trader")
    started = time.monotonic()
    everywhere = _signed_out_in(
        app, 1.0, lambda: sessions.end_all(db.session.get(User, trader)), trader
    )
    text = client.get("/stream/quotes?notify=1").get_data(as_text=True)
    everywhere.join()
    assert text.rstrip().endswith("event: signed-out\ndata: {}")
    assert "sent after the sign-out" not in text
    assert time.monotonic() - started < 10  # not STREAM_MAX_SECONDS


def test_a_token_stream_ends_once_the_token_is_revoked(app, trader):
    from services import tokens

    app.config.update(STREAM_MAX_SECONDS=20, STREAM_AUTH_CHECK_SECONDS=0, TOKEN_CACHE_SECONDS=0)
    with app.app_context():
        token, plaintext = tokens.create_token(db.session.get(User, trader), "ticker")
        token_id = token.token_id
    revoked = _signed_out_in(
        app, 1.0, lambda: tokens.revoke_token(db.session.get(User, trader), token_id), trader
    )
    headers = {"Authorization": f"Bearer {plaintext}"}
    text = app.test_client().get("/stream/quotes?notify=1", headers=headers).get_data(as_text=True)
    revoked.join()
    assert "event: unread" in text and "event: signed-out" in text
    assert "sent after the sign-out" not in text
