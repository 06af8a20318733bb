"""Admin actions on orders: execute at the current price, or reject with a reason."""

from extensions import db
from models import Order
from services import audit, market, market_clock
from services.db import transaction
from services.errors import Conflict, NotFound, ServiceError, Unavailable
from services.execution import apply_fill, lock_for_order, past_its_close, release
from services.orders import fill_quantity


def execute(admin, order_id: int, ip: str | None = None):
    """Fill the rest of an open order at the current quote (no slippage), while the
    exchange is open."""
    found = db.session.get(Order, order_id)
    if found is None:
        raise NotFound("No such order.")
    if found.source == "dts":
        raise Conflict("A Day Trading System order fills at its own quotes: reject it instead.")
    if not market_clock.is_open():
        opens = market_clock.status()["et"]
        raise ServiceError(f"The market is closed until {opens}: nothing can fill now.")
    quote = market.get_quote(found.ticker)
    owner = (found.user_id, found.ticker)
    if quote.stale:
        raise Unavailable(f"No current price for {found.ticker}; try again shortly.")
    price = quote.price
    with transaction():
        account, position, order = lock_for_order(order_id, owner)
        if not order.is_open:
            raise Conflict(f"This order is already {order.order_status}.")
        if past_its_close(order):
            raise Conflict("This day order expired at the close; the worker closes it.")
        quantity = fill_quantity(order, position, price, None)
        if quantity < 1:
            raise ServiceError(f"The order's amount buys no whole share at ${price}.")
        apply_fill(account, position, order, price, quantity)
        order.decided_by = "admin"
        detail = {"price": price, "quantity": quantity}
        audit.record(admin, "order.execute", ("order", order_id), detail, ip)
    return order


def reject(admin, order_id: int, reason: str, ip: str | None = None):
    """Reject an open order with a reason; what it reserved is released."""
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 255:
        raise ServiceError("A reason of 1-255 characters is required to reject.", field="reason")
    with transaction():
        account, position, order = lock_for_order(order_id)
        if not order.is_open:
            raise Conflict(f"This order is already {order.order_status}.")
        release(account, position, order, "rejected", reason)
        order.decided_by = "admin"
        audit.record(admin, "order.reject", ("order", order_id), {"reason": reason}, ip)
    return order
