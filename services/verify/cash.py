"""Cash checks: ledger, the total's split, the frozen part's reasons, and each fund
request against the ledger row it moved (or did not)."""

from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from models import OPEN_STATUSES, AccountBalance, CashLedger, FundTransaction, Order
from services.verify import Problem

ZERO = Decimal("0.00")


def sums(stmt) -> dict:
    """``{key: Decimal(sum)}`` from a two-column grouped query."""
    return {key: Decimal(value or 0) for key, value in db.session.execute(stmt).all()}


def check() -> list[Problem]:
    """Check every account's cash against its ledger and its reservations."""
    ledger = sums(
        select(CashLedger.user_id, func.sum(CashLedger.amount)).group_by(CashLedger.user_id)
    )
    reserved = sums(
        select(Order.user_id, func.sum(Order.reserved_cash))
        .where(Order.order_status.in_(OPEN_STATUSES), Order.order_type == "buy")
        .group_by(Order.user_id)
    )
    withdrawals = sums(
        select(FundTransaction.user_id, func.sum(FundTransaction.amount))
        .where(
            FundTransaction.status == "pending", FundTransaction.transaction_type == "withdrawal"
        )
        .group_by(FundTransaction.user_id)
    )
    out = []
    for account in db.session.scalars(select(AccountBalance)):
        out += _account(account, ledger, reserved, withdrawals)
    return out + _fund_requests() + _broken_chains()


def _broken_chains() -> list[Problem]:
    """Each ledger row's balance_after is the running sum of the owner's rows up to it:
    the first row per user where it is not (a row lost, altered or written out of order)."""
    running = (
        select(
            CashLedger.user_id,
            CashLedger.entry_id,
            CashLedger.balance_after,
            func.sum(CashLedger.amount)
            .over(partition_by=CashLedger.user_id, order_by=CashLedger.entry_id)
            .label("running"),
        )
    ).subquery()
    stmt = (
        select(running.c.user_id, func.min(running.c.entry_id))
        .where(running.c.running != running.c.balance_after)
        .group_by(running.c.user_id)
    )
    return [
        Problem(
            "cash", f"user {user}: ledger row {entry} does not follow from the rows before", user
        )
        for user, entry in db.session.execute(stmt)
    ]


def _fund_requests() -> list[Problem]:
    """An approved request moved its amount in exactly one ledger row (in for a deposit,
    out for a withdrawal); a pending or rejected one moved nothing."""
    moved = (
        select(
            CashLedger.reference_id,
            func.count().label("rows"),
            func.sum(CashLedger.amount).label("amount"),
        )
        .where(CashLedger.reference_type == "fund_transaction")
        .group_by(CashLedger.reference_id)
        .subquery()
    )
    stmt = select(
        FundTransaction.transaction_id,
        FundTransaction.user_id,
        FundTransaction.transaction_type,
        FundTransaction.status,
        FundTransaction.amount,
        moved.c.rows,
        moved.c.amount,
    ).outerjoin(moved, moved.c.reference_id == FundTransaction.transaction_id)
    out = []
    for request_id, user, kind, status, amount, rows, total in db.session.execute(stmt):
        signed = amount if kind == "deposit" else -amount
        want = (1, signed) if status == "approved" else (0, ZERO)
        got = (rows or 0, Decimal(total or 0).quantize(ZERO))
        if got != want:
            message = (
                f"user {user}: {status} {kind} #{request_id} of {amount} moved "
                f"{got[1]} in {got[0]} ledger rows"
            )
            out.append(Problem("cash", message, user))
    return out


def _account(account, ledger, reserved, withdrawals) -> list[Problem]:
    user, out = account.user_id, []

    def fail(message: str) -> None:
        out.append(Problem("cash", f"user {user}: {message}", user))

    booked = ledger.get(user, ZERO).quantize(ZERO)
    if account.total_balance != booked:
        fail(f"cash {account.total_balance} != ledger {booked}")
    if account.available_balance + account.frozen_balance != account.total_balance:
        fail("available + frozen != total")
    expected = (reserved.get(user, ZERO) + withdrawals.get(user, ZERO)).quantize(ZERO)
    if account.frozen_balance != expected:
        fail(f"frozen {account.frozen_balance} != reservations {expected}")
    if min(account.available_balance, account.frozen_balance, account.total_balance) < 0:
        fail("a negative balance")
    return out
