"""Market data: daily bars and fundamentals, keyed by (ticker, date)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Percent, Price, Ratio
from utils.clock import utcnow


class MarketData(db.Model):
    __tablename__ = "market_data"

    ticker: Mapped[str] = mapped_column(String(10), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    open: Mapped[Decimal | None] = mapped_column(Price)
    high: Mapped[Decimal | None] = mapped_column(Price)
    low: Mapped[Decimal | None] = mapped_column(Price)
    close: Mapped[Decimal | None] = mapped_column(Price)
    adj_close: Mapped[Decimal | None] = mapped_column(Price)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    data_collected_at: Mapped[datetime] = mapped_column(default=utcnow)


class FundamentalData(db.Model):
    __tablename__ = "fundamental_data"

    ticker: Mapped[str] = mapped_column(String(10), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    market_cap: Mapped[int | None] = mapped_column(BigInteger)
    pe_ratio: Mapped[Decimal | None] = mapped_column(Ratio)
    pb_ratio: Mapped[Decimal | None] = mapped_column(Ratio)
    dividend_yield: Mapped[Decimal | None] = mapped_column(Percent)
    revenue: Mapped[int | None] = mapped_column(BigInteger)
    net_income: Mapped[int | None] = mapped_column(BigInteger)
    eps: Mapped[Decimal | None] = mapped_column(Ratio)
    data_collected_at: Mapped[datetime] = mapped_column(default=utcnow)


class LatestQuote(db.Model):
    """The latest quote per ticker, written by the worker and read by every process."""

    __tablename__ = "quote"

    ticker: Mapped[str] = mapped_column(String(10), primary_key=True)
    price: Mapped[Decimal] = mapped_column(Price)
    open: Mapped[Decimal | None] = mapped_column(Price)
    high: Mapped[Decimal | None] = mapped_column(Price)
    low: Mapped[Decimal | None] = mapped_column(Price)
    previous_close: Mapped[Decimal | None] = mapped_column(Price)
    volume: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16))
    stale: Mapped[bool] = mapped_column(default=False)
    as_of: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(index=True)


class Candle(db.Model):
    """An OHLCV candle; the open one (is_closed false) is rewritten each tick."""

    __tablename__ = "candle"

    ticker: Mapped[str] = mapped_column(String(10), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    open: Mapped[Decimal] = mapped_column(Price)
    high: Mapped[Decimal] = mapped_column(Price)
    low: Mapped[Decimal] = mapped_column(Price)
    close: Mapped[Decimal] = mapped_column(Price)
    volume: Mapped[int] = mapped_column(BigInteger)
    trades: Mapped[int]
    is_closed: Mapped[bool] = mapped_column(default=True)


class MarketTicker(db.Model):
    """A ticker PaperDesk follows: in the admin's universe, or recently viewed."""

    __tablename__ = "market_ticker"

    ticker: Mapped[str] = mapped_column(String(10), primary_key=True)
    in_universe: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime | None] = mapped_column(index=True)
    history_synced_at: Mapped[datetime | None]


class WatchlistItem(db.Model):
    __tablename__ = "watchlist_item"
    __table_args__ = (UniqueConstraint("user_id", "ticker"),)

    item_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkerLease(db.Model):
    """The worker lease: one holder at a time, taken over when its heartbeat expires."""

    __tablename__ = "worker_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_tick_at: Mapped[datetime | None]
    ticks: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    ticks_per_second: Mapped[float | None]
