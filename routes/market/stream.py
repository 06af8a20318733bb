"""Server-Sent Events: live quotes and the open 10-second candle for a few tickers.

Each stream polls the quote table once a second (waking sooner when this
process's worker publishes), so it works whichever process holds the worker.
It ends after STREAM_MAX_SECONDS; EventSource reconnects by itself. Streams hold
a request thread each, so they take a slot (see routes.market.slots); without a
free slot the answer is one snapshot and a ``retry:`` delay.
"""

import json
import time

from flask import Response, current_app, request
from flask_login import current_user

from extensions import db
from routes.market import bp
from routes.market.shapes import quote_json
from routes.market.slots import slots
from services import candles, live, market, universe
from services.errors import ServiceError
from tasks.events import bus

MAX_TICKERS = 20
KEEP_ALIVE_SECONDS = 5  # also how soon a vanished client's slot is noticed and freed


@bp.get("/stream/quotes")
def stream_quotes():
    raw = [t for t in request.args.get("tickers", "").split(",") if t.strip()]
    account_id = _account_id()
    if (not raw and account_id is None) or len(raw) > MAX_TICKERS:
        raise ServiceError(f"Give 1 to {MAX_TICKERS} tickers: ?tickers=AAPL,MSFT", "tickers")
    tickers = sorted({market.check_ticker(t) for t in raw})
    for ticker in tickers:
        universe.mark_viewed(ticker)
    app = current_app._get_current_object()
    owner = current_user.get_id()
    cfg = app.config
    if slots.take(owner, cfg["STREAM_SLOTS"], cfg["STREAM_SLOTS_PER_USER"]):
        events = _events(app, tickers, cfg["STREAM_MAX_SECONDS"], owner, account_id)
    else:
        events = _snapshot(tickers, cfg["STREAM_BUSY_RETRY"], account_id)
    db.session.remove()  # hold no transaction while streaming
    return Response(
        events,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _account_id() -> int | None:
    """With ?account=1 a user's stream also says when their account changed (``account``
    events: an order filled, was cancelled or expired, cash moved)."""
    if request.args.get("account") != "1" or getattr(current_user, "role", None) != "user":
        return None
    return current_user.user_id


def _snapshot(tickers: list[str], retry_seconds: int, account_id: int | None = None):
    """Every slot is taken: send the quotes once and ask the browser to come back later."""
    changed = _changes(tickers, {})
    chunks = [f"retry: {retry_seconds * 1000}\n\n", "event: busy\ndata: {}\n\n"]
    chunks += [f"event: quote\ndata: {json.dumps(item)}\n\n" for item in changed]
    if account_id is not None:  # the page refreshes at each reconnection instead
        chunks.append("event: account\ndata: {}\n\n")
    return chunks


class _SlotHeld:
    """The live events of a stream that holds a slot; closing the response frees it."""

    def __init__(self, events, owner: str) -> None:
        self._events, self._owner, self._closed = events, owner, False

    def __iter__(self):
        try:
            yield from self._events
        finally:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._events.close()
            slots.give_back(self._owner)


def _events(app, tickers, max_seconds: float, owner: str, account_id=None) -> _SlotHeld:
    return _SlotHeld(_live(app, tickers, max_seconds, account_id), owner)


def _live(app, tickers: list[str], max_seconds: float, account_id: int | None = None):
    started = last_beat = time.monotonic()
    seq, sent, stamp = 0, {}, None
    yield "retry: 3000\n\n"
    while time.monotonic() - started < max_seconds:
        with app.app_context():
            changed = _changes(tickers, sent) if tickers else []
            before, stamp = stamp, live.account_stamp(account_id) if account_id else None
            db.session.remove()
        for item in changed:
            yield f"event: quote\ndata: {json.dumps(item)}\n\n"
        if before is not None and stamp != before:
            yield "event: account\ndata: {}\n\n"
        if time.monotonic() - last_beat > KEEP_ALIVE_SECONDS:
            last_beat = time.monotonic()
            yield ": keep-alive\n\n"
        seq, _ = bus.wait(seq, timeout=1.0)


def _changes(tickers: list[str], sent: dict) -> list[dict]:
    """Quotes whose as_of moved since they were last sent, with their open 10 s candle."""
    changed = []
    for ticker, quote in market.get_quotes(tickers).items():
        if sent.get(ticker) == quote.as_of:
            continue
        sent[ticker] = quote.as_of
        item = quote_json(quote)
        row = candles.current(ticker, 10)
        item["candle"] = candles.as_json(row) if row else None
        changed.append(item)
    return changed
