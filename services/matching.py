"""What a new price does to the resting orders of its ticker.

The orders a price triggers are found with two indexed range queries on
(ticker, trigger_dir, trigger_price), so a tick costs in proportion to the orders
it triggers, not to all pending orders. They are then acted on in arrival order,
in batches of FILL_BATCH_SIZE: one transaction locks the batch's accounts,
positions and orders (services.locks.lock_batch), re-checks each order under those
locks, and writes all the fills with a few statements. If a batch fails as a whole
(a bug, a lock timeout), its orders are retried one per transaction, so one bad
order never stops the others and each fill stays all-or-nothing.
"""

import logging
import math

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from extensions import db
from models import OPEN_STATUSES, Order
from services import locks
from services.db import transaction
from services.execution import expire, lock_for_order
from services.orders import act
from services.rows import pending
from utils.clock import utcnow
from utils.trading import GE, LE, trailing_stop

log = logging.getLogger("paperdesk.matching")


ORD = Order.__table__
TRIGGERED = (
    select(ORD.c.order_id, ORD.c.user_id)
    .where(
        ORD.c.ticker == bindparam("ticker"),
        or_(
            and_(ORD.c.trigger_dir == LE, ORD.c.trigger_price >= bindparam("price")),
            and_(ORD.c.trigger_dir == GE, ORD.c.trigger_price <= bindparam("price")),
        ),
    )
    .order_by(ORD.c.order_id)
)
# Moved in ascending order_id, the order in which every transaction that locks several
# orders (an account reset, a batch of fills) takes them, so they cannot deadlock.
TRAILING = (
    select(ORD.c.order_id, ORD.c.order_type, ORD.c.trail_amount, ORD.c.trail_percent)
    .where(
        ORD.c.ticker == bindparam("ticker"),
        ORD.c.order_execution_type == "trailing_stop",
        or_(
            and_(ORD.c.order_type == "sell", ORD.c.water_mark < bindparam("price")),
            and_(ORD.c.order_type == "buy", ORD.c.water_mark > bindparam("price")),
        ),
        ORD.c.stop_triggered.is_(False),
        ORD.c.trigger_dir.is_not(None),
    )
    .order_by(ORD.c.order_id)
)
# The mark moves only forward: a worker that read the stops before another moved them
# (two at once, the lease lost mid-tick) must not pull a stop back to its older price.
MOVE_TRAIL = (
    update(ORD)
    .where(
        or_(
            and_(ORD.c.order_type == "sell", ORD.c.water_mark < bindparam("mark")),
            and_(ORD.c.order_type == "buy", ORD.c.water_mark > bindparam("mark")),
        ),
        ORD.c.order_id == bindparam("oid"),
        ORD.c.trigger_dir.is_not(None),
        ORD.c.stop_triggered.is_(False),
    )
    .values(
        water_mark=bindparam("mark"),
        stop_price=bindparam("stop"),
        trigger_price=bindparam("stop"),
    )
)


def triggered(ticker: str, price) -> list[tuple[int, int]]:
    """(order_id, user_id) of the open orders of ``ticker`` that ``price`` crosses, oldest first.

    One query: two ranges of the index (ticker, trigger_dir, trigger_price).
    """
    rows = db.session.connection().execute(TRIGGERED, {"ticker": ticker, "price": price})
    return [tuple(row) for row in rows]


def triggered_ids(ticker: str, price) -> list[int]:
    """The ids of the orders ``price`` triggers (see triggered)."""
    return [order_id for order_id, _ in triggered(ticker, price)]


def follow_trailing_stops(ticker: str, price) -> int:
    """Move the water mark (and so the stop) of trailing orders the price has passed.

    Sells follow a new high, buys a new low: one query on the index
    (ticker, order_execution_type, order_type, water_mark), then one batched UPDATE.
    """
    params = {"ticker": ticker, "price": price}
    rows = db.session.connection().execute(TRAILING, params).all()
    moved = [
        {
            "oid": r.order_id,
            "mark": price,
            "stop": trailing_stop(price, r.order_type, r.trail_amount, r.trail_percent),
        }
        for r in rows
    ]
    if moved:
        with transaction():
            db.session.connection().execute(MOVE_TRAIL, moved)
    return len(moved)


def on_price(ticker: str, price, volume: int | None = None) -> int:
    """Follow trailing stops, then act on every order the price triggers, oldest first,
    in batches; returns the number of orders that filled. With partial fills, orders
    after the tick's volume is spent fill nothing but are still acted on: a stop the
    price went through is triggered."""
    follow_trailing_stops(ticker, price)
    budget = _volume_budget(volume)
    found = triggered(ticker, price)
    size = max(1, current_app.config["FILL_BATCH_SIZE"])
    filled_orders = 0
    for start in range(0, len(found), size):
        chunk = found[start : start + size]
        done = _isolated(chunk[0][0], _fill_batch, ticker, chunk, price, budget)
        if done is None:
            done = _one_by_one(ticker, chunk, price, budget)
        filled_orders += done[0]
        if budget is not None:
            budget = max(budget - done[1], 0)
    return filled_orders


def _fill_batch(ticker: str, chunk, price, budget) -> tuple[int, int]:
    """Act on the chunk's orders in one transaction; (orders filled, shares filled)."""
    with transaction():
        accounts, positions, orders = locks.lock_batch(db.session, ticker, dict(chunk))
        filled = shares = 0
        for order_id, user_id in chunk:
            order = orders.get(order_id)
            if order is None or not order.is_open:
                continue  # cancelled or filled since it was found
            position = positions.get(user_id) or pending(db.session).new_position(user_id, ticker)
            left = None if budget is None else max(budget - shares, 0)
            done = act(accounts[user_id], position, order, price, left)
            filled += done > 0
            shares += done
    return filled, shares


def _one_by_one(ticker: str, chunk, price, budget) -> tuple[int, int]:
    filled = shares = 0
    for order_id, user_id in chunk:
        left = None if budget is None else max(budget - shares, 0)
        done = _isolated(order_id, _act_on, order_id, (user_id, ticker), price, left) or 0
        filled += done > 0
        shares += done
    return filled, shares


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
    due = db.session.execute(
        select(Order.order_id, Order.user_id, Order.ticker).where(
            Order.expires_at <= utcnow(), Order.order_status.in_(OPEN_STATUSES)
        )
    ).all()
    for order_id, user_id, ticker in due:
        _isolated(order_id, _expire, order_id, (user_id, ticker))
    return len(due)


def _expire(order_id: int, owner) -> None:
    with transaction():
        account, position, order = lock_for_order(order_id, owner)
        if order.is_open:
            expire(account, position, order)
