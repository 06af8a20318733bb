"""Company profile, fundamentals and statements, with stored fundamentals as the fallback."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import FundamentalData
from services.db import transaction
from services.errors import Unavailable
from services.market import provider
from services.upsert import upsert
from utils.market_data import Fundamentals, MarketDataError, ProviderUnavailable
from utils.market_data.base import Statement

COLUMNS = ("market_cap", "pe_ratio", "pb_ratio", "dividend_yield", "revenue", "net_income", "eps")


def fundamentals(ticker: str) -> Fundamentals:
    """The provider's fundamentals, stored when available; the stored ones (stale) if it fails."""
    try:
        result = provider().fundamentals(ticker)
    except MarketDataError:
        stored = _stored(ticker)
        if stored is None:
            raise Unavailable(f"No fundamentals for {ticker} are available right now.") from None
        return stored
    if result.available:
        _store(result)
    return result


def _store(result: Fundamentals) -> None:
    row = {"ticker": result.ticker, "date": result.as_of_date or date.today()}
    for column in COLUMNS:
        value = getattr(result, column)
        row[column] = int(value) if value is not None and column in _INTEGERS else value
    with transaction():
        upsert(FundamentalData, [row], ["ticker", "date"])


_INTEGERS = {"market_cap", "revenue", "net_income"}


def _stored(ticker: str) -> Fundamentals | None:
    row = db.session.scalar(
        select(FundamentalData)
        .where(FundamentalData.ticker == ticker)
        .order_by(FundamentalData.date.desc())
        .limit(1)
    )
    if row is None:
        return None
    values = {c: _decimal(getattr(row, c)) for c in COLUMNS}
    return Fundamentals(
        ticker=ticker,
        as_of_date=row.date,
        available=True,
        source="stored",
        note="served from PaperDesk's store: the provider is unavailable",
        stale=True,
        **values,
    )


def _decimal(value):
    return None if value is None else Decimal(value)


def statement(ticker: str, kind: str) -> Statement:
    """A balance sheet or income statement from the provider (503 when it is away)."""
    fetch = provider().balance_sheet if kind == "balance_sheet" else provider().income_statement
    try:
        return fetch(ticker)
    except ProviderUnavailable:
        raise Unavailable(f"The {kind.replace('_', ' ')} of {ticker} is unavailable.") from None


def as_json(result) -> dict:
    """Dataclass to JSON-ready dict: Decimals and dates as strings."""
    return _plain(asdict(result))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value
