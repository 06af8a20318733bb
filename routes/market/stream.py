"""Server-Sent Events: live quotes and the open 10-second candle for a few tickers.

Each stream polls the quote table once a second (waking sooner when this
process's worker publishes), so it works whichever process holds the worker.
It ends after STREAM_MAX_SECONDS; EventSource reconnects by itself.
"""

import json
import time

from flask import Response, current_app, request

from extensions import db
from routes.market import bp
from routes.market.shapes import quote_json
from services import candles, market, universe
from services.errors import ServiceError
from tasks.events import bus

MAX_TICKERS = 20


@bp.get("/stream/quotes")
def stream_quotes():
    raw = [t for t in request.args.get("tickers", "").split(",") if t.strip()]
    if not raw or len(raw) > MAX_TICKERS:
        raise ServiceError(f"Give 1 to {MAX_TICKERS} tickers: ?tickers=AAPL,MSFT", "tickers")
    tickers = sorted({market.check_ticker(t) for t in raw})
    for ticker in tickers:
        universe.mark_viewed(ticker)
    db.session.remove()  # hold no transaction while streaming
    app = current_app._get_current_object()
    events = _events(app, tickers, app.config["STREAM_MAX_SECONDS"])
    return Response(
        events,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _events(app, tickers: list[str], max_seconds: float):
    yield "retry: 3000\n\n"
    started = last_beat = time.monotonic()
    seq, sent = 0, {}
    while time.monotonic() - started < max_seconds:
        with app.app_context():
            changed = _changes(tickers, sent)
            db.session.remove()
        for item in changed:
            yield f"event: quote\ndata: {json.dumps(item)}\n\n"
        if time.monotonic() - last_beat > 15:
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
