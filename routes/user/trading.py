"""Orders, quote-then-commit, portfolio and history: JSON endpoints, pages and CSV."""

from flask import Response, flash, jsonify, render_template, request
from flask_login import current_user

from extensions import db
from models import ORDER_STATUSES
from routes.helpers import client_ip, page_args
from routes.order_schemas import HoldIdRequest, HoldRequest, OrderRequest
from routes.schemas import parse_body
from routes.trade_shapes import (
    FILL_COLUMNS,
    ORDER_COLUMNS,
    fill_json,
    hold_json,
    order_json,
    pagination_json,
    position_json,
)
from routes.user import bp
from services import holds, orders, portfolio
from services.errors import ServiceError
from services.orders import OrderSpec
from utils import formatting
from utils.csv_export import to_csv

PAGE_LIMIT = 100


@bp.post("/api/create_order")
def api_create_order():
    body, error = parse_body(OrderRequest)
    if error:
        return error
    spec = OrderSpec(
        ticker=body.ticker,
        side=body.order_type,
        kind=body.execution_type,
        quantity=body.quantity,
        amount=body.amount,
        limit=body.price,
        stop=body.stop_price,
        trail_amount=body.trail_amount,
        trail_percent=body.trail_percent,
        time_in_force=body.time_in_force,
    )
    order = orders.place(current_user, spec, client_ip())
    return jsonify(
        success=True,
        message=_placed_message(order),
        order_id=order.order_id,
        order=order_json(order),
    )


def _placed_message(order) -> str:
    if order.order_status == "filled":
        return (
            f"{order.order_type.title()} {order.filled_quantity} {order.ticker} filled at "
            f"{formatting.price(order.average_fill_price)}."
        )
    if order.order_status == "cancelled":
        return f"Order #{order.order_id} could not fill at once and was cancelled."
    if order.order_status == "rejected":
        return f"Order #{order.order_id} was rejected: {order.remark}"
    if order.order_execution_type == "market":  # placed while the exchange is closed
        return f"Order #{order.order_id} is accepted. {order.remark}"
    return f"Order #{order.order_id} is working."


def _side_arg() -> str | None:
    """``?type=buy|sell`` (or nothing); anything else is a 400 naming it."""
    side = request.args.get("type") or None
    if side and side not in ("buy", "sell"):
        raise ServiceError("type must be buy or sell.", field="type")
    return side


def _status_arg() -> str | None:
    """``?status=`` (or nothing); anything but an order status is a 400 naming it."""
    status = request.args.get("status") or None
    if status and status not in ORDER_STATUSES:
        raise ServiceError(f"status must be one of: {', '.join(ORDER_STATUSES)}.", field="status")
    return status


def _paging() -> tuple[int, int]:
    return page_args(20, PAGE_LIMIT)


@bp.get("/api/orders")
def api_orders():
    status, side = _status_arg(), _side_arg()
    page, limit = _paging()
    stmt = portfolio.orders_query(current_user.user_id, status, request.args.get("ticker"), side)
    result = db.paginate(stmt, page=page, per_page=limit, error_out=False)
    return jsonify(
        success=True,
        orders=[order_json(o) for o in result.items],
        pagination=pagination_json(result),
    )


@bp.get("/api/transactions")
def api_transactions():
    side = _side_arg()
    page, limit = _paging()
    stmt = portfolio.fills_query(current_user.user_id, request.args.get("ticker"), side)
    result = db.paginate(stmt, page=page, per_page=limit, error_out=False)
    return jsonify(
        success=True,
        transactions=[fill_json(t) for t in result.items],
        pagination=pagination_json(result),
    )


@bp.post("/orders/<int:order_id>/cancel")
def cancel_order(order_id: int):
    order = orders.cancel(current_user, order_id, client_ip())
    done = "cancelled" if order.order_status == "cancelled" else "had expired at the close"
    return jsonify(success=True, message=f"Order #{order_id} {done}.", order=order_json(order))


@bp.get("/api/portfolio")
def api_portfolio():
    data = portfolio.positions(current_user)
    summary = {k: str(v) for k, v in data.items() if k != "positions"}
    return jsonify(
        success=True, positions=[position_json(p) for p in data["positions"]], summary=summary
    )


@bp.post("/api/quote_hold")
def api_quote_hold():
    body, error = parse_body(HoldRequest)
    if error:
        return error
    held = holds.hold(
        current_user, body.ticker, body.order_type, body.quantity, body.amount, client_ip()
    )
    return jsonify(success=True, hold=hold_json(held, holds.summary(held)), hold_id=held.hold_id)


@bp.post("/api/quote_hold/commit")
def api_quote_commit():
    body, error = parse_body(HoldIdRequest)
    if error:
        return error
    order = holds.commit(current_user, body.hold_id, client_ip())
    return jsonify(
        success=True,
        message=_placed_message(order),
        order_id=order.order_id,
        order=order_json(order),
    )


@bp.post("/api/quote_hold/cancel")
def api_quote_cancel():
    body, error = parse_body(HoldIdRequest)
    if error:
        return error
    holds.cancel(current_user, body.hold_id, client_ip())
    return jsonify(success=True, message="Quote dropped.")


@bp.get("/orders")
def orders_page():
    ignored = _ignored_filter()
    if ignored:
        flash(f"Filter ignored: {ignored} Showing all orders.", "warning")
    return render_template("user/orders.html", statuses=ORDER_STATUSES)


def _ignored_filter() -> str | None:
    """What is wrong with the page's ?status= or ?type=, which the filter form cannot show."""
    status = request.args.get("status", "").strip()
    if status and status not in ORDER_STATUSES:
        return f"'{status[:20]}' is not an order status."
    side = request.args.get("type", "").strip()
    if side and side not in ("buy", "sell"):
        return f"'{side[:20]}' is not a side (buy or sell)."
    return None


@bp.get("/portfolio")
def portfolio_page():
    return render_template("user/portfolio.html", data=portfolio.positions(current_user))


@bp.get("/orders.csv")
def orders_csv():
    stmt = portfolio.orders_query(
        current_user.user_id, _status_arg(), request.args.get("ticker"), _side_arg()
    )
    rows = [order_json(o) for o in db.session.scalars(stmt)]
    return _csv(rows, "orders.csv", ORDER_COLUMNS)


@bp.get("/transactions.csv")
def transactions_csv():
    stmt = portfolio.fills_query(current_user.user_id, request.args.get("ticker"), _side_arg())
    rows = [fill_json(t) for t in db.session.scalars(stmt)]
    return _csv(rows, "transactions.csv", FILL_COLUMNS)


def _csv(rows: list[dict], name: str, columns: tuple[str, ...]) -> Response:
    return Response(
        to_csv(rows, columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
