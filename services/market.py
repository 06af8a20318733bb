"""Market data for PaperDesk: the configured provider, quotes, daily history, fundamentals.

The quote table is the cache every process shares: a quote younger than QUOTE_TTL
is served from it; an older one is fetched again (in one provider call for all
the tickers asked). When the provider fails, stored data is served marked stale.

In front of the table each process keeps the quotes it last read, keyed by the
row's version (``fetched_at``, which every store moves): for PRICE_CACHE_SECONDS
after a read a quote is served from memory with no query; after that one Core
query reads the rows again, and a quote whose version has not moved is reused
as it was parsed. A process that stores quotes (the worker) updates its own copy.
"""

import logging
import time
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, select

from extensions import db
from models import LatestQuote
from services import market_clock
from services.db import read_rows, transaction
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
            built = make_provider(name, seed=cfg["MARKET_SEED"], hours=market_clock.hours())
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


def known_tickers() -> frozenset[str]:
    """Every symbol the provider can price (built once per provider)."""
    built, extensions = provider(), current_app.extensions
    held = extensions.get("paperdesk_known_tickers")
    if held is None or held[0] is not built:
        held = extensions["paperdesk_known_tickers"] = (built, frozenset(built.tickers()))
    return held[1]


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


class Cached(NamedTuple):
    quote: Quote
    version: object  # the row's fetched_at
    read_at: float  # time.monotonic() of the read that confirmed it


QUOTES = LatestQuote.__table__
READ_QUOTES = select(QUOTES).where(QUOTES.c.ticker.in_(bindparam("tickers", expanding=True)))


def _cache() -> dict[str, Cached]:
    return current_app.extensions.setdefault("paperdesk_quote_cache", {})


def get_quotes(tickers: list[str]) -> dict[str, Quote]:
    """Quotes no older than QUOTE_TTL: from this process's copy while it is recent, else
    from the quote table in one query, else fetched from the provider and stored."""
    cfg = current_app.config
    fresh_since = utcnow() - timedelta(seconds=cfg["QUOTE_TTL"])
    cache, now = _cache(), time.monotonic()
    found, unread = {}, []
    for ticker in tickers:
        hit = cache.get(ticker)
        if hit and now - hit.read_at < cfg["PRICE_CACHE_SECONDS"] and hit.version >= fresh_since:
            found[ticker] = hit.quote
        else:
            unread.append(ticker)
    if unread:
        found.update(_read_quotes(unread, fresh_since, now))
    missing = [t for t in tickers if t not in found]
    if missing:
        found.update(refresh_quotes(missing))
    return found


def _read_quotes(tickers: list[str], fresh_since, now: float) -> dict[str, Quote]:
    cache, found = _cache(), {}
    for row in read_rows(READ_QUOTES, {"tickers": tickers}):
        hit = cache.get(row.ticker)
        quote = hit.quote if hit and hit.version == row.fetched_at else _from_row(row)
        cache[row.ticker] = Cached(quote, row.fetched_at, now)
        if row.fetched_at >= fresh_since:
            found[row.ticker] = quote
    return found


def get_quote(ticker: str) -> Quote:
    """One ticker's quote (see get_quotes)."""
    quote = get_quotes([ticker]).get(ticker)
    if quote is None:
        raise Unavailable(f"No price for {ticker} is available right now.")
    return quote


def refresh_quotes(tickers: list[str]) -> dict[str, Quote]:
    """Ask the provider for all ``tickers`` in one call and store the answers.

    If the provider fails, the stored quotes are returned marked stale; so are those of
    the tickers it left out of an answer.
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
    missing = [t for t in tickers if t not in quotes]
    return quotes | stored_quotes(missing) if missing else quotes


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
    cache, read_at = _cache(), time.monotonic()
    for row in rows:  # as a read of the stored row would give it
        cache[row["ticker"]] = Cached(_from_row(SimpleNamespace(**row)), now, read_at)


def _from_row(row) -> Quote:
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
