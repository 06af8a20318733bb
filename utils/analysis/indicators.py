"""Technical indicators over daily bars, computed by TA-Lib (VWAP, which TA-Lib lacks, here).

Each indicator has bounded parameters (``SPECS``); ``compute`` returns NumPy arrays the
length of the input with NaN where the indicator is not yet defined.
"""

from dataclasses import dataclass

import numpy as np
import talib


@dataclass(frozen=True)
class Param:
    """One indicator parameter: its default and inclusive bounds."""

    default: float
    low: float
    high: float
    integer: bool = True


SPECS: dict[str, dict[str, Param]] = {
    "sma": {"sma_period": Param(20, 2, 250)},
    "ema": {"ema_period": Param(20, 2, 250)},
    "rsi": {"rsi_period": Param(14, 2, 100)},
    "macd": {
        "macd_fast": Param(12, 2, 100),
        "macd_slow": Param(26, 3, 200),
        "macd_signal": Param(9, 1, 100),
    },
    "bbands": {"bb_period": Param(20, 2, 250), "bb_dev": Param(2.0, 0.5, 5.0, integer=False)},
    "atr": {"atr_period": Param(14, 1, 100)},
    "stoch": {
        "stoch_k": Param(14, 1, 100),
        "stoch_smooth": Param(3, 1, 50),
        "stoch_d": Param(3, 1, 50),
    },
    "obv": {},
    "vwap": {"vwap_period": Param(20, 1, 250)},
}

OUTPUTS = {
    "macd": ("macd", "macd_signal", "macd_hist"),
    "bbands": ("bb_upper", "bb_middle", "bb_lower"),
    "stoch": ("stoch_k", "stoch_d"),
}


def defaults(name: str) -> dict:
    """The default parameters of indicator ``name``."""
    return {key: spec.default for key, spec in SPECS[name].items()}


def vwap(high, low, close, volume, period: int) -> np.ndarray:
    """Rolling volume-weighted average of the typical price (H+L+C)/3 over ``period`` bars."""
    typical = (high + low + close) / 3.0
    weighted = np.cumsum(np.concatenate(([0.0], typical * volume)))
    volumes = np.cumsum(np.concatenate(([0.0], volume)))
    out = np.full(len(close), np.nan)
    if len(close) >= period:
        total = volumes[period:] - volumes[:-period]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[period - 1 :] = (weighted[period:] - weighted[:-period]) / total
    return out


def compute(name: str, bars: dict[str, np.ndarray], params: dict) -> dict[str, np.ndarray]:
    """Indicator ``name`` over ``bars`` (float64 arrays open/high/low/close/volume).

    ``params`` holds the indicator's parameters (see SPECS). Returns {series name: array}.
    """
    high, low, close, volume = (bars[k] for k in ("high", "low", "close", "volume"))
    p = {**defaults(name), **params}
    if name == "sma":
        return {"sma": talib.SMA(close, timeperiod=int(p["sma_period"]))}
    if name == "ema":
        return {"ema": talib.EMA(close, timeperiod=int(p["ema_period"]))}
    if name == "rsi":
        return {"rsi": talib.RSI(close, timeperiod=int(p["rsi_period"]))}
    if name == "macd":
        out = talib.MACD(
            close,
            fastperiod=int(p["macd_fast"]),
            slowperiod=int(p["macd_slow"]),
            signalperiod=int(p["macd_signal"]),
        )
    elif name == "bbands":
        dev = float(p["bb_dev"])
        out = talib.BBANDS(close, timeperiod=int(p["bb_period"]), nbdevup=dev, nbdevdn=dev)
    elif name == "atr":
        return {"atr": talib.ATR(high, low, close, timeperiod=int(p["atr_period"]))}
    elif name == "stoch":
        out = talib.STOCH(
            high,
            low,
            close,
            fastk_period=int(p["stoch_k"]),
            slowk_period=int(p["stoch_smooth"]),
            slowd_period=int(p["stoch_d"]),
        )
    elif name == "obv":
        return {"obv": talib.OBV(close, volume)}
    elif name == "vwap":
        return {"vwap": vwap(high, low, close, volume, int(p["vwap_period"]))}
    else:
        raise KeyError(name)
    return dict(zip(OUTPUTS[name], out, strict=True))


def to_json(values: np.ndarray, digits: int = 4) -> list:
    """A series as a JSON list: rounded floats, None where not defined."""
    rounded = np.round(values.astype(float), digits)
    return [None if np.isnan(v) else float(v) for v in rounded]
