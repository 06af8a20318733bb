"""Market data for PaperDesk: the configured provider, quotes, daily history, fundamentals.

The quote table is the cache every process shares: a quote younger than QUOTE_TTL
is served from it; an older one is fetched again (in one provider call for all
the tickers asked). When the provider fails, stored data is served marked stale.
"""

import logging
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import LatestQuote
from services.db import transaction
from services.errors import ServiceError, Unavailable
from services.upsert import upsert
from utils.clock import utcnow
from utils.market_data import (
    MarketDataError,
    MarketDataProvider,
    Quote,
    UnknownPeriod,
    UnknownTicker,
    make_provider,
    normalise_symbol,
)
from utils.market_data import search as catalog_search
from utils.market_data.base import check_period
from utils.market_data.catalog import is_valid_symbol

log = logging.getLogger("paperdesk.market")
PERCENT = Decimal("0.0001")


def provider() -> MarketDataProvider:
    """The app's provider, built once from MARKET_DATA_PROVIDER."""
    app = current_app._get_current_object()
    built = app.extensions.get("paperdesk_provider")
    if built is None:
        cfg = app.config
        name = cfg["MARKET_DATA_PROVIDER"]
        if name == "yfinance":
            built = make_provider(name, timeout=cfg["YFINANCE_TIMEOUT"], cache_ttl=cfg["QUOTE_TTL"])
        else:
            built = make_provider(name, seed=cfg["MARKET_SEED"])
        app.extensions["paperdesk_provider"] = built
    return built


def check_ticker(raw) -> str:
    """Return the normalised symbol if the provider can price it, else raise a 400."""
    symbol = normalise_symbol(raw if isinstance(raw, str) else "")
    if not symbol or not is_valid_symbol(symbol):
        raise ServiceError("Give a ticker symbol such as AAPL.", field="ticker")
    if symbol not in known_tickers():
        raise ServiceError(f"Unknown ticker '{symbol}'.", field="ticker")
    return symbol


def known_tickers() -> set[str]:
    """Every symbol the provider can price."""
    return set(provider().tickers())


def search(query: str, limit: int = 10) -> list:
    """Catalog entries matching ``query`` by symbol or name, limited to priceable tickers."""
    query = (query or "").strip()
    if not query:
        return []
    known = known_tickers()
    return [e for e in catalog_search(query, limit=60) if e.symbol in known][:limit]


def check_period_arg(raw) -> str:
    """Return a valid history period, or raise a 400 naming the choices."""
    try:
        return check_period(raw or "1y")
    except UnknownPeriod as exc:
        raise ServiceError(str(exc), field="period") from None


def get_quotes(tickers: list[str]) -> dict[str, Quote]:
    """Quotes no older than QUOTE_TTL: from the quote table, else fetched and stored."""
    fresh_since = utcnow() - timedelta(seconds=current_app.config["QUOTE_TTL"])
    rows = db.session.scalars(
        select(LatestQuote).where(
            LatestQuote.ticker.in_(tickers), LatestQuote.fetched_at >= fresh_since
        )
    )
    found = {row.ticker: _from_row(row) for row in rows}
    missing = [t for t in tickers if t not in found]
    if missing:
        found.update(refresh_quotes(missing))
    return found


def get_quote(ticker: str) -> Quote:
    """One ticker's quote (see get_quotes)."""
    quote = get_quotes([ticker]).get(ticker)
    if quote is None:
        raise Unavailable(f"No price for {ticker} is available right now.")
    return quote


def refresh_quotes(tickers: list[str]) -> dict[str, Quote]:
    """Ask the provider for all ``tickers`` in one call and store the answers.

    If the provider fails, the stored quotes are returned marked stale.
    """
    db.session.commit()  # end any read transaction: hold no lock while the provider answers
    try:
        quotes = provider().quotes(tickers)
    except UnknownTicker as exc:
        raise ServiceError(str(exc), field="ticker") from None
    except MarketDataError as exc:
        log.warning("quotes unavailable from %s: %s", provider().name, exc)
        return stored_quotes(tickers)
    store_quotes(quotes.values())
    return quotes


def stored_quotes(tickers: list[str]) -> dict[str, Quote]:
    """The last stored quote of each ticker, marked stale."""
    rows = db.session.scalars(select(LatestQuote).where(LatestQuote.ticker.in_(tickers)))
    return {row.ticker: replace(_from_row(row), stale=True) for row in rows}


def store_quotes(quotes) -> None:
    """Upsert quotes into the quote table in one transaction."""
    now = utcnow()
    rows = [
        {
            "ticker": q.ticker,
            "price": q.price,
            "open": q.open,
            "high": q.high,
            "low": q.low,
            "previous_close": q.previous_close,
            "volume": q.volume,
            "source": q.source,
            "stale": q.stale,
            "as_of": q.as_of,
            "fetched_at": now,
        }
        for q in quotes
    ]
    with transaction():
        upsert(LatestQuote, rows, ["ticker"])


def _from_row(row: LatestQuote) -> Quote:
    change = row.price - row.previous_close if row.previous_close else None
    percent = (change / row.previous_close * 100).quantize(PERCENT) if change is not None else None
    return Quote(
        ticker=row.ticker,
        price=row.price,
        open=row.open,
        high=row.high,
        low=row.low,
        previous_close=row.previous_close,
        change=change,
        change_percent=percent,
        volume=row.volume,
        as_of=row.as_of,
        source=row.source,
        stale=row.stale,
    )
