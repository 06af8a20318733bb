"""JSON shapes of orders, fills, holds and positions: money and prices as strings."""

from utils.formatting import iso


def _s(value):
    return None if value is None else str(value)


def _t(value):
    return iso(value)


def order_json(order) -> dict:
    """An order as the API shows it."""
    return {
        "order_id": order.order_id,
        "user_id": order.user_id,
        "ticker": order.ticker,
        "order_type": order.order_type,
        "execution_type": order.order_execution_type,
        "price": _s(order.order_price),
        "stop_price": _s(order.stop_price),
        "trail_amount": _s(order.trail_amount),
        "trail_percent": _s(order.trail_percent),
        "time_in_force": order.time_in_force,
        "quantity": order.order_quantity,
        "amount": _s(order.requested_amount),
        "filled_quantity": order.filled_quantity,
        "average_fill_price": _s(order.average_fill_price),
        "commission": _s(order.total_commission),
        "reserved_cash": _s(order.reserved_cash),
        "status": order.order_status,
        "remark": order.remark,
        "source": order.source,
        "decided_by": order.decided_by,
        "created_at": _t(order.created_at),
        "executed_at": _t(order.executed_at),
        "closed_at": _t(order.closed_at),
        "expires_at": _t(order.expires_at),
    }


def fill_json(fill) -> dict:
    """A transaction (one fill) as the API shows it."""
    return {
        "transaction_id": fill.transaction_id,
        "order_id": fill.order_id,
        "ticker": fill.ticker,
        "type": fill.transaction_type,
        "price": _s(fill.transaction_price),
        "quantity": fill.transaction_quantity,
        "amount": _s(fill.transaction_amount),
        "commission": _s(fill.commission),
        "realized_pnl": _s(fill.realized_pnl),
        "time": _t(fill.transaction_time),
    }


class _Blank:
    """A row whose every attribute is None: gives a shape's column names without a row."""

    def __getattr__(self, name):
        return None


ORDER_COLUMNS = tuple(order_json(_Blank()))
FILL_COLUMNS = tuple(fill_json(_Blank()))


def hold_json(held, summary: dict) -> dict:
    """A held quote, with what committing it would do (services.holds.summary)."""
    return {
        **{k: v if isinstance(v, int) else str(v) for k, v in summary.items()},
        "hold_id": held.hold_id,
        "ticker": held.ticker,
        "order_type": held.order_type,
        "quantity": held.quantity,
        "amount": _s(held.amount),
        "price": _s(held.price),
        "source": held.source,
        "status": held.status,
        "expires_at": _t(held.expires_at),
    }


def position_json(position: dict) -> dict:
    """A valued position (see services.portfolio.positions)."""
    return {
        k: (v if isinstance(v, int | bool | None) or k == "ticker" else str(v))
        for k, v in position.items()
    }


def pagination_json(result) -> dict:
    """The brief's pagination object."""
    return {
        "page": result.page,
        "limit": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }
