"""Bundled daily bars as float arrays, for the pure analysis tests."""

from functools import cache
from pathlib import Path

import numpy as np

from utils.market_data.bars import bundled_tickers, load_bars

DATA = Path(__file__).resolve().parents[1] / "data" / "prices"


@cache
def bars(ticker: str) -> dict[str, np.ndarray]:
    """open/high/low/close/volume as float64 arrays, and the dates."""
    rows = load_bars(DATA / f"{ticker}_data.csv")
    out = {
        k: np.array([float(getattr(r, k)) for r in rows])
        for k in ("open", "high", "low", "close", "volume")
    }
    out["dates"] = [r.date for r in rows]
    return out


def tickers() -> list[str]:
    return bundled_tickers(DATA)


def equal_weight_returns(names: list[str]) -> np.ndarray:
    """Mean daily simple return of the named tickers over their common last days."""
    closes = [bars(t)["close"] for t in names]
    n = min(len(c) for c in closes)
    rets = np.array([c[-n:][1:] / c[-n:][:-1] - 1 for c in closes])
    return rets.mean(axis=0)
