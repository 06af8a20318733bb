"""Vectorised backtests of a long-only, all-in strategy over daily bars.

The position wanted at day t's close trades at day t+1's open, so no decision sees a
price it could not have known. A buy spends all cash on whole shares at the open moved
against the trader by the slippage, less the commission; a sell sells every share.
Equity is marked at each day's close.
"""

import math
from dataclasses import dataclass

import numpy as np

from utils.analysis import risk


@dataclass(frozen=True)
class CostModel:
    """Commission (fixed plus basis points, with a minimum) and slippage, as live trading."""

    fixed: float = 1.0
    bps: float = 0.0
    minimum: float = 1.0
    slippage_bps: float = 0.0

    def commission(self, gross: float) -> float:
        """Commission on a fill of ``gross`` dollars, rounded to the cent."""
        return round(max(self.fixed + gross * self.bps / 1e4, self.minimum), 2)

    def affordable(self, cash: float, price: float) -> int:
        """The most whole shares whose cost, commission included, fits in ``cash``."""
        by_rate = (cash - self.fixed) / (price * (1 + self.bps / 1e4))
        shares = max(0, math.floor(min(by_rate, (cash - self.minimum) / price)))
        while shares and shares * price + self.commission(shares * price) > cash + 1e-9:
            shares -= 1  # the cent rounding of the commission can tip it over
        return shares


def run(dates, open_, close, wanted, cash: float, costs: CostModel, risk_free: float = 0.0) -> dict:
    """Backtest the 0/1 positions ``wanted`` (decided at each close) from ``cash``.

    Returns the equity and drawdown curves, the round-trip trades and the metrics (the
    Sharpe ratio over the annual ``risk_free`` rate).
    """
    open_, close = np.asarray(open_, dtype=float), np.asarray(close, dtype=float)
    held = np.concatenate(([0], np.asarray(wanted, dtype=np.int8)[:-1]))
    days = np.nonzero(np.diff(held, prepend=0))[0]
    shares_at, cash_at, trades = _trade(days, held, dates, open_, cash, costs)
    shares = step(len(close), days, shares_at, 0)
    cash_line = step(len(close), days, cash_at, cash)
    equity = cash_line + shares * close
    return {
        "equity": equity,
        "shares": shares,
        "trades": trades,
        **curve_metrics(equity, cash, risk_free),
        "exposure": float(np.mean(shares > 0)),
        "win_rate": _win_rate(trades),
        "commission": round(sum(t["commission"] for t in trades), 2),
    }


def _trade(days, held, dates, open_, cash, costs):
    shares, shares_at, cash_at, trades = 0, [], [], []
    for day in days:
        if held[day] and not shares:
            price = open_[day] * (1 + costs.slippage_bps / 1e4)
            count = costs.affordable(cash, price)
            if count:
                fee = costs.commission(count * price)
                cash -= count * price + fee
                shares = count
                trades.append(_entry(dates[day], price, count, fee))
        elif not held[day] and shares:
            price = open_[day] * (1 - costs.slippage_bps / 1e4)
            fee = costs.commission(shares * price)
            cash += shares * price - fee
            _exit(trades[-1], dates[day], price, fee)
            shares = 0
        shares_at.append(shares)
        cash_at.append(cash)
    return shares_at, cash_at, trades


def _entry(day, price: float, count: int, fee: float) -> dict:
    return {
        "entry_date": day,
        "entry_price": price,
        "shares": count,
        "cost": count * price + fee,
        "commission": fee,
        "exit_date": None,
        "exit_price": None,
        "pnl": None,
        "return": None,
    }


def _exit(trade: dict, day, price: float, fee: float) -> None:
    proceeds = trade["shares"] * price - fee
    trade |= {"exit_date": day, "exit_price": price, "commission": trade["commission"] + fee}
    trade["pnl"] = proceeds - trade["cost"]
    trade["return"] = trade["pnl"] / trade["cost"]


def step(length: int, days, values, initial) -> np.ndarray:
    """A piecewise-constant series: ``initial`` until days[0], then values[i] from days[i]."""
    out = np.full(length, float(initial))
    for day, value in zip(days, values, strict=True):
        out[day:] = value  # trades are few; each assignment is one vectorised fill
    return out


def _win_rate(trades: list[dict]) -> float | None:
    closed = [t for t in trades if t["pnl"] is not None]
    return sum(t["pnl"] > 0 for t in closed) / len(closed) if closed else None


def curve_metrics(equity: np.ndarray, cash: float, risk_free: float = 0.0) -> dict:
    """Total and annual return, volatility, Sharpe (over the annual ``risk_free`` rate) and
    drawdown of an equity curve."""
    returns = np.diff(np.concatenate(([cash], equity))) / np.concatenate(([cash], equity[:-1]))
    drawdown = risk.drawdown_curve(returns)
    daily = returns[1:]  # the first close is the starting cash: trading starts the next day
    vol = risk.annual_volatility(daily) if len(daily) > 1 else 0.0
    return {
        "drawdown": drawdown,
        "total_return": float(equity[-1] / cash - 1),
        "annual_return": risk.annual_return(daily),
        "annual_volatility": vol,
        "sharpe": risk.sharpe(daily, risk_free) if vol > 0 else None,
        "max_drawdown": float(drawdown.min()),
    }


def buy_and_hold(
    dates, open_, close, cash: float, costs: CostModel, risk_free: float = 0.0
) -> dict:
    """Buy with all cash at the first open a signal can trade (day two) and hold, same costs."""
    return run(dates, open_, close, np.ones(len(close), dtype=np.int8), cash, costs, risk_free)
