"""Words for orders, the same on the user's pages and in the admin console:
"Trailing stop · DAY", "stop $95.00, limit $94.50", "trail 3%", "Filled"."""

from decimal import Decimal

from utils.formatting import price

KINDS = {
    "market": "Market",
    "limit": "Limit",
    "stop": "Stop",
    "stop_limit": "Stop limit",
    "trailing_stop": "Trailing stop",
}
STATUSES = {
    "pending": "Working",
    "partially_filled": "Partly filled",
    "filled": "Filled",
    "cancelled": "Cancelled",
    "rejected": "Rejected",
    "expired": "Expired",
}


def kind_label(kind: str, time_in_force: str | None) -> str:
    """The order type with its time in force: "Limit · GTC"; market orders need none."""
    name = KINDS.get(kind, kind.replace("_", " ").capitalize())
    if kind == "market" or not time_in_force:
        return name
    return f"{name} · {time_in_force.upper()}"


def _trim(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def price_label(limit=None, stop=None, trail_amount=None, trail_percent=None) -> str:
    """The prices an order works at: "$150.00", "stop $95.00, limit $94.50", "trail 3%"."""
    parts = []
    if stop is not None and limit is not None:
        parts.append(f"stop {price(stop)}, limit {price(limit)}")
    elif limit is not None:
        parts.append(price(limit))
    elif stop is not None:
        parts.append(f"stop {price(stop)}")
    if trail_percent is not None:
        parts.append(f"trail {_trim(trail_percent)}%")
    if trail_amount is not None:
        parts.append(f"trail {price(trail_amount)}")
    return ", ".join(parts) or "at market"


def status_label(status: str) -> str:
    """An order status in words: "Partly filled"."""
    return STATUSES.get(status, status.replace("_", " ").capitalize())


def describe(order) -> dict:
    """The labels of an Order row: kind, prices and status."""
    return {
        "kind": kind_label(order.order_execution_type, order.time_in_force),
        "prices": price_label(
            order.order_price, order.stop_price, order.trail_amount, order.trail_percent
        ),
        "status": _status(order),
    }


def _status(order) -> str:
    waiting = order.order_execution_type == "market" and order.order_status == "pending"
    return "Waiting for the open" if waiting else status_label(order.order_status)
