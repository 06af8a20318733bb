"""Firing armed DTS triggers: the engine's record-based fill path (services.orders.act,
the same the worker's matching uses) on rows locked in the fixed order, after a
command of the trigger's user (in a run) or on the worker's tick, both logged alike."""

import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, bindparam, or_, select

from extensions import db
from models import User
from services import direct, locks
from services.db import transaction
from services.dts import numbers
from services.dts.book import ORD, TICKER_PREFIX, symbol
from services.dts.quotes import QuoteError
from services.orders import act
from services.rows import pending
from utils.clock import utcnow
from utils.trading import GE, LE, crosses

log = logging.getLogger("paperdesk.dts")
USERS = User.__table__
ARMED = (
    select(ORD.c.order_id, ORD.c.ticker, ORD.c.trigger_dir, ORD.c.trigger_price, ORD.c.order_type)
    .where(
        ORD.c.user_id == bindparam("user_id"),
        ORD.c.source == "dts",
        ORD.c.trigger_dir.is_not(None),
    )
    .order_by(ORD.c.order_id)
)


def armed(user_id: int) -> list:
    """The user's armed DTS triggers, in the order they were placed."""
    return direct.run(db.session.connection(), ARMED, {"user_id": user_id}).all()


def due(ctx, rows, name: str) -> bool:
    """Whether the current quote meets any of the triggers ``rows``."""
    return any(_hit(ctx, row, name) is not None for row in rows)


def _hit(ctx, row, name: str):
    try:
        hit = ctx.quotes.quote(symbol(row.ticker), name, utcnow())
    except QuoteError:
        return None
    return hit if crosses(row.trigger_dir, row.trigger_price, hit.price) else None


def fire(ctx, cmd, user_id: int, name: str) -> int:
    """Fire every armed trigger of the user whose condition the current quote meets, in
    the order they were set up (SET_*_AMOUNT). Returns how many fired."""
    fired = 0
    for row in ctx.armed_triggers(user_id):
        hit = _hit(ctx, row, name)
        if hit is not None:
            fired += _fire_one(ctx, cmd, user_id, name, row, hit)
    return fired


def _fire_one(ctx, cmd, user_id: int, name: str, row, hit) -> int:
    account, position, order = locks.lock_trader(db.session, user_id, row.ticker, row.order_id)
    if order is None or not order.is_open or order.trigger_dir is None:
        return 0
    if position is None:
        position = pending(db.session).new_position(user_id, row.ticker)
    reserved = order.reserved_cash
    shares = act(account, position, order, hit.price)
    sym = symbol(row.ticker)
    command = "SET_BUY_TRIGGER" if row.order_type == "buy" else "SET_SELL_TRIGGER"
    value = (hit.price * shares).quantize(Decimal("0.01"))
    ctx.log.quote(cmd, hit, name)
    note = f"{row.order_type} trigger fired: {shares} shares at {hit.price}"
    if not shares:
        note = f"{row.order_type} trigger closed: {order.remark}"
    ctx.log.system(cmd, name, command, sym, value, note)
    commission = order.total_commission  # of this fill: a trigger fills in one piece
    if row.order_type == "buy":
        paid = value + commission
        if shares:  # a trigger closed unfilled removed nothing: it only releases
            ctx.log.account(cmd, name, "remove", paid)
        if reserved - paid:
            ctx.log.account(cmd, name, "release", reserved - paid)
    elif shares:
        ctx.log.account(cmd, name, "add", value - commission)
    return 1


ARMED_TICKERS = (
    select(ORD.c.ticker)
    .where(
        ORD.c.ticker.like(TICKER_PREFIX + "%"),
        ORD.c.trigger_dir.is_not(None),
        ORD.c.source == "dts",
    )
    .distinct()
)
DUE = (
    select(
        ORD.c.order_id,
        ORD.c.user_id,
        ORD.c.ticker,
        ORD.c.trigger_dir,
        ORD.c.trigger_price,
        ORD.c.order_type,
        USERS.c.user_name,
    )
    .join(USERS, USERS.c.user_id == ORD.c.user_id)
    .where(  # the ranges of the index (ticker, trigger_dir, trigger_price) the price meets
        ORD.c.ticker == bindparam("ticker"),
        or_(
            and_(ORD.c.trigger_dir == LE, ORD.c.trigger_price >= bindparam("price")),
            and_(ORD.c.trigger_dir == GE, ORD.c.trigger_price <= bindparam("price")),
        ),
        ORD.c.source == "dts",
    )
    .order_by(ORD.c.order_id)
)


@dataclass(frozen=True)
class WorkerFire:
    """What a trigger the worker fires logs under: a transaction number of its own and
    the owner's name (no command line asked for it)."""

    number: int
    user: str
    name = None


def on_tick() -> int:
    """The worker's pass over DTS triggers: each symbol with armed triggers is priced by
    the DTS quote source, and every trigger that price meets fires as in a run (the same
    fill path and the same DTS events: quote, system event, account transactions), one
    transaction per trigger, its events in that transaction under a transaction number
    of its own. Returns the triggers fired. One indexed query when nothing is armed."""
    tickers = db.session.execute(ARMED_TICKERS).scalars().all()
    db.session.rollback()  # end the read; each trigger fires in its own transaction
    if not tickers:
        return 0
    from services import market_clock
    from services.dts.context import Context, app_quotes
    from services.dts.runner import dts_costs
    from services.execution import trading_costs

    ctx, now, fired = Context(app_quotes()), utcnow(), 0
    with trading_costs(dts_costs()), market_clock.always_open():
        for stored in tickers:
            fired += _fire_due(ctx, stored, now)
    return fired


def _fire_due(ctx, stored: str, now) -> int:
    price = ctx.quotes.quote(symbol(stored), "worker", now).price
    due = db.session.execute(DUE, {"ticker": stored, "price": price}).all()
    db.session.rollback()
    if not due:
        return 0
    first = numbers.reserve(len(due))
    fired = 0
    for offset, row in enumerate(due):
        hit = ctx.quotes.quote(symbol(stored), row.user_name, now)
        fired += _fire_logged(ctx, WorkerFire(first + offset, row.user_name), row, hit)
    return fired


def _fire_logged(ctx, cmd: WorkerFire, row, hit) -> int:
    # One trigger that fails (a bug, a lock timeout) must not stop the others; it is
    # tried again on the next tick.
    try:
        with transaction():
            fired = _fire_one(ctx, cmd, row.user_id, cmd.user, row, hit)
            ctx.log.keep()
            ctx.log.write(db.session)
    except Exception:
        log.exception("DTS trigger %s: firing failed; it is tried on the next tick", row.order_id)
        ctx.log.rewind(0)
        return 0
    return fired
