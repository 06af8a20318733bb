"""The audit log as admins read it: one user's full trail, filters, names and CSV rows."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, func, or_, select

from extensions import db
from models import Admin, ApiToken, AuditLog, FundTransaction, Order, QuoteHold, User
from utils.formatting import iso

# The rows a user's own things are the target of, besides the user row itself.
_OWNED = {
    "order": (Order.order_id, Order.user_id),
    "fund_transaction": (FundTransaction.transaction_id, FundTransaction.user_id),
    "quote_hold": (QuoteHold.hold_id, QuoteHold.user_id),
    "api_token": (ApiToken.token_id, ApiToken.user_id),
}


@dataclass
class AuditFilter:
    """Who (a user or admin name, part of it), what (an action or its prefix), when."""

    who: str = ""
    what: str = ""
    since: date | None = None
    until: date | None = None


def user_trail(user_id: int, limit: int = 200) -> list[AuditLog]:
    """Everything the user did and everything done to the user or their orders, fund
    requests, quotes and tokens (admin decisions included), newest first."""
    about_user = [and_(AuditLog.actor_type == "user", AuditLog.actor_id == user_id)]
    about_user.append(and_(AuditLog.target_type == "user", AuditLog.target_id == user_id))
    for kind, (key, owner) in _OWNED.items():
        owned = select(key).where(owner == user_id)
        about_user.append(and_(AuditLog.target_type == kind, AuditLog.target_id.in_(owned)))
    stmt = select(AuditLog).where(or_(*about_user)).order_by(AuditLog.audit_id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def filtered(flt: AuditFilter, limit: int = 200) -> list[AuditLog]:
    """Audit rows matching the filter, newest first."""
    stmt = select(AuditLog).order_by(AuditLog.audit_id.desc())
    if flt.who:
        like = f"%{flt.who.strip().lower()}%"
        users = select(User.user_id).where(func.lower(User.user_name).like(like))
        admins = select(Admin.admin_id).where(func.lower(Admin.admin_name).like(like))
        stmt = stmt.where(
            or_(
                and_(AuditLog.actor_type == "user", AuditLog.actor_id.in_(users)),
                and_(AuditLog.actor_type == "admin", AuditLog.actor_id.in_(admins)),
            )
        )
    if flt.what:
        stmt = stmt.where(AuditLog.action.like(f"{flt.what.strip()}%"))
    if flt.since:
        stmt = stmt.where(AuditLog.created_at >= datetime.combine(flt.since, time()))
    if flt.until:  # through the end of that day (time.max: 9999-12-31 has no next day)
        stmt = stmt.where(AuditLog.created_at <= datetime.combine(flt.until, time.max))
    return list(db.session.scalars(stmt.limit(limit)))


def actions() -> list[str]:
    """Every action name in the log, for the filter's choice list."""
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def names(entries: list[AuditLog]) -> dict[tuple[str, int], str]:
    """The names of the users and admins the rows mention, as actors or targets."""
    wanted: dict[str, set[int]] = {"user": set(), "admin": set()}
    for e in entries:
        for kind, key in ((e.actor_type, e.actor_id), (e.target_type, e.target_id)):
            if kind in wanted and key is not None:
                wanted[kind].add(key)
    found = {}
    if wanted["user"]:
        rows = select(User.user_id, User.user_name).where(User.user_id.in_(wanted["user"]))
        found.update({("user", i): n for i, n in db.session.execute(rows)})
    if wanted["admin"]:
        rows = select(Admin.admin_id, Admin.admin_name).where(Admin.admin_id.in_(wanted["admin"]))
        found.update({("admin", i): n for i, n in db.session.execute(rows)})
    return found


CSV_COLUMNS = (
    "audit_id",
    "time_utc",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_name",
    "detail",
    "ip",
)


def csv_rows(entries: list[AuditLog]) -> list[dict]:
    """Rows for the CSV export, with names beside the ids."""
    known = names(entries)
    return [
        {
            "audit_id": e.audit_id,
            "time_utc": iso(e.created_at),
            "actor_type": e.actor_type,
            "actor_id": e.actor_id,
            "actor_name": known.get((e.actor_type, e.actor_id), ""),
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "target_name": known.get((e.target_type, e.target_id), ""),
            "detail": e.detail,
            "ip": e.ip,
        }
        for e in entries
    ]
