"""The brief's market-data endpoints, stock search, the watchlist and the stock page."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from routes.helpers import json_body
from routes.market.shapes import quote_json, ticker_arg
from routes.user import bp
from services import fundamentals, history, market, overview, universe
from services.errors import ServiceError


@bp.get("/stock_chart")
def stock_chart():
    raw = request.args.get("ticker")
    if not raw:
        first = (universe.watchlist(current_user.user_id) or ["AAPL"])[0]
        return redirect(url_for("user.stock_chart", ticker=first))
    try:
        ticker = ticker_arg()
    except ServiceError as exc:
        return _unknown_ticker(raw, exc.message)
    universe.mark_viewed(ticker)
    return render_template(
        "user/stock_chart.html",
        ticker=ticker,
        company=market.provider().profile(ticker),
        provider=market.provider().name,
        watchlist=universe.watchlist(current_user.user_id),
    )


def _unknown_ticker(raw: str, message: str):
    symbol = raw.strip()[:20]
    matches = market.search(symbol, limit=5) if symbol else []
    page = render_template(
        "user/unknown_ticker.html", symbol=symbol, message=message, matches=matches, code=404
    )
    return page, 404


@bp.get("/api/market_data")
def api_market_data():
    ticker = ticker_arg()
    period = market.check_period_arg(request.args.get("period"))
    data, stale = history.bars_answer(ticker, period)
    return jsonify(
        success=True,
        ticker=ticker,
        period=period,
        source=market.provider().name,
        stale=stale,
        data=data,
    )


@bp.get("/api/real_time_stock_data")
def api_real_time():
    ticker = ticker_arg()
    universe.mark_viewed(ticker)
    data = quote_json(market.get_quote(ticker))
    return jsonify(success=True, data=data, last_updated=data["last_updated"])


@bp.get("/api/fundamental_data")
def api_fundamentals():
    result = fundamentals.fundamentals(ticker_arg())
    return jsonify(success=True, data=fundamentals.as_json(result))


@bp.get("/api/balance_sheet")
def api_balance_sheet():
    result = fundamentals.statement(ticker_arg(), "balance_sheet")
    return jsonify(success=True, data=fundamentals.as_json(result))


@bp.get("/api/income_statement")
def api_income_statement():
    result = fundamentals.statement(ticker_arg(), "income_statement")
    return jsonify(success=True, data=fundamentals.as_json(result))


@bp.get("/api/search")
def api_search():
    matches = market.search(request.args.get("q", "")[:40])
    return jsonify(
        success=True,
        results=[{"ticker": e.symbol, "name": e.name, "sector": e.sector} for e in matches],
    )


@bp.get("/api/watchlist")
def api_watchlist():
    tickers = universe.watchlist(current_user.user_id)
    quotes = market.get_quotes(tickers) if tickers else {}
    return jsonify(success=True, data=[quote_json(quotes[t]) for t in tickers if t in quotes])


@bp.post("/api/watchlist")
def api_watch():
    ticker = market.check_ticker(json_body().get("ticker"))
    universe.watch(current_user, ticker)
    return jsonify(success=True, watchlist=universe.watchlist(current_user.user_id))


@bp.post("/api/watchlist/<ticker>/remove")
def api_unwatch(ticker: str):
    universe.unwatch(current_user, market.check_ticker(ticker))
    return jsonify(success=True, watchlist=universe.watchlist(current_user.user_id))


@bp.get("/markets")
def markets():
    return render_template("user/markets.html", data=overview.overview())
