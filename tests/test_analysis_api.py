"""Analysis endpoints: shapes, values against utils.analysis, and 400s for every bad parameter."""

from datetime import datetime

import numpy as np
import pytest

from tests.analysis_data import bars, equal_weight_returns, tickers
from tests.helpers import post_json
from utils import clock
from utils.analysis import risk


@pytest.fixture(autouse=True)
def before_the_simulated_sessions():
    """The values here are checked against the bundled bars, so the clock stands before
    SIM_START: the simulated market's history is then the bundled bars alone."""
    clock.freeze(datetime(2024, 12, 30, 15, 0))
    yield
    clock.freeze(None)


def test_indicators_shape_nulls_and_values(user_client):
    url = "/user/api/indicators?ticker=AAPL&names=sma,rsi,macd,bbands&period=6mo&sma_period=10"
    body = user_client.get(url).json
    assert body["success"] and body["ticker"] == "AAPL"
    assert set(body["series"]) == {
        "sma", "rsi", "macd", "macd_signal", "macd_hist", "bb_upper", "bb_middle", "bb_lower"
    }  # fmt: skip
    assert body["params"]["sma_period"] == 10 and body["params"]["rsi_period"] == 14
    n = len(body["dates"])
    assert 120 <= n <= 135  # about six months of weekdays
    assert all(len(v) == n for v in body["series"].values())
    # the stored history is the bundled close, so the last SMA(10) is its mean of 10
    close = bars("AAPL")["close"]
    assert body["series"]["sma"][-1] == pytest.approx(close[-10:].mean(), abs=1e-4)
    full = user_client.get("/user/api/indicators?ticker=AAPL&names=sma&period=max&sma_period=50")
    sma = full.json["series"]["sma"]
    assert sma[:49] == [None] * 49 and sma[49] is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("ticker=NOPE&names=sma", "ticker"),
        ("ticker=AAPL", "names"),
        ("ticker=AAPL&names=sma,wobble", "names"),
        ("ticker=AAPL&names=sma&period=7y", "period"),
        ("ticker=AAPL&names=sma&sma_period=1", "sma_period"),
        ("ticker=AAPL&names=sma&sma_period=251", "sma_period"),
        ("ticker=AAPL&names=sma&sma_period=abc", "sma_period"),
        ("ticker=AAPL&names=bbands&bb_dev=9", "bb_dev"),
        ("ticker=AAPL&names=bbands&bb_dev=nan", "bb_dev"),
        ("ticker=AAPL&names=macd&macd_fast=30&macd_slow=20", "macd_fast"),
        ("ticker=AAPL&names=stoch&stoch_k=0", "stoch_k"),
    ],
)
def test_bad_indicator_parameters_get_400(user_client, query, field):
    response = user_client.get(f"/user/api/indicators?{query}")
    assert response.status_code == 400
    assert response.json["success"] is False and response.json["field"] == field


def test_stock_analysis_brief_shape_and_values(user_client):
    body = post_json(user_client, "/user/api/stock_analysis", {"ticker": "KO", "window": 252}).json
    assert body["success"] and set(body["data"]) == {"KO"}
    ko = body["data"]["KO"]
    assert ko["days"] == 252 and ko["rating"] in ("low", "moderate", "high")
    assert body["benchmark"] == "Equal-weight index of the 30 bundled stocks"
    close = bars("KO")["close"][-253:]
    r = close[1:] / close[:-1] - 1
    assert ko["annual_volatility"] == pytest.approx(r.std(ddof=1) * np.sqrt(252), rel=1e-9)
    assert ko["var_95"] > 0 and ko["cvar_99"] >= ko["var_99"]
    assert ko["summary"].startswith("Over 252 trading days")
    # the stored closes line up day by day with the equal-weight index of the bundled data
    bench = equal_weight_returns(tickers())[-252:]
    assert ko["beta"] == pytest.approx(risk.beta(r, bench), rel=1e-9)
    assert ko["correlation"] == pytest.approx(np.corrcoef(r, bench)[0, 1], rel=1e-9)
    assert "annual_volatility" in body["metrics"]


def test_stock_analysis_several_tickers_with_dates(user_client):
    first = user_client.get("/user/api/market_data?ticker=AAPL&period=1y").json["data"][0]["date"]
    body = post_json(
        user_client,
        "/user/api/stock_analysis",
        {"tickers": ["AAPL", "MSFT", "XOM"], "start_date": first},
    ).json
    assert set(body["data"]) == {"AAPL", "MSFT", "XOM"}
    assert body["data"]["AAPL"]["start_date"] > first
    corr = body["charts"]["correlation"]
    assert corr["tickers"] == ["AAPL", "MSFT", "XOM"]
    assert corr["matrix"][0][0] == 1.0 and corr["matrix"][0][1] == corr["matrix"][1][0]
    assert len(body["charts"]["drawdown"]["MSFT"]) == len(body["charts"]["dates"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "tickers"),
        ({"tickers": []}, "tickers"),
        ({"tickers": ["AAPL", "NOPE"]}, "tickers"),
        ({"tickers": "AAPL,MSFT,AMZN,GOOGL,NVDA,JPM,KO,XOM,IBM,INTC,T"}, "tickers"),
        ({"ticker": "NOPE"}, "ticker"),
        ({"ticker": "AAPL", "window": 5}, "window"),
        ({"ticker": "AAPL", "window": "x"}, "window"),
        ({"tickers": ["AAPL"], "start_date": "2020-02-30"}, "start_date"),
        ({"tickers": ["AAPL"], "start_date": "2024-05-01", "end_date": "2024-01-01"}, "start_date"),
        ({"tickers": ["AAPL"], "start_date": "2024-05-01", "end_date": "2024-05-01"}, "start_date"),
        ({"tickers": ["AAPL"], "start_date": "1990-01-01", "end_date": "1990-06-01"}, "tickers"),
        ({"tickers": ["AAPL"], "risk_free": 3}, "risk_free"),
    ],
)
def test_bad_stock_analysis_requests_get_400(user_client, body, field):
    response = post_json(user_client, "/user/api/stock_analysis", body)
    assert response.status_code == 400, response.json
    assert response.json["success"] is False and response.json["field"] == field


def test_monte_carlo_brief_shape_and_seed(user_client):
    url = "/user/api/monte-carlo/MSFT?days=30&simulations=2000&seed=11"
    body = user_client.get(url).json
    assert body["success"] and len(body["predictions"]) == 30
    first = body["predictions"][0]
    assert first["day"] == 1 and first["p5"] < first["p50"] < first["p95"]
    stats = body["statistics"]
    assert stats["start"] == pytest.approx(bars("MSFT")["close"][-1])
    assert 0 <= stats["prob_below_start"] <= 1 and sum(stats["histogram"]["counts"]) == 2000
    assert body["params"]["antithetic"] is True and stats["antithetic"] is True  # 1,000 pairs
    odd = user_client.get(url.replace("2000", "2001")).json
    assert odd["params"]["antithetic"] is False
    assert user_client.get(url).json["predictions"] == body["predictions"]
    other = user_client.get(url.replace("seed=11", "seed=12")).json
    assert other["predictions"] != body["predictions"]
    assert len(body["history"]["values"]) == 120


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("days=0", "days"),
        ("days=757", "days"),
        ("days=ten", "days"),
        ("simulations=99", "simulations"),
        ("simulations=200001", "simulations"),
        ("seed=-1", "seed"),
        ("seed=1.5", "seed"),
        ("lookback=10", "lookback"),
    ],
)
def test_bad_monte_carlo_parameters_get_400(user_client, query, field):
    for url in ("/user/api/monte-carlo/AAPL", "/user/api/monte-carlo/portfolio"):
        response = user_client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert response.json["field"] == field


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        (
            "/user/api/backtest?ticker=AAPL&cash=5",
            "cash",
            "Starting cash must be a number from $100 to $100,000,000.",
        ),
        (
            "/user/api/backtest?ticker=AAPL&start_date=2024-03-01&end_date=2024-02-01",
            "start_date",
            "The From date must be before the To date.",
        ),
        (
            "/user/api/backtest?ticker=AAPL&end_date=2024-13-01",
            "end_date",
            "The To date must be written as YYYY-MM-DD.",
        ),
        (
            "/user/api/backtest?ticker=AAPL&strategy=dip_rise&dip_pct=0",
            "dip_pct",
            "Dip pct must be a number from 0.1 to 50.",
        ),
        (
            "/user/api/monte-carlo/AAPL?days=757",
            "days",
            "Trading days must be a whole number from 1 to 756.",
        ),
        (
            "/user/api/monte-carlo/AAPL?simulations=200001",
            "simulations",
            "Paths must be a whole number from 100 to 200,000.",
        ),
        (
            "/user/api/indicators?ticker=AAPL&names=rsi&rsi_period=1",
            "rsi_period",
            "RSI days must be a whole number from 2 to 100.",
        ),
    ],
)
def test_a_bad_parameter_is_named_by_its_form_label_and_keeps_its_field(
    user_client, url, field, message
):
    response = user_client.get(url)
    assert response.status_code == 400
    assert response.json["field"] == field and response.json["error"] == message


def test_the_risk_free_rate_is_refused_in_the_percent_the_form_shows(user_client):
    response = post_json(
        user_client, "/user/api/stock_analysis", {"tickers": ["AAPL"], "risk_free": 3}
    )
    assert response.json["field"] == "risk_free"
    assert response.json["error"] == "Risk-free % must be a number from -5 % to 25 %."


def test_monte_carlo_unknown_ticker_and_empty_portfolio(user_client):
    assert user_client.get("/user/api/monte-carlo/NOPE").json["field"] == "ticker"
    response = user_client.get("/user/api/monte-carlo/portfolio?simulations=500")
    assert response.status_code == 400 and response.json["field"] == "portfolio"


def test_backtest_shape_and_csv(user_client):
    url = "/user/api/backtest?ticker=AAPL&strategy=dip_rise&window=5&dip_pct=2&rise_pct=2"
    body = user_client.get(url).json
    assert body["success"] and body["strategy"] == "dip_rise"
    assert len(body["equity"]) == len(body["dates"]) == len(body["benchmark_equity"])
    assert body["metrics"]["trades"] == len(body["trades"]) > 0
    assert body["costs"]["slippage_bps"] == 2.0 and body["costs"]["fixed"] == 1.0
    csv = user_client.get(url.replace("/api/backtest?", "/api/backtest.csv?") + "&what=trades")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert (
        lines[0].startswith("entry_date,entry_price,shares")
        and len(lines) == len(body["trades"]) + 1
    )
    curve = user_client.get(url.replace("/api/backtest?", "/api/backtest.csv?") + "&what=curve")
    rows = curve.get_data(as_text=True).strip().splitlines()
    assert len(rows) == len(body["dates"]) + 1 and rows[-1].startswith(body["dates"][-1])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("ticker=NOPE", "ticker"),
        ("ticker=AAPL&strategy=magic", "strategy"),
        ("ticker=AAPL&strategy=sma_cross&fast=50&slow=20", "fast"),
        ("ticker=AAPL&strategy=rsi&lower=80&upper=20", "lower"),
        ("ticker=AAPL&strategy=rsi&period=1", "period"),
        ("ticker=AAPL&strategy=dip_rise&dip_pct=0", "dip_pct"),
        ("ticker=AAPL&cash=5", "cash"),
        ("ticker=AAPL&cash=inf", "cash"),
        ("ticker=AAPL&start_date=2024-13-01", "start_date"),
        ("ticker=AAPL&start_date=2024-03-01&end_date=2024-02-01", "start_date"),
        ("ticker=AAPL&start_date=1990-01-01&end_date=1990-02-01", "ticker"),
    ],
)
def test_bad_backtest_parameters_get_400(user_client, query, field):
    response = user_client.get(f"/user/api/backtest?{query}")
    assert response.status_code == 400, response.json
    assert response.json["field"] == field
    bad_csv = user_client.get(f"/user/api/backtest.csv?{query}&what=trades")
    assert bad_csv.status_code == 400


def test_analysis_endpoints_need_sign_in(client):
    assert client.get("/user/api/indicators?ticker=AAPL&names=sma").status_code == 401
    assert client.get("/user/api/monte-carlo/AAPL").status_code == 401
    assert client.get("/user/api/backtest?ticker=AAPL").status_code == 401


def test_indicator_preferences_are_saved_per_user(user_client):
    assert user_client.get("/user/api/preferences/indicators").json["preferences"] == {
        "overlays": [],
        "panels": ["volume"],
        "params": {},
    }
    body = {"overlays": ["sma", "bbands"], "panels": ["rsi"], "params": {"sma_period": 50}}
    saved = post_json(user_client, "/user/api/preferences/indicators", body).json
    assert saved["preferences"] == body
    again = {"overlays": ["ema"], "panels": [], "params": {}}
    post_json(user_client, "/user/api/preferences/indicators", again)
    assert user_client.get("/user/api/preferences/indicators").json["preferences"] == again


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"overlays": ["rsi"]}, "overlays"),
        ({"overlays": "sma"}, "overlays"),
        ({"panels": ["nope"]}, "panels"),
        ({"params": {"sma_period": 1}}, "sma_period"),
        ({"params": {"colour": 3}}, "params"),
        ({"params": [1]}, "params"),
    ],
)
def test_bad_indicator_preferences_get_400_and_change_nothing(user_client, body, field):
    response = post_json(user_client, "/user/api/preferences/indicators", body)
    assert response.status_code == 400 and response.json["field"] == field
    stored = user_client.get("/user/api/preferences/indicators").json["preferences"]
    assert stored["overlays"] == [] and stored["panels"] == ["volume"]


def _hold(app, holdings):
    from extensions import db
    from models import Portfolio, User

    with app.app_context():
        user_id = db.session.scalar(db.select(User.user_id))
        for ticker, quantity in holdings.items():
            db.session.add(Portfolio(user_id=user_id, ticker=ticker, quantity=quantity))
        db.session.commit()


def test_portfolio_monte_carlo_values_the_holdings(app, user_client):
    _hold(app, {"AAPL": 10, "XOM": 20})
    body = user_client.get("/user/api/monte-carlo/portfolio?days=20&simulations=1000&seed=3").json
    assert body["success"] and body["portfolio"] is True
    assert body["params"]["antithetic"] is False  # correlated draws are not mirrored
    start = 10 * bars("AAPL")["close"][-1] + 20 * bars("XOM")["close"][-1]
    assert body["statistics"]["start"] == pytest.approx(start)
    assert [h["ticker"] for h in body["holdings"]] == ["AAPL", "XOM"]
    assert body["history"]["values"][-1] == pytest.approx(start, abs=1e-3)
    assert len(body["predictions"]) == 20
    again = user_client.get("/user/api/monte-carlo/portfolio?days=20&simulations=1000&seed=3")
    assert again.json["statistics"] == body["statistics"]


def test_portfolio_monte_carlo_refuses_a_holding_without_history(app, user_client):
    _hold(app, {"AAPL": 10, "ZZZZ": 5})
    response = user_client.get("/user/api/monte-carlo/portfolio?simulations=500")
    assert response.status_code == 400 and response.json["field"] == "portfolio"
    assert "ZZZZ" in response.json["error"]


def test_portfolio_monte_carlo_draws_no_more_than_one_largest_stock_run(app, user_client):
    app.config.update(MC_MAX_SIMULATIONS=10_000, MC_MAX_DAYS=100)
    _hold(app, {"AAPL": 10, "XOM": 20, "MSFT": 5, "JPM": 2})
    too_many = user_client.get("/user/api/monte-carlo/portfolio?days=100&simulations=10000")
    assert too_many.status_code == 400 and too_many.json["field"] == "simulations"
    assert (
        "For 4 holdings over 100 days, simulations can be at most 2,500" in (too_many.json["error"])
    )
    fits = user_client.get("/user/api/monte-carlo/portfolio?days=100&simulations=2500&seed=1")
    assert fits.status_code == 200 and fits.json["params"]["simulations"] == 2500


def test_a_repeated_request_comes_from_the_cache(app, user_client, monkeypatch):
    from services.analysis import cache
    from utils.analysis import monte_carlo as mc

    app.config["ANALYSIS_CACHE_SECONDS"] = 60
    cache.clear()
    calls = []
    real = mc.simulate
    monkeypatch.setattr(mc, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = "/user/api/monte-carlo/KO?days=10&simulations=500&seed=1"
    first = user_client.get(url).json
    assert user_client.get(url).json == first and len(calls) == 1
    user_client.get(url.replace("seed=1", "seed=2"))
    assert len(calls) == 2
    cache.clear()


def test_bad_parameters_are_refused_before_anything_is_computed(user_client, monkeypatch):
    from utils.analysis import backtest as bt
    from utils.analysis import indicators as ind
    from utils.analysis import monte_carlo as mc
    from utils.analysis import risk

    def boom(*args, **kwargs):
        raise AssertionError("computed despite a bad parameter")

    for module, name in ((mc, "simulate"), (mc, "simulate_portfolio"), (bt, "run"),
                         (risk, "metrics"), (ind, "compute")):  # fmt: skip
        monkeypatch.setattr(module, name, boom)
    bad = [
        user_client.get("/user/api/monte-carlo/AAPL?days=0"),
        user_client.get("/user/api/monte-carlo/portfolio?simulations=1"),
        user_client.get("/user/api/backtest?ticker=AAPL&cash=-1"),
        user_client.get("/user/api/indicators?ticker=AAPL&names=sma&sma_period=0"),
        post_json(user_client, "/user/api/stock_analysis", {"tickers": ["AAPL"], "window": 1}),
    ]
    assert [r.status_code for r in bad] == [400] * 5


def test_bars_stored_on_an_earlier_day_are_synced_again(app):
    from extensions import db
    from models import MarketData
    from services.analysis import data

    with app.app_context():
        first = data.bars("AAPL")
        last = db.session.scalar(db.select(db.func.max(MarketData.date)))
        db.session.execute(db.delete(MarketData).where(MarketData.date == last))
        db.session.commit()
        again = data.bars("AAPL")
    assert again["dates"] == first["dates"] and again["dates"][-1] == last.isoformat()


def test_monte_carlo_dates_its_days_on_the_exchange_calendar(user_client):
    from datetime import date

    from utils.market_data.hours import is_trading_day

    body = user_client.get("/user/api/monte-carlo/AAPL?days=30&simulations=100&seed=1").json
    days = [date.fromisoformat(p["date"]) for p in body["predictions"]]
    assert body["history"]["dates"][-1] == "2024-12-27"
    assert days[:3] == [date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2)]
    assert all(is_trading_day(d) for d in days)  # no New Year's Day, no MLK Day


def test_a_run_without_a_seed_is_drawn_afresh_each_time(app, user_client):
    from services.analysis import cache

    _hold(app, {"AAPL": 10, "XOM": 20})
    app.config["ANALYSIS_CACHE_SECONDS"] = 60
    cache.clear()
    for url in ("/user/api/monte-carlo/KO?days=10&simulations=500",
                "/user/api/monte-carlo/portfolio?days=10&simulations=500"):  # fmt: skip
        first, again = user_client.get(url).json, user_client.get(url).json
        assert first["params"]["seed"] is None
        assert first["statistics"]["mean"] != again["statistics"]["mean"], url
        seeded = user_client.get(url + "&seed=4").json
        assert user_client.get(url + "&seed=4").json == seeded  # a seed still repeats
    cache.clear()


def test_a_risk_window_longer_than_the_history_is_refused(user_client):
    days = len(bars("KO")["close"]) - 1  # the stored history is the bundled bars
    exact = post_json(user_client, "/user/api/stock_analysis", {"ticker": "KO", "window": days})
    assert exact.status_code == 200 and exact.json["data"]["KO"]["days"] == days
    response = post_json(
        user_client, "/user/api/stock_analysis", {"ticker": "KO", "window": days + 1}
    )
    assert response.status_code == 400 and response.json["field"] == "window"
    assert response.json["error"] == (
        f"Window: only {days:,} trading days of history in that range; give at most {days:,}."
    )


def test_a_backtest_sharpe_uses_the_configured_risk_free_rate(app, user_client):
    app.config["RISK_FREE_RATE"] = 0.04
    body = user_client.get("/user/api/backtest?ticker=KO&strategy=sma_cross").json
    for equity, figures in ((body["equity"], body["metrics"]),
                            (body["benchmark_equity"], body["buy_and_hold"])):  # fmt: skip
        daily = np.diff(equity) / np.array(equity[:-1])
        assert figures["sharpe"] == pytest.approx(risk.sharpe(daily, 0.04), rel=1e-4)
        assert abs(figures["sharpe"] - risk.sharpe(daily)) > 0.05


def test_a_flat_price_gives_nulls_not_nan_in_the_json(app, user_client):
    import json
    from datetime import timedelta
    from decimal import Decimal

    from extensions import db
    from models import MarketData

    assert post_json(user_client, "/user/api/stock_analysis", {"ticker": "AAPL"}).status_code == 200
    with app.app_context():  # a halted stock: the same close for the last 50 trading days
        rows = db.session.scalars(
            db.select(MarketData).where(MarketData.ticker == "AAPL").order_by(MarketData.date)
        ).all()[-50:]
        for row in rows:
            row.open = row.high = row.low = row.close = row.adj_close = Decimal("100")
        db.session.commit()
        start = (rows[0].date + timedelta(days=1)).isoformat()
    response = post_json(user_client, "/user/api/stock_analysis",
                         {"ticker": "AAPL", "start_date": start})  # fmt: skip

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    body = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    assert response.status_code == 200 and body["data"]["AAPL"]["annual_volatility"] == 0
    assert body["data"]["AAPL"]["sharpe"] is None
    assert body["charts"]["correlation"]["matrix"] == [[None]]
