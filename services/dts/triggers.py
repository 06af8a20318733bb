"""Firing armed DTS triggers: the engine's record-based fill path (services.orders.act,
the same the worker's matching uses) on rows locked in the fixed order."""

from decimal import Decimal

from sqlalchemy import bindparam, select

from extensions import db
from services import locks
from services.dts.book import ORD, TICKER_PREFIX, symbol
from services.dts.quotes import QuoteError
from services.orders import act
from services.rows import pending
from utils.clock import utcnow
from utils.trading import crosses

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
    return db.session.execute(ARMED, {"user_id": user_id}).all()


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
    the order they were armed. Returns how many fired."""
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
    if row.order_type == "buy":
        ctx.log.account(cmd, name, "remove", value)
        if reserved - value:
            ctx.log.account(cmd, name, "release", reserved - value)
    elif shares:
        ctx.log.account(cmd, name, "add", value)
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


def on_tick() -> int:
    """The worker's pass over DTS triggers: each symbol with armed triggers is priced by
    the DTS quote source and matched like any ticker (services.matching.on_price, at DTS
    costs). Returns the orders filled. One indexed query when nothing is armed."""
    from services import market_clock, matching
    from services.dts.context import app_quotes
    from services.dts.runner import dts_costs
    from services.execution import trading_costs

    tickers = db.session.execute(ARMED_TICKERS).scalars().all()
    db.session.rollback()  # end the read; matching opens its own transactions
    filled = 0
    with trading_costs(dts_costs()), market_clock.always_open():
        for stored in tickers:
            price = app_quotes().quote(symbol(stored), "worker", utcnow()).price
            filled += matching.on_price(stored, price)
    return filled
