"""What a new price does to the resting orders of its ticker.

The orders a price triggers are found with two indexed range queries on
(ticker, trigger_dir, trigger_price), so a tick costs in proportion to the orders
it triggers, not to all pending orders. Each triggered order is then acted on in
its own transaction, re-checked under its locks.
"""

import logging
import math

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from extensions import db
from models import OPEN_STATUSES, Order
from services.db import transaction
from services.execution import lock_for_order, release
from services.orders import act
from utils.clock import utcnow
from utils.trading import GE, LE, trailing_stop

log = logging.getLogger("paperdesk.matching")


def triggered(ticker: str, price) -> list[tuple[int, int]]:
    """(order_id, user_id) of the open orders of ``ticker`` that ``price`` crosses, oldest first.

    One query: two ranges of the index (ticker, trigger_dir, trigger_price).
    """
    stmt = (
        select(Order.order_id, Order.user_id)
        .where(
            Order.ticker == ticker,
            or_(
                and_(Order.trigger_dir == LE, Order.trigger_price >= price),
                and_(Order.trigger_dir == GE, Order.trigger_price <= price),
            ),
        )
        .order_by(Order.order_id)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def triggered_ids(ticker: str, price) -> list[int]:
    """The ids of the orders ``price`` triggers (see triggered)."""
    return [order_id for order_id, _ in triggered(ticker, price)]


def follow_trailing_stops(ticker: str, price) -> int:
    """Move the water mark (and so the stop) of trailing orders the price has passed.

    Sells follow a new high, buys a new low: one query on the index
    (ticker, order_execution_type, order_type, water_mark), then one batched UPDATE.
    """
    rows = db.session.execute(
        select(Order.order_id, Order.order_type, Order.trail_amount, Order.trail_percent).where(
            Order.ticker == ticker,
            Order.order_execution_type == "trailing_stop",
            or_(
                and_(Order.order_type == "sell", Order.water_mark < price),
                and_(Order.order_type == "buy", Order.water_mark > price),
            ),
            Order.stop_triggered.is_(False),
            Order.trigger_dir.is_not(None),
        )
    ).all()
    moved = [
        {
            "oid": r.order_id,
            "mark": price,
            "stop": trailing_stop(price, r.order_type, r.trail_amount, r.trail_percent),
        }
        for r in rows
    ]
    if moved:
        stmt = (
            update(Order.__table__)
            .where(
                Order.order_id == bindparam("oid"),
                Order.trigger_dir.is_not(None),
                Order.stop_triggered.is_(False),
            )
            .values(
                water_mark=bindparam("mark"),
                stop_price=bindparam("stop"),
                trigger_price=bindparam("stop"),
            )
        )
        with transaction():
            db.session.execute(stmt, moved)
    return len(moved)


def on_price(ticker: str, price, volume: int | None = None) -> int:
    """Follow trailing stops, then act on every order the price triggers; returns fills."""
    follow_trailing_stops(ticker, price)
    budget = _volume_budget(volume)
    filled_orders = 0
    for order_id, user_id in triggered(ticker, price):
        if budget is not None and budget < 1:
            break
        filled = _isolated(order_id, _act_on, order_id, (user_id, ticker), price, budget) or 0
        filled_orders += filled > 0
        if budget is not None:
            budget -= filled
    return filled_orders


def _act_on(order_id: int, owner, price, budget) -> int:
    with transaction():
        account, position, order = lock_for_order(order_id, owner)
        return act(account, position, order, price, budget) if order.is_open else 0


def _isolated(order_id: int, work, *args):
    # One order that fails (a bug, a lock timeout) must not stop the rest of the tick.
    try:
        return work(*args)
    except Exception:
        log.exception("order %s: matching failed; it is retried on the next price", order_id)
        db.session.rollback()
        return None


def _volume_budget(volume: int | None) -> int | None:
    # With partial fills on, a tick fills at most a share of the volume it traded.
    if not current_app.config["PARTIAL_FILLS"] or volume is None:
        return None
    return math.floor(volume * current_app.config["PARTIAL_FILL_SHARE"])


def expire_due() -> int:
    """Expire open day orders whose session has closed, releasing their reservations."""
    due = db.session.scalars(
        select(Order.order_id).where(
            Order.expires_at <= utcnow(), Order.order_status.in_(OPEN_STATUSES)
        )
    ).all()
    for order_id in due:
        _isolated(order_id, _expire, order_id)
    return len(due)


def _expire(order_id: int) -> None:
    with transaction():
        account, position, order = lock_for_order(order_id)
        if order.is_open:
            release(account, position, order, "expired", "Day order expired at the close.")
