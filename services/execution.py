"""Fills and releases: the one place an order turns into cash, shares and ledger rows.

Callers lock rows in the fixed order (account, then the position, then the order)
with lock_for_order() (or services.locks) and own the transaction; every function
here re-checks what it relies on under those locks. The rows are plain records
(services.rows): what these functions compute is written when the transaction
commits, with no read back.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP as HALF_UP
from decimal import Decimal

from flask import current_app

from extensions import db
from models import Transaction
from services import locks
from services.errors import NotFound, ServiceError
from services.events import trading as trading_events
from services.ledger import move_cash
from services.rows import PositionRecord, pending
from utils.clock import utcnow
from utils.trading import CENT, TICK, Costs, gross

FILLS = Transaction.__table__
_COSTS: ContextVar[Costs | None] = ContextVar("paperdesk_costs", default=None)


def costs() -> Costs:
    """Commission, slippage and collar from the configuration (or the block's own terms,
    see trading_costs)."""
    own = _COSTS.get()
    if own is not None:
        return own
    cfg = current_app.config
    return Costs(
        fixed=cfg["COMMISSION_FIXED"],
        bps=cfg["COMMISSION_BPS"],
        minimum=cfg["COMMISSION_MIN"],
        slippage_bps=cfg["SLIPPAGE_BPS"],
        collar_bps=cfg["MARKET_COLLAR_BPS"],
    )


def holds_shares(order) -> bool:
    """Whether a sell reserved its shares: every sell that waits does (resting orders and
    market orders placed while the exchange is closed); a market order that fills at
    once (time in force IOC) does not, nor a DTS sell trigger until it is armed
    (SET_SELL_TRIGGER)."""
    if order.source == "dts" and order.trigger_dir is None:
        return False
    return order.order_execution_type != "market" or order.time_in_force != "ioc"


@contextmanager
def trading_costs(terms: Costs) -> Iterator[None]:
    """Trade on ``terms`` instead of the configured costs inside the block (DTS commands
    trade without the platform's commission and slippage)."""
    token = _COSTS.set(terms)
    try:
        yield
    finally:
        _COSTS.reset(token)


def lock_for_order(order_id: int, owner: tuple[int, str] | None = None):
    """Lock the order's account, position and the order itself, in that order (one query).

    ``owner`` is the order's (user_id, ticker) when the caller already knows it
    (they never change), which saves a query.
    """
    if owner is None:
        owner = locks.order_owner(db.session, order_id)
        if owner is None:
            raise NotFound("No such order.")
    account, position, order = locks.lock_trader(db.session, owner[0], owner[1], order_id)
    if order is None:
        raise NotFound("No such order.")
    return account, position, order


def apply_fill(account, position, order, price: Decimal, quantity: int) -> dict:
    """Fill ``quantity`` of ``order`` at ``price``: cash, shares, transaction, ledger, order.

    Raises ServiceError (changing nothing) when a buy cannot be paid for. Returns the
    fill row (inserted when the transaction commits).
    """
    value = gross(price, quantity)
    before = gross(order.average_fill_price or Decimal("0"), order.filled_quantity)
    commission = costs().fill_commission(before, value, order.total_commission)
    if order.order_type == "buy":
        position = _buy(account, position, order, value, commission, quantity)
        realized = None
    else:
        realized = _sell(account, position, order, value, commission, quantity)
    reference = ("order", order)  # the order's id, once it has one
    move_cash(account, -value if order.order_type == "buy" else value, order.order_type, reference)
    if commission:
        move_cash(account, -commission, "commission", reference)
    _advance_order(order, price, quantity, commission)
    trading_events.order_filled(order, price, quantity, value)
    fill = {
        "order_id": order,
        "user_id": order.user_id,
        "ticker": order.ticker,
        "transaction_type": order.order_type,
        "transaction_price": price,
        "transaction_quantity": quantity,
        "transaction_amount": value,
        "transaction_time": utcnow(),
        "commission": commission,
        "realized_pnl": realized,
    }
    pending(db.session).add_row(FILLS, fill)
    return fill


def _buy(account, position, order, value, commission, quantity) -> PositionRecord:
    cost = value + commission
    completes = quantity == order.remaining
    released = order.reserved_cash if completes else min(order.reserved_cash, cost)
    if account.available_balance + released < cost:
        raise ServiceError("Not enough cash for this fill.", field="quantity")
    account.frozen_balance -= released
    order.reserved_cash -= released
    account.available_balance += released - cost
    if position is None:
        position = pending(db.session).track(
            PositionRecord.new(
                user_id=order.user_id,
                ticker=order.ticker,
                quantity=0,
                reserved_quantity=0,
                total_cost=Decimal("0.00"),
                average_price=Decimal("0"),
                realized_pnl=Decimal("0.00"),
                last_updated=utcnow(),
            )
        )
    position.quantity += quantity
    position.total_cost += cost
    position.average_price = (position.total_cost / position.quantity).quantize(TICK, HALF_UP)
    return position


def _sell(account, position, order, value, commission, quantity) -> Decimal:
    if position is None or position.quantity < quantity:
        raise ServiceError("Not enough shares for this fill.", field="quantity")
    if account.available_balance + value - commission < 0:
        raise ServiceError(
            "The commission is more than this sale and your cash cover.", field="quantity"
        )
    if holds_shares(order):
        position.reserved_quantity -= quantity  # resting sells hold their shares
    basis = position.total_cost
    if quantity < position.quantity:
        basis = (position.total_cost * quantity / position.quantity).quantize(CENT, HALF_UP)
    proceeds = value - commission
    account.available_balance += proceeds
    position.quantity -= quantity
    position.total_cost -= basis
    if position.quantity == 0:
        position.average_price = Decimal("0")
    realized = proceeds - basis
    position.realized_pnl += realized
    return realized


def _advance_order(order, price: Decimal, quantity: int, commission: Decimal) -> None:
    done = order.filled_quantity
    previous = (order.average_fill_price or Decimal("0")) * done
    order.filled_quantity = done + quantity
    average = (previous + price * quantity) / order.filled_quantity
    order.average_fill_price = average.quantize(TICK, HALF_UP)
    order.total_commission += commission
    if order.filled_quantity == order.order_quantity:
        now = utcnow()
        order.order_status, order.executed_at, order.closed_at = "filled", now, now
        order.trigger_dir = order.trigger_price = None
    else:
        order.order_status = "partially_filled"


def release(account, position, order, status: str, reason: str | None) -> None:
    """Close an open order without filling the rest (cancel, expire, reject) and hand back
    exactly what it still reserves."""
    if order.order_type == "buy" and order.reserved_cash:
        account.frozen_balance -= order.reserved_cash
        account.available_balance += order.reserved_cash
        order.reserved_cash = Decimal("0.00")
    if order.order_type == "sell" and holds_shares(order) and position:
        position.reserved_quantity -= order.remaining
    order.order_status = status
    order.closed_at = utcnow()
    order.trigger_dir = order.trigger_price = None
    order.remark = reason
    trading_events.order_closed(order, status, reason)


def past_its_close(order) -> bool:
    """Whether a day order's session has closed (the worker may not have swept it yet)."""
    return order.expires_at is not None and order.expires_at <= utcnow()


def expire(account, position, order) -> None:
    """Close a day order whose session has closed, handing back what it reserved."""
    release(account, position, order, "expired", "Day order expired at the close.")
