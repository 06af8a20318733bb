"""Seed 002's live endpoints: /api/price, /api/candles, /api/current-candle."""

from flask import current_app, jsonify

from routes.market import bp
from routes.market.shapes import interval_arg, limit_arg, price_body, ticker_arg
from services import candles, market, universe


@bp.get("/api/price")
def price():
    ticker = ticker_arg()
    universe.mark_viewed(ticker)
    body = price_body(market.get_quote(ticker))
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/api/candles")
def candle_list():
    ticker, interval, limit = ticker_arg(), interval_arg(), limit_arg()
    universe.mark_viewed(ticker)
    rows = candles.recent(ticker, interval, limit)
    return jsonify(
        success=True, ticker=ticker, interval=interval, candles=[candles.as_json(r) for r in rows]
    )


@bp.get("/api/current-candle")
def current_candle():
    ticker, interval = ticker_arg(), interval_arg()
    universe.mark_viewed(ticker)
    row = candles.current(ticker, interval)
    return jsonify(
        success=True,
        ticker=ticker,
        interval=interval,
        candle=candles.as_json(row) if row else None,
    )
