"""The fund-request queues and their decisions (JSON for JSON clients, redirects for pages)."""

from flask import jsonify, render_template, request
from flask_login import current_user

from routes.admin import bp
from routes.admin.forms import RejectForm
from routes.helpers import action_done, action_refused, client_ip, page_args, wants_json
from routes.schemas import RejectRequest, parse_body
from routes.user.api import fund_request_json
from services import console, funds
from services.errors import ServiceError

BACK = "admin.fund_transactions"
QUEUES = {"all": None, "deposits": "deposit", "withdrawals": "withdrawal"}
STATUSES = {"", "pending", "approved", "rejected"}


def _queue(name: str):
    status = request.args.get("status", "")
    if status not in STATUSES:
        if wants_json():  # the page shows them all: its filter offers only good ones
            raise ServiceError(
                "status must be one of: pending, approved, rejected.", field="status"
            )
        status = ""
    page = page_args()[0]
    pagination = console.fund_requests(QUEUES[name], status or None, page)
    if wants_json():
        return jsonify(success=True, data=[fund_request_json(r) for r in pagination.items])
    return render_template(
        "admin/fund_requests.html",
        queue=name,
        status=status,
        pagination=pagination,
        reject_form=RejectForm(),
    )


@bp.get("/fund-transactions")
def fund_transactions():
    return _queue("all")


@bp.get("/deposits")
def deposits():
    return _queue("deposits")


@bp.get("/withdrawals")
def withdrawals():
    return _queue("withdrawals")


def _decided(result, message: str):
    return action_done(message, BACK, data=fund_request_json(result))


def _refused(exc: ServiceError):
    return action_refused(exc, BACK)


@bp.post("/fund-transactions/<int:transaction_id>/approve")
def approve(transaction_id: int):
    try:
        result = funds.approve(current_user, transaction_id, client_ip())
    except ServiceError as exc:
        return _refused(exc)
    return _decided(result, f"Request #{transaction_id} approved.")


@bp.post("/fund-transactions/<int:transaction_id>/reject")
def reject(transaction_id: int):
    body, error = parse_body(RejectRequest)
    if error:
        return error if wants_json() else _refused(ServiceError("Give a reason."))
    try:
        result = funds.reject(current_user, transaction_id, body.reason, client_ip())
    except ServiceError as exc:
        return _refused(exc)
    return _decided(result, f"Request #{transaction_id} rejected.")
