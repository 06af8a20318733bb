"""Risk limits checked before an order is stored: a maximum order value, a maximum value
traded per user per day, and a band around the market outside which a limit price is
taken for a typing slip ("fat finger"). Each is a setting; 0 turns it off.

Called once, from services.orders.place_locked, with the account already locked, so two
orders at once cannot both slip under the daily limit. The daily limit counts the orders
still open with the day's fills: the worker fills them later without another check.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import OPEN_STATUSES, LatestQuote, Order, Transaction
from services.errors import ServiceError
from utils.clock import utcnow
from utils.money import format_money
from utils.trading import trailing_stop

CENT = Decimal("0.01")
_EXEMPT: ContextVar[bool] = ContextVar("risk_exempt", default=False)


@contextmanager
def exempt() -> Iterator[None]:
    """No risk limits inside the block: the Day Trading System engine trades on its own
    rules (its workloads are replayed as written), not the platform's user limits."""
    token = _EXEMPT.set(True)
    try:
        yield
    finally:
        _EXEMPT.reset(token)


def check(user_id: int, spec, market_price: Decimal, fill_price: Decimal | None = None) -> None:
    """Refuse (400, naming the field) an order that breaks a limit; return None if it fits."""
    if _EXEMPT.get():
        return
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
        _check_daily(user_id, spec, value, daily)


def _check_daily(user_id: int, spec, value: Decimal, daily: Decimal) -> None:
    """The day's fills, the orders still open (which may fill later without another
    check) and this order must fit in the daily limit together."""
    done, waiting = traded_today(user_id), open_order_value(user_id)
    if done + waiting + value <= daily:
        return
    left = max(daily - done - waiting, Decimal("0"))
    open_part = f" (and ${format_money(waiting)} in open orders)" if waiting else ""
    raise ServiceError(
        f"Daily trading limit: you have traded ${format_money(done)} today{open_part} of "
        f"${format_money(daily)}; this order (about ${format_money(value)}) needs more than "
        f"the ${format_money(left)} left.",
        field="amount" if spec.amount is not None else "quantity",
    )


def order_value(spec, market_price: Decimal) -> Decimal:
    """The order's value: its dollar amount, or its shares at the price it can fill at
    as far as is known now (see ``expected_price``)."""
    if spec.amount is not None:
        return Decimal(spec.amount)
    price = expected_price(spec, market_price)
    return (Decimal(spec.quantity) * price).quantize(CENT, ROUND_HALF_UP)


def expected_price(spec, market_price: Decimal) -> Decimal:
    """The price an order fills at, given the market now: a limit or a stop that the
    market already crosses fills at the market, a resting one at its limit or stop, a
    stop-limit at its limit; market orders and trailing sells at the market, and a
    trailing buy at its first stop (the market plus the trail), where it is reserved."""
    buy = spec.side == "buy"
    if spec.kind == "trailing_stop" and buy:
        return trailing_stop(market_price, "buy", spec.trail_amount, spec.trail_percent)
    if spec.kind == "stop_limit":
        return spec.limit
    if spec.kind == "limit":
        return min(spec.limit, market_price) if buy else max(spec.limit, market_price)
    if spec.kind == "stop":
        return max(spec.stop, market_price) if buy else min(spec.stop, market_price)
    return market_price


def traded_today(user_id: int) -> Decimal:
    """The value of the user's fills since midnight UTC."""
    start = datetime.combine(utcnow().date(), time())
    total = db.session.scalar(
        select(func.sum(Transaction.transaction_amount)).where(
            Transaction.user_id == user_id, Transaction.transaction_time >= start
        )
    )
    return Decimal(total or 0)


def open_order_value(user_id: int) -> Decimal:
    """What the user's open orders may still trade: the shares left of each at its limit
    or stop price, else at the last price of its ticker."""
    rows = db.session.execute(
        select(
            Order.order_quantity - Order.filled_quantity,
            Order.order_price,
            Order.stop_price,
            LatestQuote.price,
        )
        .outerjoin(LatestQuote, LatestQuote.ticker == Order.ticker)
        .where(Order.user_id == user_id, Order.order_status.in_(OPEN_STATUSES))
    )
    total = sum(
        (left * (limit or stop or last or 0) for left, limit, stop, last in rows), Decimal("0")
    )
    return total.quantize(CENT, ROUND_HALF_UP)


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
