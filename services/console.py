"""Read-only figures and lists for the admin console."""

from sqlalchemy import func, or_, select

from extensions import db
from models import AccountBalance, AuditLog, CashLedger, FundTransaction, User


def dashboard_figures() -> dict:
    """Counts of users, money on the platform and the pending request queues."""
    users, enabled = db.session.execute(
        select(func.count(), func.coalesce(func.sum(func.cast(User.is_enabled, db.Integer)), 0))
    ).one()
    available, frozen, total = db.session.execute(
        select(
            func.coalesce(func.sum(AccountBalance.available_balance), 0),
            func.coalesce(func.sum(AccountBalance.frozen_balance), 0),
            func.coalesce(func.sum(AccountBalance.total_balance), 0),
        )
    ).one()
    pending = db.session.execute(
        select(
            FundTransaction.transaction_type,
            func.count(),
            func.coalesce(func.sum(FundTransaction.amount), 0),
        )
        .where(FundTransaction.status == "pending")
        .group_by(FundTransaction.transaction_type)
    ).all()
    queues = {kind: {"count": count, "amount": amount} for kind, count, amount in pending}
    empty = {"count": 0, "amount": 0}
    return {
        "users": users,
        "enabled_users": int(enabled),
        "available": available,
        "frozen": frozen,
        "total": total,
        "pending_deposits": queues.get("deposit", empty),
        "pending_withdrawals": queues.get("withdrawal", empty),
    }


def fund_requests(kind: str | None, status: str | None, page: int, per_page: int = 25):
    """A page of fund requests, pending first then newest first."""
    stmt = select(FundTransaction)
    if kind:
        stmt = stmt.where(FundTransaction.transaction_type == kind)
    if status:
        stmt = stmt.where(FundTransaction.status == status)
    stmt = stmt.order_by(
        (FundTransaction.status == "pending").desc(), FundTransaction.transaction_id.desc()
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def search_users(query: str, page: int, per_page: int = 25):
    """A page of users whose name or email contains ``query`` (its "_" and "%" as typed,
    not as LIKE wildcards: "_" is common in usernames)."""
    stmt = select(User).order_by(User.user_id)
    if query:
        text = query.strip().lower()
        name, email = func.lower(User.user_name), User.user_email
        stmt = stmt.where(
            or_(name.contains(text, autoescape=True), email.contains(text, autoescape=True))
        )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def ledger(user_id: int, limit: int = 50) -> list[CashLedger]:
    """A user's latest ledger rows, newest first."""
    stmt = (
        select(CashLedger)
        .where(CashLedger.user_id == user_id)
        .order_by(CashLedger.entry_id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def audit_entries(target_type: str | None = None, target_id: int | None = None, limit: int = 100):
    """The latest audit rows, optionally about one target."""
    stmt = select(AuditLog).order_by(AuditLog.audit_id.desc()).limit(limit)
    if target_type:
        stmt = stmt.where(AuditLog.target_type == target_type, AuditLog.target_id == target_id)
    return list(db.session.scalars(stmt))
