"""Quote-then-commit: a price held for QUOTE_HOLD_SECONDS; a commit in time fills at it."""

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import Portfolio, QuoteHold
from services import audit, market, market_clock
from services.db import lock_one, transaction
from services.errors import Conflict, NotFound, ServiceError, Unavailable
from services.execution import costs
from services.orders import OrderSpec, check_shares, lock_trader, place_locked
from utils.clock import utcnow
from utils.money import format_money
from utils.trading import buy_cost, gross, shares_for_amount


def hold(
    user,
    ticker: str,
    side: str,
    quantity: int | None,
    amount: Decimal | None,
    ip: str | None = None,
) -> QuoteHold:
    """Quote a market order and hold the price; refuse at once what the user cannot afford,
    and refuse while the exchange is closed (a market order placed then waits for the open)
    or while the price is stale (the provider is down: a market order is refused then too)."""
    ticker = market.check_ticker(ticker)
    if not market_clock.is_open():
        opens = market_clock.status()["et"]
        raise ServiceError(
            f"The market is closed until {opens}: a price cannot be held now. A market order "
            "placed now waits for the open.",
            field="ticker",
        )
    quote = market.get_quote(ticker)
    if quote.stale:
        raise Unavailable(f"No current price for {ticker}; try again shortly.")
    price = costs().slipped(quote.price, side)
    shares = quantity or shares_for_amount(amount, price, costs(), side)
    if shares < 1:
        raise ServiceError(f"${amount} buys no whole share at ${price}.", field="amount")
    check_shares(shares, "quantity" if quantity else "amount")
    _check_means(user, ticker, side, shares, price)
    with transaction():
        held = QuoteHold(
            user_id=user.user_id,
            ticker=ticker,
            order_type=side,
            quantity=quantity,
            amount=amount,
            price=price,
            source=quote.source,
            status="held",
            expires_at=utcnow() + timedelta(seconds=current_app.config["QUOTE_HOLD_SECONDS"]),
        )
        db.session.add(held)
        db.session.flush()
        audit.record(user, "quote.hold", ("quote_hold", held.hold_id), {"price": price}, ip)
    return held


def _check_means(user, ticker: str, side: str, shares: int, price: Decimal) -> None:
    if side == "buy":
        need = buy_cost(price, shares, costs())
        if user.account.available_balance < need:
            raise ServiceError(
                f"Insufficient funds: this quote needs ${format_money(need)}.", field="quantity"
            )
        return
    held = db.session.scalar(
        select(Portfolio).where(Portfolio.user_id == user.user_id, Portfolio.ticker == ticker)
    )
    free = held.quantity - held.reserved_quantity if held else 0
    if free < shares:
        raise ServiceError(f"You have {free} shares of {ticker} free to sell.", field="quantity")


def summary(held: QuoteHold) -> dict:
    """What a commit of the hold would do: shares, value, commission and cash total."""
    shares = held.quantity or shares_for_amount(held.amount, held.price, costs(), held.order_type)
    value = gross(held.price, shares)
    commission = costs().commission(value)
    total = value + commission if held.order_type == "buy" else value - commission
    return {
        "shares": shares,
        "gross": value,
        "commission": commission,
        "total": total,
        "hold_seconds": current_app.config["QUOTE_HOLD_SECONDS"],
    }


def commit(user, hold_id: int, ip: str | None = None):
    """Fill a held quote at its price; refused once the hold has expired or was used.

    Claiming the hold, placing the order and filling it are one transaction: a crash
    anywhere inside leaves the hold as it was, usable until it expires.
    """
    held = _mine(user, hold_id)
    spec = OrderSpec(
        ticker=held.ticker,
        side=held.order_type,
        kind="market",
        quantity=held.quantity,
        amount=held.amount,
        source="quote",
    )
    quote = market.get_quote(held.ticker)
    with transaction():
        account, position = lock_trader(user.user_id, held.ticker)
        claimed = _claim(hold_id)
        if claimed is None:
            order = None
        else:
            order = place_locked(user, account, position, spec, quote, ip, fill_price=held.price)
            claimed.status = "committed"
            claimed.order_id = order.order_id
    if order is None:
        _expire(hold_id)
    return order


def _claim(hold_id: int) -> QuoteHold | None:
    """Lock the hold (after the account and position): None when it has expired."""
    claimed = lock_one(QuoteHold, QuoteHold.hold_id == hold_id)
    if claimed.status != "held":
        raise Conflict(f"This quote was already {claimed.status}.")
    return claimed if claimed.expires_at > utcnow() else None


def _expire(hold_id: int) -> None:
    """Mark an expired hold so, and refuse its commit."""
    _move(hold_id, "held", "expired")
    raise ServiceError(
        "This quote has expired (quotes are held for "
        f"{current_app.config['QUOTE_HOLD_SECONDS']} s); ask for a new one."
    )


def cancel(user, hold_id: int, ip: str | None = None) -> QuoteHold:
    """Drop a held quote."""
    _mine(user, hold_id)
    with transaction():
        held = lock_one(QuoteHold, QuoteHold.hold_id == hold_id)
        if held.status != "held":
            raise Conflict(f"This quote was already {held.status}.")
        held.status = "cancelled"
        audit.record(user, "quote.cancel", ("quote_hold", hold_id), None, ip)
    return held


def _mine(user, hold_id: int) -> QuoteHold:
    held = db.session.get(QuoteHold, hold_id)
    if held is None or held.user_id != user.user_id:
        raise NotFound("No such quote.")
    return held


def _move(hold_id: int, from_status: str, to_status: str) -> None:
    with transaction():
        held = lock_one(QuoteHold, QuoteHold.hold_id == hold_id)
        if held.status == from_status:
            held.status = to_status
