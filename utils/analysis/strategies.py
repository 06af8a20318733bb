"""Trading signals for backtests: the position wanted at each day's close (1 long, 0 flat).

Every signal on day t uses data up to and including day t only; the backtest trades it
at day t+1's open. Stateful rules (enter on one condition, leave on another) hold their
last decision until the other condition fires.
"""

import numpy as np
import talib

from utils.analysis.indicators import Param

SPECS: dict[str, dict[str, Param]] = {
    "sma_cross": {"fast": Param(20, 2, 200), "slow": Param(50, 3, 400)},
    "rsi": {
        "period": Param(14, 2, 100),
        "lower": Param(30, 1, 99, integer=False),
        "upper": Param(70, 1, 99, integer=False),
    },
    "bollinger": {"period": Param(20, 2, 250), "dev": Param(2.0, 0.5, 5.0, integer=False)},
    "dip_rise": {
        "window": Param(5, 2, 100),
        "dip_pct": Param(2.0, 0.1, 50.0, integer=False),
        "rise_pct": Param(2.0, 0.1, 50.0, integer=False),
    },
}

NAMES = {
    "sma_cross": "Moving-average crossover",
    "rsi": "RSI thresholds",
    "bollinger": "Bollinger mean reversion",
    "dip_rise": "Buy the dip, sell the rise (short moving average)",
}


def hold(enter: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """A 0/1 position that turns on where ``enter`` fires and off where ``leave`` fires."""
    events = np.where(enter, 1.0, np.where(leave, 0.0, np.nan))
    filled = np.nan_to_num(_ffill(events), nan=0.0)
    return filled.astype(np.int8)


def _ffill(values: np.ndarray) -> np.ndarray:
    index = np.where(np.isnan(values), 0, np.arange(len(values)))
    np.maximum.accumulate(index, out=index)
    return values[index]  # leading NaNs stay NaN: index 0 points at one


def signal(name: str, close: np.ndarray, params: dict) -> np.ndarray:
    """The position wanted at each close under strategy ``name`` with ``params``."""
    p = {**{k: s.default for k, s in SPECS[name].items()}, **params}
    with np.errstate(invalid="ignore"):
        if name == "sma_cross":
            fast = talib.SMA(close, timeperiod=int(p["fast"]))
            slow = talib.SMA(close, timeperiod=int(p["slow"]))
            return (fast > slow).astype(np.int8)
        if name == "rsi":
            rsi = talib.RSI(close, timeperiod=int(p["period"]))
            return hold(rsi < p["lower"], rsi > p["upper"])
        if name == "bollinger":
            _, middle, lower = talib.BBANDS(
                close, timeperiod=int(p["period"]), nbdevup=p["dev"], nbdevdn=p["dev"]
            )
            return hold(close < lower, close > middle)
        if name == "dip_rise":
            average = talib.SMA(close, timeperiod=int(p["window"]))
            enter = close < average * (1 - p["dip_pct"] / 100)
            leave = close > average * (1 + p["rise_pct"] / 100)
            return hold(enter, leave)
    raise KeyError(name)
