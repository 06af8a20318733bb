"""Daily bars in the market_data table: synced from the provider, served by period.

The JSON answer of a ticker and period is kept by the process for
HISTORY_CACHE_SECONDS: stored bars change only when a sync replaces them, a sync in
this process drops its ticker's answers at once, and one in another process is seen
here at most that much later.
"""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from extensions import db
from models import MarketData, MarketTicker
from services.db import transaction
from services.errors import ServiceError, Unavailable
from services.market import provider
from services.upsert import upsert
from utils.clock import utcnow
from utils.market_data import MarketDataError, UnknownTicker
from utils.market_data.base import period_start

ANSWERS = "paperdesk_history_answers"  # app.extensions key of the process's Answers


def sync(tickers: list[str], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Replace each ticker's stored bars with the provider's full history.

    Replacing (not merging) matters for the simulated market, whose bars are
    re-dated to end yesterday and so move by a day each day. Returns bars stored.
    """
    stored = {}
    for ticker in tickers:
        db.session.commit()  # hold no lock while the provider answers
        try:
            bars = provider().history(ticker, "max")
        except UnknownTicker as exc:
            raise ServiceError(str(exc), field="ticker") from None
        with transaction():
            db.session.execute(delete(MarketData).where(MarketData.ticker == ticker))
            upsert(MarketData, [_row(ticker, bar) for bar in bars], ["ticker", "date"])
            upsert(MarketTicker, [{"ticker": ticker, "history_synced_at": utcnow()}], ["ticker"])
        stored[ticker] = len(bars)
        _answers().forget(ticker)
        if progress:
            progress(ticker)
    return stored


def _row(ticker: str, bar) -> dict:
    return {
        "ticker": ticker,
        "date": bar.date,
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": bar.close,
        "adj_close": bar.adj_close,
        "volume": bar.volume,
        "data_collected_at": utcnow(),
    }


_sync_locks: dict[str, threading.Lock] = {}
_sync_locks_guard = threading.Lock()


def _sync_lock(ticker: str) -> threading.Lock:
    with _sync_locks_guard:
        return _sync_locks.setdefault(ticker, threading.Lock())


def _synced_at(ticker: str):
    return db.session.scalar(
        select(MarketTicker.history_synced_at).where(MarketTicker.ticker == ticker)
    )


def _is_fresh(synced_at) -> bool:
    max_age = timedelta(seconds=current_app.config["HISTORY_MAX_AGE"])
    return synced_at is not None and utcnow() - synced_at < max_age


def ensure_fresh(ticker: str) -> bool:
    """Sync a ticker whose history is missing or older than HISTORY_MAX_AGE.

    One sync of a ticker at a time per process: requests that find it stale while
    another thread syncs it wait for that sync and use its bars instead of fetching
    and rewriting the same history again. Returns False when a needed sync failed and
    older stored bars must serve (stale).
    """
    synced_at = _synced_at(ticker)
    if _is_fresh(synced_at):
        return True
    db.session.commit()  # wait holding no transaction; then see what was committed meanwhile
    with _sync_lock(ticker):
        synced_at = _synced_at(ticker)
        if _is_fresh(synced_at):
            return True
        try:
            sync([ticker])
            return True
        except MarketDataError:
            if synced_at is None:
                raise Unavailable(f"No history for {ticker} is available right now.") from None
            return False


def bars(ticker: str, period: str) -> tuple[list[MarketData], bool]:
    """Stored daily bars of ``ticker`` within ``period``, oldest first, and whether stale."""
    fresh = ensure_fresh(ticker)
    last = db.session.scalar(
        select(MarketData.date)
        .where(MarketData.ticker == ticker)
        .order_by(MarketData.date.desc())
        .limit(1)
    )
    if last is None:
        return [], not fresh
    stmt = select(MarketData).where(MarketData.ticker == ticker)
    start = period_start(period, last)
    if start is not None:
        stmt = stmt.where(MarketData.date >= start)
    return list(db.session.scalars(stmt.order_by(MarketData.date))), not fresh


def bar_json(row: MarketData) -> dict:
    """The JSON shape of a daily bar (prices as strings)."""
    return {
        "date": row.date.isoformat(),
        "open": str(row.open),
        "high": str(row.high),
        "low": str(row.low),
        "close": str(row.close),
        "adj_close": str(row.adj_close),
        "volume": row.volume,
    }


def bars_answer(ticker: str, period: str) -> tuple[list[dict], bool]:
    """The JSON shapes of ``bars(ticker, period)`` and whether they are stale; a fresh
    answer is served again from this process's memory for HISTORY_CACHE_SECONDS.
    The list is shared between requests: read it, never change it."""
    answers = _answers()
    found = answers.get((ticker, period))
    if found is not None:
        return found, False
    rows, stale = bars(ticker, period)
    shaped = [bar_json(r) for r in rows]
    if not stale:
        answers.put((ticker, period), shaped)
    return shaped, stale


class Answers:
    """(ticker, period) -> shaped bars, each kept for ``seconds`` after it was read."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, list]] = {}

    def get(self, key: tuple) -> list | None:
        """The answer stored for ``key`` less than ``seconds`` ago, else None."""
        hit = self._entries.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.seconds:
            return None
        return hit[1]

    def put(self, key: tuple, shaped: list) -> None:
        """Keep ``shaped`` for ``key`` (nothing is kept when ``seconds`` is 0)."""
        if self.seconds > 0:
            with self._lock:
                self._entries[key] = (time.monotonic(), shaped)

    def forget(self, ticker: str) -> None:
        """Drop every answer for ``ticker``."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == ticker]:
                del self._entries[key]


def _answers() -> Answers:
    found = current_app.extensions.get(ANSWERS)
    if found is None:
        seconds = current_app.config["HISTORY_CACHE_SECONDS"]
        found = current_app.extensions.setdefault(ANSWERS, Answers(seconds))
    return found
