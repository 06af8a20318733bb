"""The trader's desk: everything the dashboard shows, gathered in one place."""

from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, FundTransaction, Order
from services import market, market_clock, portfolio, universe
from services.sparklines import closes

OPEN_ORDERS_SHOWN = 10
FILLS_SHOWN = 5


def desk(user) -> dict:
    """The account value, today's P&L, buying power, positions, open orders, watchlist,
    recent fills, market status and the new user's next step."""
    book = portfolio.positions(user)
    watched = universe.watchlist(user.user_id)
    open_orders = list(
        db.session.scalars(
            portfolio.orders_query(user.user_id)
            .where(Order.order_status.in_(OPEN_STATUSES))
            .limit(OPEN_ORDERS_SHOWN)
        )
    )
    fills = list(db.session.scalars(portfolio.fills_query(user.user_id).limit(FILLS_SHOWN)))
    return {
        "book": book,
        "todays_pnl": book["day_change"],
        "buying_power": book["available"],
        "open_orders": open_orders,
        "fills": fills,
        "watchlist": watchlist(watched),
        "market": market_clock.status(),
        "next_step": next_step(user, book, bool(open_orders or fills)),
    }


def watchlist(tickers: list[str]) -> list[dict]:
    """Each watched ticker's quote and the closes its sparkline draws."""
    if not tickers:
        return []
    quotes = market.get_quotes(tickers)
    return [
        {"ticker": t, "quote": quotes.get(t), "closes": closes(t)} for t in tickers if t in quotes
    ]


def next_step(user, book: dict, has_traded: bool) -> str | None:
    """What a new user should do next: "fund", "wait" (a deposit awaits approval),
    "trade" (cash but no trades yet), or None once they are trading."""
    if has_traded or book["positions"]:
        return None
    if book["cash"] > Decimal("0"):
        return "trade"
    pending = db.session.scalar(
        select(FundTransaction.transaction_id).where(
            FundTransaction.user_id == user.user_id,
            FundTransaction.transaction_type == "deposit",
            FundTransaction.status == "pending",
        )
    )
    return "wait" if pending else "fund"
