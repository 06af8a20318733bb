"""Candles in the database: closed ones kept, the open one rewritten every tick."""

from sqlalchemy import delete, or_, select

from extensions import db
from models import Candle as CandleRow
from services.db import transaction
from services.upsert import upsert
from utils.candles import Candle
from utils.clock import epoch, iso_utc

KEYS = ["ticker", "interval_seconds", "window_start"]


def _row(candle: Candle, closed: bool) -> dict:
    return {
        "ticker": candle.ticker,
        "interval_seconds": candle.interval,
        "window_start": candle.window_start,
        "open": candle.open,
        "high": candle.high,
        "low": candle.low,
        "close": candle.close,
        "volume": candle.volume,
        "trades": candle.trades,
        "is_closed": closed,
    }


# A window written before by another worker (the lease moved in the middle of it) keeps
# its open and the extremes of both; counts take the larger (each worker writes its own
# running totals again every tick, so adding them would count twice).
MERGE = {
    "open": None,
    "high": lambda stored, new, greatest, least: greatest(stored, new),
    "low": lambda stored, new, greatest, least: least(stored, new),
    "volume": lambda stored, new, greatest, least: greatest(stored, new),
    "trades": lambda stored, new, greatest, least: greatest(stored, new),
}


def store(closed: list[Candle], open_candles: list[Candle]) -> None:
    """Persist closed candles and the current open ones, in one transaction."""
    rows = [_row(c, True) for c in closed] + [_row(c, False) for c in open_candles]
    with transaction():
        upsert(CandleRow, rows, KEYS, MERGE)


def _latest_first(ticker: str, interval: int, closed: bool):
    return (
        select(CandleRow)
        .where(
            CandleRow.ticker == ticker,
            CandleRow.interval_seconds == interval,
            CandleRow.is_closed.is_(closed),
        )
        .order_by(CandleRow.window_start.desc())
    )


def recent(ticker: str, interval: int, limit: int) -> list[CandleRow]:
    """The latest ``limit`` closed candles, oldest first: those the worker closed, and one
    a worker that stopped left open after its window ended (it can change no more)."""
    stmt = (
        select(CandleRow)
        .where(
            CandleRow.ticker == ticker,
            CandleRow.interval_seconds == interval,
            or_(CandleRow.is_closed.is_(True), CandleRow.window_start <= epoch() - interval),
        )
        .order_by(CandleRow.window_start.desc())
    )
    return list(reversed(db.session.scalars(stmt.limit(limit)).all()))


def current(ticker: str, interval: int) -> CandleRow | None:
    """The open candle for a ticker and interval, if the worker has one: a candle whose
    window has ended was left open by a worker that stopped, and is none."""
    row = db.session.scalar(_latest_first(ticker, interval, False).limit(1))
    return row if row is not None and row.window_start + interval > epoch() else None


def prune(retention: dict[int, int]) -> int:
    """Delete candles older than their interval's retention (seconds); return rows deleted."""
    now = epoch()
    deleted = 0
    with transaction():
        for interval, keep_seconds in retention.items():
            cutoff = int(now - keep_seconds)
            deleted += db.session.execute(
                delete(CandleRow).where(
                    CandleRow.interval_seconds == interval, CandleRow.window_start < cutoff
                )
            ).rowcount
    return deleted


def as_json(row) -> dict:
    """The JSON shape of a candle: prices as strings, time as epoch seconds and ISO UTC."""
    return {
        "time": row.window_start,
        "start": iso_utc(row.window_start),
        "open": str(row.open),
        "high": str(row.high),
        "low": str(row.low),
        "close": str(row.close),
        "volume": row.volume,
        "closed": bool(row.is_closed) or row.window_start + row.interval_seconds <= epoch(),
    }
