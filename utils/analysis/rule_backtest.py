"""Backtest of an automatic trading rule on daily bars: sized trades, not all in.

The rule's signal is decided at a day's close, the close against the average of the
last ``window`` closes (that close included, as the live average includes the newest
price), and it trades at the next day's open, as in utils.analysis.backtest. Each
trade is the rule's quantity, or the whole shares its amount buys (commission
included), within the maximum position and before the end day; a buy that cash
cannot pay and a sell with no shares are skipped, as live. Equity is marked at each
day's close; realized P&L uses the average cost (buy commissions included), as live.
"""

from dataclasses import dataclass

import numpy as np
import talib

from utils.analysis import backtest as bt


@dataclass(frozen=True)
class RuleSpec:
    """A rule's settings in daily-bar terms."""

    window: int
    buy_below: float
    sell_above: float
    quantity: int | None = None
    amount: float | None = None
    max_position: int | None = None
    last_day: str | None = None  # ISO date: no trade on or after it


def signals(close: np.ndarray, window: int, buy_below: float, sell_above: float) -> np.ndarray:
    """+1 (buy), -1 (sell) or 0 at each close: the close's deviation (in %) from its
    ``window``-close average beyond the bands (0 while the average is undefined)."""
    close = np.asarray(close, dtype=float)
    average = talib.SMA(close, timeperiod=window)
    with np.errstate(invalid="ignore"):
        deviation = (close - average) / average * 100.0
        return np.where(deviation < -buy_below, 1, np.where(deviation > sell_above, -1, 0))


def run(
    dates, open_, close, spec: RuleSpec, cash: float, costs: bt.CostModel, risk_free: float = 0.0
) -> dict:
    """Backtest ``spec`` from ``cash``: equity and drawdown curves, fills, skips, metrics
    (the Sharpe ratio over the annual ``risk_free`` rate)."""
    open_, close = np.asarray(open_, dtype=float), np.asarray(close, dtype=float)
    side = signals(close, spec.window, spec.buy_below, spec.sell_above)
    book = _Book(cash, costs)
    days = [int(d) + 1 for d in np.nonzero(side[:-1])[0]]  # decided at t, traded at t+1
    for day in days:
        book.act(spec, dates[day], int(side[day - 1]), open_[day], close[day - 1])
    shares = bt.step(len(close), days, book.shares_at, 0)
    cash_line = bt.step(len(close), days, book.cash_at, cash)
    equity = cash_line + shares * close
    sells = [f for f in book.fills if f["side"] == "sell"]
    return {
        "equity": equity,
        "shares": shares,
        "fills": book.fills,
        "skipped": book.skipped,
        **bt.curve_metrics(equity, cash, risk_free),
        "exposure": float(np.mean(shares > 0)),
        "win_rate": sum(f["pnl"] > 0 for f in sells) / len(sells) if sells else None,
        "commission": round(sum(f["commission"] for f in book.fills), 2),
        "realized_pnl": round(sum(f["pnl"] for f in sells), 2),
    }


class _Book:
    """Cash, shares and their cost basis as the rule trades, day by day."""

    def __init__(self, cash: float, costs: bt.CostModel) -> None:
        self.cash, self.costs, self.shares, self.basis = cash, costs, 0, 0.0
        self.fills, self.skipped = [], []
        self.shares_at, self.cash_at = [], []

    def act(self, spec: RuleSpec, day: str, side: int, open_price: float, signal_close: float):
        """Trade (or skip) the signal of the previous close at ``day``'s open."""
        name = "buy" if side > 0 else "sell"
        price = open_price * (1 + side * self.costs.slippage_bps / 1e4)
        if spec.last_day is not None and day >= spec.last_day:
            reason = f"the rule ended on {spec.last_day}"
        elif side > 0:
            reason = self._buy(spec, day, price)
        else:
            reason = self._sell(spec, day, price)
        if reason:
            skip = {"date": day, "side": name, "close": signal_close, "reason": reason}
            self.skipped.append(skip)
        self.shares_at.append(self.shares)
        self.cash_at.append(self.cash)

    def _buy(self, spec: RuleSpec, day: str, price: float) -> str | None:
        count = spec.quantity or self.costs.affordable(spec.amount, price)
        if count < 1:
            return f"${spec.amount:g} buys no whole share at ${price:.4f}"
        if spec.max_position is not None and self.shares + count > spec.max_position:
            count = spec.max_position - self.shares
            if count < 1:
                return f"position of {self.shares} is at the maximum of {spec.max_position}"
        fee = self.costs.commission(count * price)
        cost = count * price + fee
        if cost > self.cash + 1e-9:
            return f"not enough cash (${self.cash:.2f}) for {count} shares"
        self.cash -= cost
        self.shares += count
        self.basis += cost
        self.fills.append(_fill(day, "buy", price, count, fee, self, None))
        return None

    def _sell(self, spec: RuleSpec, day: str, price: float) -> str | None:
        wanted = spec.quantity or int(spec.amount // price)
        count = min(wanted, self.shares)
        if count < 1:
            return "no shares to sell"
        fee = self.costs.commission(count * price)
        basis = self.basis if count == self.shares else round(self.basis * count / self.shares, 2)
        proceeds = count * price - fee
        self.cash += proceeds
        self.shares -= count
        self.basis -= basis
        self.fills.append(_fill(day, "sell", price, count, fee, self, proceeds - basis))
        return None


def _fill(day, side: str, price: float, count: int, fee: float, book: _Book, pnl) -> dict:
    return {
        "date": day,
        "side": side,
        "price": price,
        "shares": count,
        "commission": fee,
        "value": count * price,
        "pnl": pnl,
        "position": book.shares,
        "cash": book.cash,
    }
