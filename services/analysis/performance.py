"""The account's own performance: equity against the benchmark, drawdown, time-weighted
return and the risk metrics of its daily returns."""

import math

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import AccountValuation, CashLedger
from services.analysis import data, valuation
from services.analysis.cache import cached
from utils.analysis import performance, risk
from utils.clock import utcnow
from utils.market_data.hours import is_trading_day, previous_trading_day

# Fewer valued days than this make an annualised return or a risk figure noise (a 1 % day
# annualises to over 1,000 %), so they are left out until the history is longer.
MIN_RISK_DAYS = 20


def account(user_id: int, rebuild: bool = False) -> dict:
    """The account's curves and figures; the stored valuation is rebuilt when behind: a
    day short, or older than the account's latest cash movement (a deposit, a fill)."""
    stored = valuation.stored(user_id)
    today = pd.Timestamp(utcnow().date())
    behind = stored.empty or pd.Timestamp(stored.index[-1]) < _last_trading_day(today)
    if rebuild or behind or _moved_since_valued(user_id):
        valuation.rebuild(user_id)
        stored = valuation.stored(user_id)
    last_entry = db.session.scalar(
        select(func.max(CashLedger.entry_id)).where(CashLedger.user_id == user_id)
    )
    key = ("performance", user_id, last_entry, str(stored.index[-1]) if len(stored) else None)
    return cached(key, lambda: _figures(stored, valuation.fund_flows(user_id)))


def _moved_since_valued(user_id: int) -> bool:
    # >=: MySQL keeps whole seconds, so a row in the valuation's second may be after it
    valued = db.session.scalar(
        select(func.max(AccountValuation.computed_at)).where(AccountValuation.user_id == user_id)
    )
    moved = db.session.scalar(
        select(func.max(CashLedger.created_at)).where(CashLedger.user_id == user_id)
    )
    return moved is not None and valued is not None and moved >= valued


def _last_trading_day(day: pd.Timestamp) -> pd.Timestamp:
    if is_trading_day(day.date()):
        return day
    return pd.Timestamp(previous_trading_day(day.date()))


def _figures(stored: pd.DataFrame, flows_in_out: tuple[float, float]) -> dict:
    if stored.empty:
        return {"dates": [], "days": 0, "message": "No deposits yet: nothing to value."}
    values, flows = stored["total_value"].to_numpy(), stored["net_flow"].to_numpy()
    daily = performance.daily_returns(values, flows)
    twr = performance.time_weighted_return(values, flows)
    index = np.cumprod(1.0 + daily)
    name, bench = data.benchmark()
    dates = pd.to_datetime(stored.index)
    b = bench.copy()
    b.index = pd.to_datetime(b.index)
    b = b.reindex(dates).fillna(0.0).to_numpy().copy()
    b[0] = 0.0
    enough = len(daily) > MIN_RISK_DAYS
    out = {
        "dates": [d.date().isoformat() for d in dates],
        "days": len(dates),
        "value": _list(values, 2),
        "cash": _list(stored["cash"].to_numpy(), 2),
        "net_flow": _list(flows, 2),
        "twr_index": _list(index, 6),
        "benchmark_index": _list(np.cumprod(1.0 + b), 6),
        "benchmark": name,
        "drawdown": _list(index / np.maximum.accumulate(index) - 1.0, 6),
        "time_weighted_return": twr,
        "annualised_twr": performance.annualised(twr, len(dates)) if enough else None,
        "deposits": flows_in_out[0],
        "withdrawals": flows_in_out[1],
        "metrics": None,
    }
    if enough and np.std(daily[1:]) > 0:
        rf = current_app.config["RISK_FREE_RATE"]
        m = risk.metrics(daily[1:], b[1:], rf)
        drop = ("peak", "trough", "recovery")
        out["metrics"] = {k: _finite(v) for k, v in m.items() if k not in drop}
        out["metrics"]["rating"] = risk.rating(m["annual_volatility"])
    return out


def _finite(value):
    # a Sortino with no losing day is infinite, which JSON cannot carry: null, as on the risk page
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _list(values, digits: int) -> list:
    return [round(float(v), digits) for v in values]
