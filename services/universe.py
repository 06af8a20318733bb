"""Which tickers the worker follows, and users' watchlists.

The active universe is what someone cares about now: the admin's universe, the
tickers on any watchlist, those held or with open orders, and those viewed in
the last VIEW_WINDOW seconds.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from extensions import db
from models import (
    OPEN_STATUSES,
    AutoRule,
    MarketTicker,
    Order,
    Portfolio,
    PriceAlert,
    WatchlistItem,
)
from services import audit, market
from services.db import lock_person, transaction
from services.errors import ServiceError
from services.upsert import upsert
from utils.clock import utcnow
from utils.market_data.catalog import normalise_symbol

log = logging.getLogger("paperdesk.market")
DTS_PREFIX = "~"  # services.dts.book.TICKER_PREFIX (services.dts imports this module's users)


def active_universe() -> list[str]:
    """Every ticker the worker should price this tick, sorted."""
    since = utcnow() - timedelta(seconds=current_app.config["VIEW_WINDOW"])
    queries = [
        select(MarketTicker.ticker).where(MarketTicker.in_universe.is_(True)),
        select(MarketTicker.ticker).where(MarketTicker.last_viewed_at >= since),
        select(WatchlistItem.ticker).distinct(),
        select(Portfolio.ticker).where(Portfolio.quantity > 0).distinct(),
        select(Order.ticker).where(Order.order_status.in_(OPEN_STATUSES)).distinct(),
        select(AutoRule.ticker).where(AutoRule.active.is_(True)).distinct(),
        select(PriceAlert.ticker).where(PriceAlert.fired_at.is_(None)).distinct(),
    ]
    tickers: set[str] = set()
    for query in queries:
        tickers.update(db.session.scalars(query))
    # DTS symbols ("~ABC") are priced by the DTS quote source, not the market provider.
    return sorted(t for t in tickers if not t.startswith(DTS_PREFIX))


def universe() -> list[MarketTicker]:
    """The admin's universe, with when each ticker's history was last refreshed."""
    stmt = select(MarketTicker).where(MarketTicker.in_universe.is_(True))
    return list(db.session.scalars(stmt.order_by(MarketTicker.ticker)))


def set_in_universe(admin, ticker: str, included: bool, ip: str | None = None) -> None:
    """Add a (validated) ticker to the admin's universe, or take it out."""
    with transaction():
        upsert(MarketTicker, [{"ticker": ticker, "in_universe": included}], ["ticker"])
        action = "universe.add" if included else "universe.remove"
        audit.record(admin, action, ("ticker", None), {"ticker": ticker}, ip)


def seed_universe(tickers: list[str]) -> None:
    """Put the given tickers in the universe the first time PaperDesk runs: normalised
    (" msft" is MSFT), and only those the provider can price (the others are logged)."""
    if db.session.scalar(select(MarketTicker.ticker).limit(1)) is not None:
        return
    symbols = sorted({normalise_symbol(t) for t in tickers if str(t).strip()})
    unknown = [s for s in symbols if s not in market.known_tickers()]
    if unknown:
        log.warning("universe: not seeding tickers the provider cannot price: %s", unknown)
    rows = [{"ticker": t, "in_universe": True} for t in symbols if t not in unknown]
    if rows:
        with transaction():
            upsert(MarketTicker, rows, ["ticker"])


def seed_default_universe() -> None:
    """seed_universe with the configured MARKET_UNIVERSE (comma-separated)."""
    seed_universe(current_app.config["MARKET_UNIVERSE"].split(","))


def mark_viewed(ticker: str) -> None:
    """Note that someone is looking at ``ticker`` (written at most every 30 s per process)."""
    now = utcnow()
    written = current_app.extensions.setdefault("paperdesk_view_writes", {})
    last = written.get(ticker)
    if last is not None and timedelta(0) <= now - last < timedelta(seconds=30):
        return
    with transaction():
        upsert(MarketTicker, [{"ticker": ticker, "last_viewed_at": now}], ["ticker"])
    written[ticker] = now


def watchlist(user_id: int) -> list[str]:
    """The user's watched tickers in the order they were added."""
    stmt = select(WatchlistItem.ticker).where(WatchlistItem.user_id == user_id)
    return list(db.session.scalars(stmt.order_by(WatchlistItem.item_id)))


def watch(user, ticker: str) -> None:
    """Add a (validated) ticker to the user's watchlist; adding twice is harmless."""
    limit = current_app.config["WATCHLIST_MAX"]
    with transaction():
        lock_person(user)  # two adds at once see each other: no duplicate, no cap overrun
        current = watchlist(user.user_id)
        if ticker in current:
            return
        if len(current) >= limit:
            raise ServiceError(f"A watchlist holds at most {limit} tickers.", field="ticker")
        db.session.add(WatchlistItem(user_id=user.user_id, ticker=ticker))


def unwatch(user, ticker: str) -> None:
    """Remove a ticker from the user's watchlist."""
    with transaction():
        db.session.execute(
            delete(WatchlistItem).where(
                WatchlistItem.user_id == user.user_id, WatchlistItem.ticker == ticker
            )
        )
