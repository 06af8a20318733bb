"""Account reset: a fresh start at the starting balance, as paper-trading accounts offer.

One transaction, with the usual lock order (account, positions by ticker, orders):
open orders are cancelled (releasing what they reserved), positions are closed and
the cash moves to the starting balance through one ``reset`` ledger row, so the
ledger still sums to the balance. The fills before a reset stay in the history;
``account_reset.after_transaction_id`` tells the books check where the new life starts.
"""

from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import (
    OPEN_STATUSES,
    AccountReset,
    FundTransaction,
    Order,
    Portfolio,
    Transaction,
    User,
)
from services import audit, settings
from services.db import lock_account, transaction
from services.errors import Conflict, ServiceError
from services.execution import release
from services.ledger import move_cash


class ResetForbidden(ServiceError):
    status_code = 403


def starting_balance() -> Decimal:
    """The cash a reset account starts with (ACCOUNT_RESET_BALANCE)."""
    return Decimal(current_app.config["ACCOUNT_RESET_BALANCE"]).quantize(Decimal("0.01"))


def reset(user, ip: str | None = None) -> AccountReset:
    """Reset the user's account; 403 when an admin forbids resets, 409 for a disabled
    account or while a withdrawal waits for a decision (its money is frozen until an
    admin decides)."""
    if not settings.reset_allowed():
        raise ResetForbidden("Account resets are switched off by the administrators.")
    with transaction():
        account = lock_account(user.user_id)
        if not _enabled(user.user_id):
            raise Conflict("This account is disabled: it cannot be reset.")
        if _pending_withdrawal(user.user_id):
            raise Conflict("A withdrawal awaits approval; reset once it is decided.")
        positions = cancel_open_orders(account, user.user_id, "Account reset.")
        for position in positions.values():
            _close(position)
        previous = account.total_balance
        start = starting_balance()
        record = AccountReset(
            user_id=user.user_id,
            previous_total=previous,
            starting_balance=start,
            after_transaction_id=_last_fill_id(user.user_id),
        )
        db.session.add(record)
        db.session.flush()
        if start != previous:
            move_cash(account, start - previous, "reset", ("reset", record.reset_id))
        account.available_balance = account.total_balance - account.frozen_balance
        detail = {"previous_total": previous, "starting_balance": start}
        audit.record(user, "account.reset", ("user", user.user_id), detail, ip)
    return record


def cancel_open_orders(account, user_id: int, reason: str) -> dict[str, Portfolio]:
    """Cancel every open order of the owner of the locked ``account``, handing back what
    each reserved; returns their positions, locked, by ticker (the lock order: account,
    positions, orders). Called inside the caller's transaction."""
    positions = _lock_positions(user_id)
    for order in _lock_open_orders(user_id):
        release(account, positions.get(order.ticker), order, "cancelled", reason)
    return positions


def _enabled(user_id: int) -> bool:
    # Read once the account is locked: an admin's disable changes it while holding the
    # account (services.accounts), so the request's copy of the user may be out of date.
    return bool(db.session.scalar(select(User.is_enabled).where(User.user_id == user_id)))


def _pending_withdrawal(user_id: int) -> bool:
    return (
        db.session.scalar(
            select(FundTransaction.transaction_id).where(
                FundTransaction.user_id == user_id,
                FundTransaction.transaction_type == "withdrawal",
                FundTransaction.status == "pending",
            )
        )
        is not None
    )


def _lock_positions(user_id: int) -> dict[str, Portfolio]:
    stmt = (
        select(Portfolio)
        .where(Portfolio.user_id == user_id)
        .order_by(Portfolio.ticker)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {p.ticker: p for p in db.session.scalars(stmt)}


def _lock_open_orders(user_id: int) -> list[Order]:
    # Found with a plain read (the caller holds the account lock, which every change of
    # the user's orders takes first), then locked by key: a locking search may scan, and
    # wait on, other users' orders, which their fills lock after their own account.
    open_ids = select(Order.order_id).where(
        Order.user_id == user_id, Order.order_status.in_(OPEN_STATUSES)
    )
    ids = list(db.session.scalars(open_ids))
    if not ids:
        return []
    stmt = (
        select(Order)
        .where(Order.order_id.in_(ids), Order.order_status.in_(OPEN_STATUSES))
        .order_by(Order.order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(stmt))


def _close(position: Portfolio) -> None:
    position.quantity = position.reserved_quantity = 0
    position.average_price = Decimal("0")
    position.total_cost = Decimal("0.00")
    position.realized_pnl = Decimal("0.00")


def _last_fill_id(user_id: int) -> int:
    stmt = select(func.max(Transaction.transaction_id)).where(Transaction.user_id == user_id)
    return db.session.scalar(stmt) or 0


def history(user_id: int) -> list[AccountReset]:
    """The user's resets, newest first."""
    stmt = select(AccountReset).where(AccountReset.user_id == user_id)
    return list(db.session.scalars(stmt.order_by(AccountReset.reset_id.desc())))
