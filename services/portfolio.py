"""Positions valued at the latest quotes, and order and fill history with filters."""

from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models import Order, Portfolio, Transaction
from services import market, market_clock
from utils.pnl import day_change
from utils.trading import CENT


def positions(user) -> dict:
    """Open positions with market value and P&L, and the account's totals."""
    rows = db.session.scalars(
        select(Portfolio).where(Portfolio.user_id == user.user_id).order_by(Portfolio.ticker)
    ).all()
    held = [r for r in rows if r.quantity > 0]
    # DTS positions ("~ABC") have no market quote: they are valued at their cost.
    priced = [r.ticker for r in held if not r.ticker.startswith("~")]
    quotes = market.get_quotes(priced) if priced else {}
    today = bought_today(user.user_id) if held else {}
    items = [_position(row, quotes.get(row.ticker), today.get(row.ticker)) for row in held]
    market_value = sum((i["market_value"] for i in items), Decimal("0.00"))
    account = user.account
    return {
        "positions": items,
        "cash": account.total_balance,
        "available": account.available_balance,
        "frozen": account.frozen_balance,
        "market_value": market_value,
        "total_value": account.total_balance + market_value,
        "account_value": account.total_balance + market_value,
        "unrealized_pnl": sum((i["unrealized_pnl"] for i in items), Decimal("0.00")),
        "realized_pnl": sum((r.realized_pnl for r in rows), Decimal("0.00")),
        "day_change": sum((i["day_change"] or 0 for i in items), Decimal("0.00")),
    }


def bought_today(user_id: int) -> dict[str, tuple[int, Decimal]]:
    """Shares the user bought in today's session per ticker, and what they paid (no commission)."""
    stmt = (
        select(
            Transaction.ticker,
            func.sum(Transaction.transaction_quantity),
            func.sum(Transaction.transaction_amount),
        )
        .where(
            Transaction.user_id == user_id,
            Transaction.transaction_type == "buy",
            Transaction.transaction_time >= market_clock.session_start(),
        )
        .group_by(Transaction.ticker)
    )
    return {ticker: (int(qty), Decimal(value)) for ticker, qty, value in db.session.execute(stmt)}


def _position(row: Portfolio, quote, today: tuple[int, Decimal] | None = None) -> dict:
    price = quote.price if quote else row.average_price
    value = (price * row.quantity).quantize(CENT)
    unrealized = value - row.total_cost
    day = None
    if quote:
        qty, paid = today or (0, Decimal("0"))
        day = day_change(row.quantity, quote.price, quote.previous_close or None, qty, paid)
    return {
        "ticker": row.ticker,
        "quantity": row.quantity,
        "reserved_quantity": row.reserved_quantity,
        "average_price": row.average_price,
        "total_cost": row.total_cost,
        "price": price,
        "price_source": quote.source if quote else None,
        "price_stale": bool(quote.stale) if quote else True,
        "market_value": value,
        "unrealized_pnl": unrealized,
        "unrealized_pct": (unrealized / row.total_cost * 100).quantize(CENT)
        if row.total_cost
        else Decimal("0.00"),
        "realized_pnl": row.realized_pnl,
        "day_change": day,
    }


def orders_query(user_id: int | None, status=None, ticker=None, side=None):
    """A select of orders (newest first) with the brief's filters."""
    stmt = select(Order).order_by(Order.order_id.desc())
    if user_id is not None:
        stmt = stmt.where(Order.user_id == user_id)
    if status:
        stmt = stmt.where(Order.order_status == status)
    if ticker:
        stmt = stmt.where(Order.ticker == ticker.upper())
    if side:
        stmt = stmt.where(Order.order_type == side)
    return stmt


def fills_query(user_id: int, ticker=None, side=None):
    """A select of the user's fills, newest first."""
    stmt = select(Transaction).where(Transaction.user_id == user_id)
    if ticker:
        stmt = stmt.where(Transaction.ticker == ticker.upper())
    if side:
        stmt = stmt.where(Transaction.transaction_type == side)
    return stmt.order_by(Transaction.transaction_id.desc())
