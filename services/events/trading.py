"""The trading events: what the order, fill and fund services emit.

Each function is one call at the place the change is made; the payload is built
just before the commit, when the order's id is known.
"""

from services.events import emit, publish


def _order(order) -> dict:
    return {
        "order_id": order.order_id,
        "user_id": order.user_id,
        "ticker": order.ticker,
        "side": order.order_type,
        "kind": order.order_execution_type,
        "source": order.source,
    }


def order_placed(order) -> None:
    """An order was placed (a market order also emits its fill)."""
    emit("order.placed", lambda: {**_order(order), "quantity": order.order_quantity})


def order_filled(order, price, quantity: int, value) -> None:
    """``quantity`` shares of ``order`` filled at ``price`` for ``value``."""
    resting = order.order_execution_type != "market" or order.time_in_force != "ioc"
    emit(
        "order.filled",
        lambda: {
            **_order(order),
            "price": str(price),
            "quantity": quantity,
            "value": str(value),
            "resting": resting,
            "status": order.order_status,
        },
    )


def order_closed(order, status: str, reason: str | None) -> None:
    """An open order was cancelled, expired or rejected."""
    emit("order.closed", lambda: {**_order(order), "status": status, "reason": reason})


def order_refused(user_id: int, spec, message: str) -> None:
    """An order was refused at placement (nothing was stored, so it is published at once)."""
    publish(
        "order.rejected",
        {
            "user_id": user_id,
            "ticker": spec.ticker,
            "side": spec.side,
            "kind": spec.kind,
            "source": spec.source,
            "reason": message,
        },
    )


def fund_decided(request, status: str) -> None:
    """An admin approved or rejected a deposit or withdrawal (a rejection gives its reason)."""
    emit(
        "fund.decided",
        lambda: {
            "request_id": request.transaction_id,
            "user_id": request.user_id,
            "kind": request.transaction_type,
            "amount": str(request.amount),
            "status": status,
            "reason": request.remark,
        },
    )
