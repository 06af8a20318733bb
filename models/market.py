"""Market data: daily bars and fundamentals, keyed by (ticker, date)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Price
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
    pe_ratio: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pb_ratio: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    dividend_yield: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    revenue: Mapped[int | None] = mapped_column(BigInteger)
    net_income: Mapped[int | None] = mapped_column(BigInteger)
    eps: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    data_collected_at: Mapped[datetime] = mapped_column(default=utcnow)
