"""Stored daily bars as NumPy arrays and pandas frames, and the benchmark's returns."""

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select

from extensions import db
from models import MarketData
from services import history, market
from services.analysis.cache import cached
from services.errors import ServiceError

GSPC = "^GSPC"
MIN_DAYS = 30


def bars(ticker: str, start: date | None = None, end: date | None = None) -> dict:
    """One ticker's stored bars (synced first if old) as float arrays plus ``dates``."""
    history.ensure_fresh(ticker)
    frame = _frame([ticker], start, end)
    if frame.empty:
        raise ServiceError(f"No stored history for {ticker} in that range.", field="ticker")
    out = {k: frame[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close", "volume")}
    out["dates"] = [d.isoformat() for d in frame["date"]]
    return out


def closes(tickers: list[str], start=None, end=None, field: str = "tickers") -> pd.DataFrame:
    """Closes of ``tickers`` on the days all of them traded (index: date, one column each)."""
    for ticker in tickers:
        try:
            history.ensure_fresh(ticker)
        except ServiceError as exc:
            raise ServiceError(f"{ticker}: {exc.message}", field=field) from None
    frame = _frame(tickers, start, end)
    table = frame.pivot(index="date", columns="ticker", values="close").dropna()
    missing = [t for t in tickers if t not in table.columns]
    if missing or len(table) < MIN_DAYS:
        who = ", ".join(missing) or ", ".join(tickers)
        raise ServiceError(
            f"Not enough common history ({MIN_DAYS}+ days) for {who} in that range.", field=field
        )
    return table[tickers]


def _frame(tickers: list[str], start, end) -> pd.DataFrame:
    cols = [MarketData.ticker, MarketData.date, MarketData.open, MarketData.high]
    cols += [MarketData.low, MarketData.close, MarketData.volume]
    stmt = select(*cols).where(MarketData.ticker.in_(tickers))
    if start:
        stmt = stmt.where(MarketData.date >= start)
    if end:
        stmt = stmt.where(MarketData.date <= end)
    rows = db.session.execute(stmt.order_by(MarketData.ticker, MarketData.date)).all()
    frame = pd.DataFrame(rows, columns=["ticker", "date", "open", "high", "low", "close", "volume"])
    for col in ("open", "high", "low", "close", "volume"):
        frame[col] = frame[col].astype(float)
    return frame


def benchmark() -> tuple[str, pd.Series]:
    """(name, daily simple returns by date) of the benchmark.

    With yfinance it is the S&P 500 index (^GSPC); offline, or if that fails, an
    equal-weight index of the bundled stocks (the mean of their daily returns).
    """
    provider = market.provider()
    if provider.name == "yfinance":
        try:
            series = closes([GSPC], field="benchmark")[GSPC]
            return "S&P 500 (^GSPC)", series.pct_change().dropna()
        except ServiceError:
            pass  # fall back to the equal-weight index
    names = sorted(provider.tickers())
    latest = db.session.scalar(select(db.func.max(MarketData.date)))
    return cached(("benchmark", provider.name, latest, tuple(names)), lambda: _equal(names))


def _equal(names: list[str]) -> tuple[str, pd.Series]:
    for ticker in names:
        history.ensure_fresh(ticker)
    frame = _frame(names, None, None)
    table = frame.pivot(index="date", columns="ticker", values="close")
    returns = table.pct_change(fill_method=None).iloc[1:].mean(axis=1, skipna=True)
    return f"Equal-weight index of the {len(names)} bundled stocks", returns.dropna()


def aligned(returns: pd.Series, bench: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The two return series on their common days, as arrays."""
    both = pd.concat([returns, bench], axis=1, join="inner").dropna()
    return both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
