"""Risk limits checked before an order is stored: a maximum order value, a maximum value
traded per user per day, and a band around the market outside which a limit price is
taken for a typing slip ("fat finger"). Each is a setting; 0 turns it off.

Called once, from services.orders.place_locked, with the account already locked, so two
orders at once cannot both slip under the daily limit.
"""

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import Transaction
from services.errors import ServiceError
from utils.clock import utcnow
from utils.money import format_money

CENT = Decimal("0.01")


def check(user_id: int, spec, market_price: Decimal, fill_price: Decimal | None = None) -> None:
    """Refuse (400, naming the field) an order that breaks a limit; return None if it fits."""
    cfg = current_app.config
    _check_band(spec, market_price, Decimal(cfg["RISK_PRICE_BAND_PERCENT"]))
    value = order_value(spec, fill_price or market_price)
    largest = Decimal(cfg["RISK_MAX_ORDER_VALUE"])
    if largest and value > largest:
        raise ServiceError(
            f"This order is worth about ${format_money(value)}; one order may be worth at "
            f"most ${format_money(largest)}.",
            field="amount" if spec.amount is not None else "quantity",
        )
    daily = Decimal(cfg["RISK_MAX_DAILY_VALUE"])
    if daily:
        done = traded_today(user_id)
        if done + value > daily:
            left = max(daily - done, Decimal("0"))
            raise ServiceError(
                f"Daily trading limit: you have traded ${format_money(done)} today of "
                f"${format_money(daily)}; this order (about ${format_money(value)}) needs more "
                f"than the ${format_money(left)} left.",
                field="amount" if spec.amount is not None else "quantity",
            )


def order_value(spec, market_price: Decimal) -> Decimal:
    """The order's value: its dollar amount, or its shares at its limit (else the market)."""
    if spec.amount is not None:
        return Decimal(spec.amount)
    price = spec.limit or spec.stop or market_price
    return (Decimal(spec.quantity) * price).quantize(CENT, ROUND_HALF_UP)


def traded_today(user_id: int) -> Decimal:
    """The value of the user's fills since midnight UTC."""
    start = datetime.combine(utcnow().date(), time())
    total = db.session.scalar(
        select(func.sum(Transaction.transaction_amount)).where(
            Transaction.user_id == user_id, Transaction.transaction_time >= start
        )
    )
    return Decimal(total or 0)


def _check_band(spec, market_price: Decimal, percent: Decimal) -> None:
    if not percent or spec.limit is None or not market_price:
        return
    distance = abs(spec.limit - market_price) / market_price * 100
    if distance > percent:
        low = market_price * (1 - percent / 100)
        high = market_price * (1 + percent / 100)
        raise ServiceError(
            f"The limit price ${format_money(spec.limit)} is {distance:.0f}% from the market "
            f"(${format_money(market_price)}); limit prices must be within {percent}% "
            f"(${format_money(low)} to ${format_money(high)}).",
            field="price",
        )
