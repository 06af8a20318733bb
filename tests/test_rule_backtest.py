"""Rule backtests: sized trades on a hand-worked price path, the rule's limits on daily
bars, and the JSON route (hand-made stored bars, someone else's rule, bad parameters)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from extensions import db
from models import User
from tests.analysis_data import bars
from tests.conftest import csrf_token
from tests.trading_helpers import ScriptedProvider
from utils.analysis import backtest as bt
from utils.analysis import strategies
from utils.analysis.rule_backtest import RuleSpec, run, signals
from utils.market_data.base import Bar, filter_period

DATES = [f"2024-01-0{i}" for i in range(1, 9)]
FEE = bt.CostModel(fixed=1, bps=0, minimum=1, slippage_bps=0)


def test_hand_worked_buy_then_sell_of_the_rules_quantity():
    close = [10, 10, 10, 9, 10, 11, 10, 10]
    open_ = [10, 10, 10, 9, 9.5, 11, 10.5, 10]
    # day 4: SMA(3) 9.667, 9 is 6.9 % below -> buy at day 5's open (9.5): 10 shares for $96
    # day 6: SMA(3) 10, 11 is 10 % above -> sell at day 7's open (10.5): $105 - $1
    spec = RuleSpec(window=3, buy_below=5, sell_above=5, quantity=10)
    r = run(DATES, open_, close, spec, 1000.0, FEE)
    buy, sell = r["fills"]
    assert (buy["date"], buy["side"], buy["price"], buy["shares"]) == ("2024-01-05", "buy", 9.5, 10)
    assert (sell["date"], sell["side"], sell["price"]) == ("2024-01-07", "sell", 10.5)
    assert sell["pnl"] == pytest.approx(104 - 96) and buy["pnl"] is None
    np.testing.assert_allclose(r["equity"], [1000, 1000, 1000, 1000, 1004, 1014, 1008, 1008])
    assert r["shares"].tolist() == [0, 0, 0, 0, 10, 10, 0, 0]
    assert r["total_return"] == pytest.approx(0.008) and r["win_rate"] == 1.0
    assert r["commission"] == 2.0 and r["realized_pnl"] == 8.0 and r["skipped"] == []
    assert r["exposure"] == pytest.approx(2 / 8)


def test_an_amount_within_the_maximum_position():
    close = [10, 10, 10, 9, 8, 7, 7, 7]
    open_ = [10, 10, 10, 9, 9, 8, 7.5, 7]
    # buys at 9 ($200: 22 shares for $199), at 8 (24 would pass the maximum of 30: 8 for $65),
    # then at 7.5 the position is full
    spec = RuleSpec(window=3, buy_below=5, sell_above=5, amount=200, max_position=30)
    r = run(DATES, open_, close, spec, 1000.0, FEE)
    assert [(f["date"], f["shares"], f["price"]) for f in r["fills"]] == [
        ("2024-01-05", 22, 9.0),
        ("2024-01-06", 8, 8.0),
    ]
    assert r["fills"][-1]["cash"] == pytest.approx(1000 - 199 - 65)
    assert [(s["date"], s["reason"]) for s in r["skipped"]] == [
        ("2024-01-07", "position of 30 is at the maximum of 30")
    ]
    assert r["equity"][-1] == pytest.approx(736 + 30 * 7)


CLOSE_3 = [10, 10, 10, 11, 10, 9, 8, 8]
OPEN_3 = [10, 10, 10, 11, 10.5, 10, 9, 8]


def test_no_shares_to_sell_and_cash_that_runs_out():
    # day 4: 11 is 6.5 % above SMA 10.33 -> a sell with nothing held; days 6 and 7 dip:
    # buy 10 at 9 ($91 of $150), then 10 at 8 would cost $81 with $59 left
    spec = RuleSpec(window=3, buy_below=5, sell_above=5, quantity=10)
    r = run(DATES, OPEN_3, CLOSE_3, spec, 150.0, FEE)
    assert [(f["date"], f["side"], f["shares"]) for f in r["fills"]] == [("2024-01-07", "buy", 10)]
    assert [(s["date"], s["side"], s["reason"]) for s in r["skipped"]] == [
        ("2024-01-05", "sell", "no shares to sell"),
        ("2024-01-08", "buy", "not enough cash ($59.00) for 10 shares"),
    ]


def test_no_trade_from_the_end_date_on():
    spec = RuleSpec(window=3, buy_below=5, sell_above=5, quantity=10, last_day="2024-01-07")
    r = run(DATES, OPEN_3, CLOSE_3, spec, 150.0, FEE)
    assert r["fills"] == [] and r["equity"].tolist() == [150.0] * 8
    assert [s["reason"] for s in r["skipped"]][-2:] == ["the rule ended on 2024-01-07"] * 2


def test_signals_are_the_seed_rule_of_the_analysis_backtester():
    close = bars("AAPL")["close"]
    side = signals(close, 5, 1.5, 2.0)
    held = strategies.signal("dip_rise", close, {"window": 5, "dip_pct": 1.5, "rise_pct": 2.0})
    entries = np.nonzero(np.diff(held.astype(int), prepend=0) == 1)[0]
    assert (side[entries] == 1).all() and (side == 1).sum() >= len(entries) > 5
    assert not side[:4].any()  # the 5-close average is not defined yet


# The JSON route, over hand-made bars stored for MSFT.

MSFT_CLOSE = [10, 10, 10, 9, 10, 11, 10, 10]
MSFT_OPEN = [10, 10, 10, 9, 9.5, 11, 10.5, 10]


class HandMade(ScriptedProvider):
    """The scripted market, with MSFT's daily history made by hand."""

    def history(self, ticker, period):
        if ticker != "MSFT":
            return super().history(ticker, period)
        first = date(2024, 1, 1)
        rows = [
            Bar(first + timedelta(days=i), D(o), D(max(o, c)), D(min(o, c)), D(c), D(c), 1000)
            for i, (o, c) in enumerate(zip(MSFT_OPEN, MSFT_CLOSE, strict=True))
        ]
        return filter_period(rows, period)


def D(value) -> Decimal:
    return Decimal(str(value))


RULE = {
    "ticker": "MSFT",
    "window_seconds": 3,
    "buy_below_pct": "5",
    "sell_above_pct": "5",
    "quantity": 10,
    "max_trades_per_day": 1,
    "cooldown_seconds": 60,
}


@pytest.fixture
def hand_made(app):
    app.extensions["paperdesk_provider"] = HandMade()
    app.config.update(COMMISSION_FIXED=Decimal("1"), COMMISSION_MIN=Decimal("1"))
    app.config.update(COMMISSION_BPS=Decimal("0"), SLIPPAGE_BPS=Decimal("0"))


def _rule(client, body=RULE) -> int:
    headers = {"X-CSRFToken": csrf_token(client, "/user/rules")}
    created = client.post("/user/api/rules", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["rule"]["rule_id"]


def test_the_rules_backtest_over_json_by_hand(hand_made, user_client):
    rule_id = _rule(user_client)
    body = user_client.get(f"/user/api/rules/{rule_id}/backtest?cash=1000").get_json()
    assert body["success"] and body["ticker"] == "MSFT" and body["rule_id"] == rule_id
    assert body["params"]["window_days"] == 3  # 3 s at one price a second: 3 closes
    assert [(t["date"], t["side"], t["price"], t["shares"]) for t in body["trades"]] == [
        ("2024-01-05", "buy", 9.5, 10),
        ("2024-01-07", "sell", 10.5, 10),
    ]
    assert body["trades"][1]["pnl"] == 8.0
    assert body["equity"] == [1000, 1000, 1000, 1000, 1004, 1014, 1008, 1008]
    assert body["metrics"]["trades"] == 2
    assert body["metrics"]["total_return"] == pytest.approx(0.008)
    # buy and hold: 99 shares at day 2's open of 10 ($991), marked at the last close of 10
    assert body["benchmark_equity"][-1] == 999.0 and body["buy_and_hold"]["trades"] == 1
    later = user_client.get(f"/user/api/rules/{rule_id}/backtest?cash=1000&start_date=2024-01-02")
    assert later.get_json()["dates"][0] == "2024-01-02"


def test_a_wider_window_and_the_page(hand_made, user_client):
    rule_id = _rule(user_client)
    body = user_client.get(f"/user/api/rules/{rule_id}/backtest?window_days=6").get_json()
    assert body["params"]["window_days"] == 6 and body["trades"] == []
    page = user_client.get(f"/user/rules/{rule_id}").get_data(as_text=True)
    assert 'id="rbt-form"' in page and "one close a day" in page


def test_someone_elses_rule_cannot_be_backtested(app, hand_made, user_client, make_user):
    from services.rules import store

    other = make_user("bob")
    with app.app_context():
        theirs = store.create(db.session.get(User, other), RULE).rule_id
    reply = user_client.get(f"/user/api/rules/{theirs}/backtest?cash=nonsense")
    assert reply.status_code == 404 and reply.get_json()["success"] is False
    assert user_client.get("/user/api/rules/99999/backtest").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cash=5", "cash"),
        ("cash=abc", "cash"),
        ("window_days=1", "window_days"),
        ("window_days=2.5", "window_days"),
        ("start_date=2024-13-01", "start_date"),
        ("start_date=2024-01-05&end_date=2024-01-02", "start_date"),
        ("start_date=2024-01-06", "start_date"),  # 3 bars: too few for a 3-close average
        ("end_date=not-a-date", "end_date"),
        ("start_date=2030-01-01", "start_date"),  # no bars at all
        ("cash=nan", "cash"),
    ],
)
def test_bad_backtest_parameters_are_a_400_naming_the_field(hand_made, user_client, query, field):
    rule_id = _rule(user_client)
    reply = user_client.get(f"/user/api/rules/{rule_id}/backtest?{query}")
    assert reply.status_code == 400, reply.get_json()
    assert reply.get_json()["field"] == field and reply.get_json()["success"] is False


def test_an_ended_rule_backtests_without_trading_from_its_end(app, hand_made, user_client):
    rule_id = _rule(user_client, {**RULE, "ends_at": datetime(2024, 1, 6).isoformat()})
    body = user_client.get(f"/user/api/rules/{rule_id}/backtest").get_json()
    assert [t["side"] for t in body["trades"]] == ["buy"]
    assert [s["reason"] for s in body["skipped"]] == ["the rule ended on 2024-01-06"]


def test_the_rules_backtest_sharpe_uses_the_configured_risk_free_rate(app, hand_made, user_client):
    from utils.analysis import risk

    app.config["RISK_FREE_RATE"] = 0.05
    rule_id = _rule(user_client)
    body = user_client.get(f"/user/api/rules/{rule_id}/backtest?cash=1000").get_json()
    daily = np.diff(body["equity"]) / np.array(body["equity"][:-1])
    assert body["metrics"]["sharpe"] == pytest.approx(risk.sharpe(daily, 0.05))
    assert body["metrics"]["sharpe"] != pytest.approx(risk.sharpe(daily))
