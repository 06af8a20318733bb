"""Deposits and withdrawals: requested by users, decided once by an admin.

A withdrawal freezes its amount when requested. Approval moves the money and
writes the ledger in the same transaction; a request is decided once even when
two admins decide it at the same moment, because the decision re-reads the
request's status under the account lock.
"""

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import FundTransaction
from services import audit, two_factor
from services.db import lock_account, lock_one, transaction
from services.errors import Conflict, NotFound, ServiceError
from services.events import trading as trading_events
from services.ledger import move_cash
from utils.clock import utcnow
from utils.money import AmountError, format_money, parse_amount

DEPOSIT = "deposit"
WITHDRAWAL = "withdrawal"


def check_amount(raw) -> Decimal:
    """Parse a requested amount against FUND_MAX_AMOUNT, or raise ServiceError."""
    try:
        return parse_amount(raw, current_app.config["FUND_MAX_AMOUNT"])
    except AmountError as exc:
        raise ServiceError(str(exc), field="amount") from None


def request_deposit(user, raw_amount, ip: str | None = None) -> FundTransaction:
    """Record a pending deposit request; no money moves until an admin approves."""
    amount = check_amount(raw_amount)
    with transaction():
        request = FundTransaction(user_id=user.user_id, transaction_type=DEPOSIT, amount=amount)
        db.session.add(request)
        db.session.flush()
        audit.record(user, "fund.request_deposit", _target(request), {"amount": amount}, ip)
    return request


def request_withdrawal(
    user, raw_amount, ip: str | None = None, code: str | None = None
) -> FundTransaction:
    """Freeze the amount at once and record a pending withdrawal request.

    Someone enrolled in two-factor sign-in gives ``code``; it is spent only once the
    amount is known to be valid and available, so a refused amount costs no code.
    """
    amount = check_amount(raw_amount)
    _check_available(user.account, amount)  # before the code is spent; again once locked
    two_factor.require_code(user, code)
    with transaction():
        account = lock_account(user.user_id)
        _check_available(account, amount)
        account.available_balance -= amount
        account.frozen_balance += amount
        request = FundTransaction(user_id=user.user_id, transaction_type=WITHDRAWAL, amount=amount)
        db.session.add(request)
        db.session.flush()
        audit.record(user, "fund.request_withdrawal", _target(request), {"amount": amount}, ip)
    return request


def _check_available(account, amount: Decimal) -> None:
    if account.available_balance < amount:
        raise ServiceError(
            f"Insufficient available balance (${format_money(account.available_balance)}).",
            field="amount",
        )


def approve(admin, request_id: int, ip: str | None = None) -> FundTransaction:
    """Approve a pending request: move the money and write the ledger row."""
    with transaction():
        account, request = _lock_pending(request_id)
        if request.transaction_type == DEPOSIT:
            account.available_balance += request.amount
            signed = request.amount
        else:
            account.frozen_balance -= request.amount
            signed = -request.amount
        move_cash(account, signed, request.transaction_type, _target(request))
        _decide(request, admin, "approved", None)
        trading_events.fund_decided(request, "approved")
        audit.record(admin, "fund.approve", _target(request), {"amount": request.amount}, ip)
    return request


def reject(admin, request_id: int, reason: str, ip: str | None = None) -> FundTransaction:
    """Reject a pending request with a reason; a rejected withdrawal is unfrozen."""
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 255:
        raise ServiceError("A reason of 1-255 characters is required to reject.", field="reason")
    with transaction():
        account, request = _lock_pending(request_id)
        if request.transaction_type == WITHDRAWAL:
            account.frozen_balance -= request.amount
            account.available_balance += request.amount
        _decide(request, admin, "rejected", reason)
        trading_events.fund_decided(request, "rejected")
        audit.record(admin, "fund.reject", _target(request), {"reason": reason}, ip)
    return request


def history(user_id: int, limit: int = 50) -> list[FundTransaction]:
    """A user's fund requests, newest first."""
    stmt = (
        select(FundTransaction)
        .where(FundTransaction.user_id == user_id)
        .order_by(FundTransaction.transaction_id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def _lock_pending(request_id: int):
    """Lock the owner's account, then the request, and check it is still pending."""
    owner_id = db.session.scalar(
        select(FundTransaction.user_id).where(FundTransaction.transaction_id == request_id)
    )
    if owner_id is None:
        raise NotFound("No such fund request.")
    account = lock_account(owner_id)
    request = lock_one(FundTransaction, FundTransaction.transaction_id == request_id)
    if request.status != "pending":
        raise Conflict(f"This request was already {request.status}.")
    return account, request


def _decide(request: FundTransaction, admin, status: str, remark: str | None) -> None:
    request.status = status
    request.operator_id = admin.admin_id
    request.decided_at = utcnow()
    request.remark = remark


def _target(request: FundTransaction) -> tuple[str, int]:
    return ("fund_transaction", request.transaction_id)
