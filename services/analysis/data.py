"""Stored daily bars as NumPy arrays and pandas frames, and the benchmark's returns."""

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from extensions import db
from models import MarketData
from services import history, market
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.clock import utcnow

GSPC = "^GSPC"
MIN_DAYS = 30


def bars(ticker: str, start: date | None = None, end: date | None = None) -> dict:
    """One ticker's stored bars (synced first if old) as float arrays plus ``dates``."""
    _current(ticker)
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
            _current(ticker)
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

    With yfinance it is the S&P 500 index (^GSPC) from stored bars; offline, or if that
    fails, an equal-weight index of the provider's stocks (the mean of their daily
    returns), computed from the provider's own bars so that no 30 syncs stand in the
    way of the first analysis.
    """
    provider = market.provider()
    if provider.name == "yfinance":
        try:
            series = closes([GSPC], field="benchmark")[GSPC]
            return "S&P 500 (^GSPC)", series.pct_change().dropna()
        except ServiceError:
            pass  # fall back to the equal-weight index
    names = sorted(provider.tickers())
    key = ("benchmark", provider.name, utcnow().date(), tuple(names))
    return cached(key, lambda: _equal(provider, names))


def _equal(provider, names: list[str]) -> tuple[str, pd.Series]:
    columns = {}
    for ticker in names:
        rows = provider.history(ticker, "max")
        columns[ticker] = pd.Series(
            [float(b.close) for b in rows], index=[b.date for b in rows], dtype=float
        )
    table = pd.DataFrame(columns).sort_index()
    returns = table.pct_change(fill_method=None).iloc[1:].mean(axis=1, skipna=True)
    return f"Equal-weight index of the {len(names)} bundled stocks", returns.dropna()


def _current(ticker: str) -> None:
    """Sync a ticker's stored bars unless they end where the provider's history ends.

    The simulated market re-dates its bars to end yesterday, so bars stored on an
    earlier day would sit one trading day off the benchmark computed from it today.
    """
    history.ensure_fresh(ticker)
    provider = market.provider()
    if provider.name != "sim":
        return
    stored = db.session.scalar(select(func.max(MarketData.date)).where(MarketData.ticker == ticker))
    if stored != provider.history(ticker, "5d")[-1].date:
        history.sync([ticker])


def aligned(returns: pd.Series, bench: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The two return series on their common days, as arrays."""
    both = pd.concat([returns, bench], axis=1, join="inner").dropna()
    return both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
