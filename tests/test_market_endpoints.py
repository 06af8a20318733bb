"""The market-data endpoints: shapes, bad input (400 naming the problem) and the SSE stream."""

import pytest

from tasks.tick import TickState, run_tick
from tests.helpers import post_json

TICKER_ENDPOINTS = [
    "/user/api/market_data?period=1mo",
    "/user/api/real_time_stock_data?x=1",
    "/user/api/fundamental_data?x=1",
    "/user/api/balance_sheet?x=1",
    "/user/api/income_statement?x=1",
    "/api/price?x=1",
    "/api/candles?x=1",
    "/api/current-candle?x=1",
]


@pytest.mark.parametrize("url", TICKER_ENDPOINTS)
@pytest.mark.parametrize(
    ("ticker", "message"),
    [("", "Give a ticker symbol"), ("NOPE", "Unknown ticker 'NOPE'"), ("A;DROP", "ticker symbol")],
)
def test_bad_tickers_get_400(user_client, url, ticker, message):
    response = user_client.get(f"{url}&ticker={ticker}")
    assert response.status_code == 400
    assert response.json["success"] is False
    assert message in response.json["error"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/user/api/market_data?ticker=AAPL&period=7y", "period"),
        ("/api/candles?ticker=AAPL&interval=5m", "interval must be one of: 10s, 1m"),
        ("/api/candles?ticker=AAPL&limit=0", "limit must be"),
        ("/api/candles?ticker=AAPL&limit=abc", "limit must be"),
        ("/api/candles?ticker=AAPL&limit=100000", "limit must be"),
        ("/api/current-candle?ticker=AAPL&interval=1h", "interval"),
        ("/stream/quotes?tickers=", "Give 1 to 20 tickers"),
        ("/stream/quotes?tickers=AAPL,NOPE", "Unknown ticker 'NOPE'"),
    ],
)
def test_bad_periods_intervals_and_limits_get_400(user_client, url, message):
    response = user_client.get(url)
    assert response.status_code == 400
    assert message in response.json["error"]


def test_market_endpoints_need_sign_in(client):
    assert client.get("/api/price?ticker=AAPL").status_code == 401
    assert client.get("/user/api/market_data?ticker=AAPL").status_code == 401


def test_market_data_shape(user_client):
    body = user_client.get("/user/api/market_data?ticker=AAPL&period=3mo").json
    assert body["success"] and body["source"] == "sim" and body["period"] == "3mo"
    assert 55 <= len(body["data"]) <= 70
    bar = body["data"][-1]
    assert set(bar) == {"date", "open", "high", "low", "close", "adj_close", "volume"}
    assert isinstance(bar["close"], str) and "." in bar["close"]


def test_real_time_quote_shape_says_source_and_age(user_client):
    body = user_client.get("/user/api/real_time_stock_data?ticker=MSFT").json
    data = body["data"]
    assert body["success"] and body["last_updated"] == data["last_updated"]
    for key in (
        "price",
        "change",
        "change_percent",
        "volume",
        "high",
        "low",
        "source",
        "age_seconds",
        "stale",
    ):
        assert key in data
    assert data["source"] == "sim" and data["stale"] is False


def test_price_and_candles_after_worker_ticks(app, user_client, frozen_time):
    from datetime import datetime, timedelta

    start = datetime(2026, 3, 2, 14, 30, 0)
    state = TickState()
    post_json(user_client, "/user/api/watchlist", {"ticker": "NFLX"})
    with app.app_context():
        for second in range(25):
            frozen_time(start + timedelta(seconds=second))
            run_tick(state)
    price = user_client.get("/api/price?ticker=NFLX").json
    assert price["success"] and price["last_updated"] == "2026-03-02T14:30:24Z"
    closed = user_client.get("/api/candles?ticker=NFLX&interval=10s").json["candles"]
    assert [c["start"] for c in closed] == ["2026-03-02T14:30:00Z", "2026-03-02T14:30:10Z"]
    assert all(c["closed"] for c in closed)
    current = user_client.get("/api/current-candle?ticker=NFLX&interval=10s").json["candle"]
    assert current["start"] == "2026-03-02T14:30:20Z" and current["closed"] is False
    assert current["close"] == price["price"]
    frozen_time(start + timedelta(hours=2))  # the worker stopped: no tick since
    assert user_client.get("/api/current-candle?ticker=NFLX&interval=10s").json["candle"] is None
    ended = user_client.get("/api/candles?ticker=NFLX&interval=10s").json["candles"]
    assert [c["start"] for c in ended][-1] == "2026-03-02T14:30:20Z"  # its window is over
    assert all(c["closed"] for c in ended) and ended[-1]["close"] == price["price"]


def test_a_lease_moving_mid_window_keeps_the_candles_open_high_and_low(
    app, user_client, market, frozen_time
):
    from datetime import datetime, timedelta

    from tasks.tick import TickState, run_tick

    post_json(user_client, "/user/api/watchlist", {"ticker": "NFLX"})
    start = datetime(2026, 3, 2, 14, 30, 0)
    first, second = TickState(), TickState()  # the lease moves from one to the other
    with app.app_context():
        for at, price, holder in ((0, "150", first), (3, "90", first), (5, "120", second)):
            frozen_time(start + timedelta(seconds=at))
            market.set("NFLX", price)
            run_tick(holder)
        frozen_time(start + timedelta(seconds=12))
        run_tick(second)  # closes the window, of which it saw only 120
    (candle,) = user_client.get("/api/candles?ticker=NFLX&interval=10s").json["candles"][:1]
    assert candle["start"] == "2026-03-02T14:30:00Z"
    assert (candle["open"], candle["high"], candle["low"], candle["close"]) == (
        "150.0000", "150.0000", "90.0000", "120.0000"
    )  # fmt: skip


def test_search_by_symbol_and_name(user_client):
    hits = user_client.get("/user/api/search?q=micro").json["results"]
    assert hits[0]["ticker"] == "MSFT" and hits[0]["name"] == "Microsoft"
    assert user_client.get("/user/api/search?q=NFL").json["results"][0]["ticker"] == "NFLX"
    assert user_client.get("/user/api/search?q=").json["results"] == []


def test_watchlist_add_remove_and_bad_ticker(user_client):
    assert post_json(user_client, "/user/api/watchlist", {"ticker": "ko"}).json["watchlist"] == [
        "KO"
    ]
    post_json(user_client, "/user/api/watchlist", {"ticker": "KO"})  # twice is harmless
    body = user_client.get("/user/api/watchlist").json
    assert [q["ticker"] for q in body["data"]] == ["KO"]
    bad = post_json(user_client, "/user/api/watchlist", {"ticker": "XXXX"})
    assert bad.status_code == 400
    removed = post_json(user_client, "/user/api/watchlist/KO/remove")
    assert removed.json["watchlist"] == []


def test_stock_page_renders_with_provider_and_credit(user_client):
    page = user_client.get("/user/stock_chart?ticker=AAPL").get_data(as_text=True)
    assert 'data-ticker="AAPL"' in page and "simulated market" in page
    assert "Historical data: IEX" in page
    assert (
        user_client.get("/user/stock_chart?ticker=NOPE").status_code == 404
    )  # with search and the list


def test_sse_stream_sends_quotes(app, user_client):
    app.config["STREAM_MAX_SECONDS"] = 1.5
    response = user_client.get("/stream/quotes?tickers=AAPL,KO")
    assert response.mimetype == "text/event-stream"
    text = response.get_data(as_text=True)
    assert text.startswith("retry: 3000")
    assert text.count("event: quote") == 2
    assert '"ticker": "AAPL"' in text and '"ticker": "KO"' in text


def test_a_price_is_shaped_once_per_quote_version(app, user_client, frozen_time, monkeypatch):
    from dataclasses import replace
    from datetime import datetime, timedelta
    from decimal import Decimal

    from routes.market import shapes
    from services import market

    user_client.get("/api/price?ticker=AAPL")  # fetched from the provider and stored
    shaped, shape = [], shapes._shape
    monkeypatch.setattr(shapes, "_shape", lambda quote: shaped.append(quote) or shape(quote))
    start = datetime(2026, 3, 2, 14, 30, 0)
    first = user_client.get("/api/price?ticker=AAPL").json
    frozen_time(start + timedelta(seconds=5))
    later = user_client.get("/api/price?ticker=AAPL").json
    assert len(shaped) == 1  # the same quote: its shape is reused, only the age moves
    assert later["age_seconds"] == first["age_seconds"] + 5
    assert {**later, "age_seconds": 0} == {**first, "age_seconds": 0}
    with app.app_context():
        market.store_quotes([replace(market.get_quote("AAPL"), price=Decimal("123.4500"))])
    moved = user_client.get("/api/price?ticker=AAPL").json
    assert len(shaped) == 2 and moved["price"] == "123.4500" and moved["success"] is True


@pytest.mark.parametrize("tickers", ["AAPL,NOPE", "AAPL,$$$"])
def test_a_bad_ticker_of_the_quote_stream_names_the_tickers_parameter(user_client, tickers):
    response = user_client.get(f"/stream/quotes?tickers={tickers}")
    assert response.status_code == 400
    assert response.json["field"] == "tickers"
