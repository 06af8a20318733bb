"""The user JSON API for funds: the brief's /user/api/deposit and /user/api/withdraw."""

from flask import jsonify
from flask_login import current_user

from routes.helpers import client_ip, json_error
from routes.schemas import AmountRequest, WithdrawRequest, parse_body
from routes.user import bp
from services import funds
from services.errors import ServiceError
from utils.formatting import iso


def _fund_request(request_fn, label: str, model=AmountRequest):
    body, error = parse_body(model)
    if error:
        return error
    extra = {"code": body.code} if model is WithdrawRequest else {}
    try:
        request = request_fn(current_user, body.amount, client_ip(), **extra)
    except ServiceError as exc:
        return json_error(exc.message, exc.status_code, field=exc.field)
    return jsonify(
        success=True,
        message=f"{label} request submitted for admin approval.",
        transaction_id=request.transaction_id,
    )


@bp.post("/api/deposit")
def api_deposit():
    return _fund_request(funds.request_deposit, "Deposit")


@bp.post("/api/withdraw")
def api_withdraw():
    return _fund_request(funds.request_withdrawal, "Withdrawal", WithdrawRequest)


@bp.get("/api/balance")
def api_balance():
    account = current_user.account
    return jsonify(
        success=True,
        data={
            "available_balance": str(account.available_balance),
            "frozen_balance": str(account.frozen_balance),
            "total_balance": str(account.total_balance),
        },
    )


@bp.get("/api/fund_transactions")
def api_fund_transactions():
    rows = funds.history(current_user.user_id, limit=200)
    return jsonify(success=True, data=[fund_request_json(r) for r in rows])


def fund_request_json(request) -> dict:
    """The JSON shape of a fund request."""
    return {
        "transaction_id": request.transaction_id,
        "user_id": request.user_id,
        "user_name": request.user.user_name,
        "transaction_type": request.transaction_type,
        "amount": str(request.amount),
        "status": request.status,
        "created_at": iso(request.created_at),
        "decided_at": iso(request.decided_at),
        "remark": request.remark,
    }
