"""The admin orders console: every user's orders with filters, manual execution and rejection.

JSON for JSON clients (and the page's script), flash + redirect for plain form posts.
"""

from flask import flash, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from extensions import db
from models import ORDER_STATUSES, User
from routes.admin import bp
from routes.helpers import (
    MAX_ID,
    action_done,
    action_refused,
    client_ip,
    int_arg,
    json_error,
    page_args,
    wants_json,
)
from routes.schemas import RejectRequest, parse_body
from routes.trade_shapes import order_json, pagination_json
from services import admin_orders, portfolio
from services.errors import ServiceError
from utils.parsing import whole_number

PER_PAGE = 25
SIDES = ("buy", "sell")


def _filters() -> tuple[dict, str | None]:
    """The list's filters from the query string, and the first bad value's message."""
    status = request.args.get("status", "").strip()
    side = (request.args.get("side") or request.args.get("type") or "").strip()
    error = None
    if status and status not in ORDER_STATUSES:
        error, status = f"status must be one of: {', '.join(ORDER_STATUSES)}.", ""
    if side and side not in SIDES:
        error, side = "side must be buy or sell.", ""
    user = request.args.get("user", "").strip()[:64]
    user_id = int_arg("user_id", None)
    return {
        "status": status,
        "side": side,
        "ticker": request.args.get("ticker", "").strip().upper()[:10],
        "user": user if user_id is None else f"#{user_id}",
    }, error


def _user_id(value: str) -> int | None:
    """A user's id from "#id", a name (any case) or, failing that, a number; 0 matches
    nobody. Names may be digits, so "#100" is user 100 whoever is named "100"."""
    if not value:
        return None
    if value.startswith("#"):
        number = whole_number(value[1:], 1, MAX_ID)
        return number or 0
    found = db.session.scalar(
        select(User.user_id).where(func.lower(User.user_name) == value.lower())
    )
    number = whole_number(value, 1, MAX_ID)
    if found is None and number is not None:
        found = db.session.scalar(select(User.user_id).where(User.user_id == number))
    return found or 0


def _user_names(orders) -> dict[int, str]:
    ids = {o.user_id for o in orders}
    if not ids:
        return {}
    stmt = select(User.user_id, User.user_name).where(User.user_id.in_(ids))
    return dict(db.session.execute(stmt).all())


@bp.get("/orders")
def orders():
    filters, error = _filters()
    if error and wants_json():
        return json_error(error, field=error.split()[0])  # the message starts with its field
    stmt = portfolio.orders_query(
        _user_id(filters["user"]), filters["status"], filters["ticker"], filters["side"]
    )
    page = page_args()[0]
    result = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
    if wants_json():
        return jsonify(
            success=True,
            orders=[order_json(o) for o in result.items],
            pagination=pagination_json(result),
        )
    if error:
        flash(f"Filter ignored: {error}", "warning")
    return render_template(
        "admin/orders.html",
        pagination=result,
        filters=filters,
        statuses=ORDER_STATUSES,
        user_names=_user_names(result.items),
    )


def _done(order, message: str):
    return action_done(message, "admin.orders", order=order_json(order))


def _refused(exc: ServiceError):
    return action_refused(exc, "admin.orders")


@bp.post("/orders/<int:order_id>/execute")
def execute_order(order_id: int):
    try:
        order = admin_orders.execute(current_user, order_id, client_ip())
    except ServiceError as exc:
        return _refused(exc)
    return _done(
        order,
        f"Order #{order_id} executed: {order.filled_quantity} {order.ticker} filled, "
        f"average ${order.average_fill_price}.",
    )


@bp.post("/orders/<int:order_id>/reject")
def reject_order(order_id: int):
    body, error = parse_body(RejectRequest)
    if error:
        return error if wants_json() else _refused(ServiceError("Give a reason."))
    try:
        order = admin_orders.reject(current_user, order_id, body.reason, client_ip())
    except ServiceError as exc:
        return _refused(exc)
    return _done(order, f"Order #{order_id} rejected: {body.reason.strip()}")
