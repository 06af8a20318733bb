"""Backtests: a hand-worked price path, signals without look-ahead, buy-and-hold."""

import numpy as np
import pandas as pd
import pytest

from tests.analysis_data import bars
from utils.analysis import backtest as bt
from utils.analysis import strategies

DATES = [f"2024-01-0{i}" for i in range(1, 7)]
OPEN = np.array([10.0, 10.0, 9.0, 8.0, 12.0, 12.0])
CLOSE = np.array([10.0, 9.0, 8.0, 11.0, 12.0, 13.0])
WANTED = np.array([0, 1, 1, 0, 0, 0])  # decided at the close of days 1 and 3


def test_hand_worked_trades_and_equity_without_slippage():
    r = bt.run(DATES, OPEN, CLOSE, WANTED, 1000.0, bt.CostModel(fixed=1, minimum=1))
    # buy at day 2's open (9): 111 shares = 999 + 1 commission; sell at day 4's open (12)
    (trade,) = r["trades"]
    assert (trade["entry_date"], trade["exit_date"]) == ("2024-01-03", "2024-01-05")
    assert trade["shares"] == 111 and trade["entry_price"] == 9.0 and trade["exit_price"] == 12.0
    assert trade["pnl"] == pytest.approx(111 * 12 - 1 - 1000)
    np.testing.assert_allclose(r["equity"], [1000, 1000, 888, 1221, 1331, 1331])
    assert r["total_return"] == pytest.approx(0.331)
    assert r["win_rate"] == 1.0 and r["exposure"] == pytest.approx(2 / 6)
    assert r["max_drawdown"] == pytest.approx(888 / 1000 - 1)
    assert r["commission"] == 2.0


def test_hand_worked_trades_with_slippage_and_basis_points():
    costs = bt.CostModel(fixed=1, bps=10, minimum=2, slippage_bps=100)
    r = bt.run(DATES, OPEN, CLOSE, WANTED, 1000.0, costs)
    (trade,) = r["trades"]
    # buy at 9.09: 109 shares cost 990.81 + max(1 + 0.99, 2) = 992.81 (110 cost 1001.90)
    assert trade["entry_price"] == pytest.approx(9.09) and trade["shares"] == 109
    assert trade["cost"] == pytest.approx(990.81 + 2.0)
    # sell at 11.88: 1294.92 - (1 + 1.29492 -> 2.29)
    assert r["equity"][-1] == pytest.approx(1000 - 992.81 + 1294.92 - 2.29)
    assert trade["pnl"] == pytest.approx(1294.92 - 2.29 - 992.81)


def test_an_open_position_is_marked_at_the_close_and_not_counted_as_a_win():
    r = bt.run(DATES, OPEN, CLOSE, np.array([0, 1, 1, 1, 1, 1]), 1000.0, bt.CostModel(0, 0, 0))
    (trade,) = r["trades"]
    assert trade["exit_date"] is None and r["win_rate"] is None
    assert r["equity"][-1] == pytest.approx(1000 - 111 * 9 + 111 * 13)


def test_dip_rise_rule_by_hand():
    close = np.array([10.0, 10, 10, 9, 10, 11, 10])
    # SMA(3) at day 3 is 9.667: 9 < 9.667 * 0.95 -> buy; day 5: SMA 10, 11 > 10.5 -> sell
    got = strategies.signal("dip_rise", close, {"window": 3, "dip_pct": 5, "rise_pct": 5})
    assert got.tolist() == [0, 0, 0, 1, 1, 0, 0]


@pytest.mark.parametrize("name", sorted(strategies.SPECS))
def test_signals_never_look_ahead(name):
    close = bars("AAPL")["close"]
    full = strategies.signal(name, close, {})
    for cut in (300, 700, 1100):
        np.testing.assert_array_equal(strategies.signal(name, close[:cut], {}), full[:cut])


def test_sma_cross_signal_is_fast_above_slow():
    close = bars("MSFT")["close"]
    got = strategies.signal("sma_cross", close, {"fast": 10, "slow": 30})
    s = pd.Series(close)
    want = (s.rolling(10).mean() > s.rolling(30).mean()).to_numpy()
    assert (got.astype(bool) == want)[30:].all() and not got[:29].any()


def test_buy_and_hold_follows_the_stock_from_the_second_open():
    b = bars("KO")
    r = bt.buy_and_hold(b["dates"], b["open"], b["close"], 10_000.0, bt.CostModel(0, 0, 0))
    shares = int(10_000 // b["open"][1])
    assert r["trades"][0]["shares"] == shares
    assert r["equity"][-1] == pytest.approx(
        10_000 - shares * b["open"][1] + shares * b["close"][-1]
    )
    assert r["exposure"] == pytest.approx(1 - 1 / len(b["close"]))


def test_annual_figures_count_the_days_the_equity_curve_moves():
    r = bt.run(DATES, OPEN, CLOSE, WANTED, 1000.0, bt.CostModel(fixed=1, minimum=1))
    equity = np.array([1000, 1000, 888, 1221, 1331, 1331])
    daily = equity[1:] / equity[:-1] - 1  # six closes: five days of changes
    assert r["annual_return"] == pytest.approx(1.331 ** (252 / 5) - 1)
    assert r["annual_volatility"] == pytest.approx(daily.std(ddof=1) * np.sqrt(252))
    assert r["sharpe"] == pytest.approx(daily.mean() / daily.std(ddof=1) * np.sqrt(252))
    assert len(r["drawdown"]) == 6 and r["drawdown"][0] == 0
