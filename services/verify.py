"""``flask audit verify``: every account's books must balance.

Checks, per user: cash equals the sum of its ledger; available + frozen = total;
frozen equals open buy reservations plus pending withdrawals; reserved shares
equal the open resting sells; each position equals the sum of its fills since the
account's latest reset;
nothing is negative; every order's fills add up to its filled quantity.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models import (
    OPEN_STATUSES,
    AccountBalance,
    AccountReset,
    CashLedger,
    FundTransaction,
    Order,
    Portfolio,
    Transaction,
)

ZERO = Decimal("0.00")


def _sums(stmt) -> dict:
    return {key: Decimal(value or 0) for key, value in db.session.execute(stmt).all()}


def verify() -> list[str]:
    """Return a line for every broken rule (an empty list when the books balance)."""
    problems = []
    ledger = _sums(
        select(CashLedger.user_id, func.sum(CashLedger.amount)).group_by(CashLedger.user_id)
    )
    reserved_cash = _sums(
        select(Order.user_id, func.sum(Order.reserved_cash))
        .where(Order.order_status.in_(OPEN_STATUSES), Order.order_type == "buy")
        .group_by(Order.user_id)
    )
    withdrawals = _sums(
        select(FundTransaction.user_id, func.sum(FundTransaction.amount))
        .where(
            FundTransaction.status == "pending", FundTransaction.transaction_type == "withdrawal"
        )
        .group_by(FundTransaction.user_id)
    )
    for account in db.session.scalars(select(AccountBalance)):
        problems += _check_account(account, ledger, reserved_cash, withdrawals)
    problems += _check_positions()
    problems += _check_orders()
    return problems


def _check_account(account, ledger, reserved_cash, withdrawals) -> list[str]:
    user, out = account.user_id, []
    if account.total_balance != ledger.get(user, ZERO).quantize(ZERO):
        out.append(f"user {user}: cash {account.total_balance} != ledger {ledger.get(user, ZERO)}")
    if account.available_balance + account.frozen_balance != account.total_balance:
        out.append(f"user {user}: available + frozen != total")
    expected = (reserved_cash.get(user, ZERO) + withdrawals.get(user, ZERO)).quantize(ZERO)
    if account.frozen_balance != expected:
        out.append(f"user {user}: frozen {account.frozen_balance} != reservations {expected}")
    if min(account.available_balance, account.frozen_balance, account.total_balance) < 0:
        out.append(f"user {user}: a negative balance")
    return out


def _check_positions() -> list[str]:
    signed = func.sum(
        db.case(
            (Transaction.transaction_type == "buy", Transaction.transaction_quantity),
            else_=-Transaction.transaction_quantity,
        )
    )
    # An account reset closes every position: only fills after the latest reset count.
    mark = (
        select(AccountReset.user_id, func.max(AccountReset.after_transaction_id).label("mark"))
        .group_by(AccountReset.user_id)
        .subquery()
    )
    since_reset = (
        select(Transaction.user_id, Transaction.ticker, signed)
        .outerjoin(mark, mark.c.user_id == Transaction.user_id)
        .where(Transaction.transaction_id > func.coalesce(mark.c.mark, 0))
        .group_by(Transaction.user_id, Transaction.ticker)
    )
    fills = {(u, t): int(q) for u, t, q in db.session.execute(since_reset)}
    resting = {
        (u, t): int(q)
        for u, t, q in db.session.execute(
            select(
                Order.user_id, Order.ticker, func.sum(Order.order_quantity - Order.filled_quantity)
            )
            .where(
                Order.order_status.in_(OPEN_STATUSES),
                Order.order_type == "sell",
                Order.order_execution_type != "market",
            )
            .group_by(Order.user_id, Order.ticker)
        )
    }
    out = []
    for p in db.session.scalars(select(Portfolio)):
        key = (p.user_id, p.ticker)
        if p.quantity != fills.get(key, 0):
            out.append(
                f"user {p.user_id} {p.ticker}: holds {p.quantity} != fills {fills.get(key, 0)}"
            )
        if p.reserved_quantity != resting.get(key, 0):
            out.append(
                f"user {p.user_id} {p.ticker}: reserved {p.reserved_quantity} "
                f"!= open sells {resting.get(key, 0)}"
            )
        if p.quantity < 0 or p.reserved_quantity < 0 or p.reserved_quantity > p.quantity:
            out.append(f"user {p.user_id} {p.ticker}: quantity out of range")
    return out


def _check_orders() -> list[str]:
    filled = defaultdict(
        int,
        db.session.execute(
            select(Transaction.order_id, func.sum(Transaction.transaction_quantity)).group_by(
                Transaction.order_id
            )
        ).all(),
    )
    out = []
    for order_id, status, quantity, done in db.session.execute(
        select(Order.order_id, Order.order_status, Order.order_quantity, Order.filled_quantity)
    ):
        if int(filled[order_id]) != done:
            out.append(f"order {order_id}: filled {done} != its fills {int(filled[order_id])}")
        if status == "filled" and done != quantity:
            out.append(f"order {order_id}: filled but {quantity - done} shares remain")
    return out
