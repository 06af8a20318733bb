"""The audit log: every user and admin action that changes something."""

import json

from extensions import db
from models import AuditLog
from services.rows import pending
from utils.clock import utcnow

AUDIT = AuditLog.__table__


def record(actor, action: str, target=None, detail: dict | None = None, ip: str | None = None):
    """Add an audit row for ``actor`` (a User, an Admin or None for the system).

    The row joins the caller's transaction and is written when it commits, in one
    multi-row INSERT with the transaction's other audit rows. The target's id may be
    a record not inserted yet (see services.rows).
    """
    target_type, target_id = target if target else (None, None)
    entry = {
        "actor_type": getattr(actor, "role", "system"),
        "actor_id": getattr(actor, "id", None),
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "detail": json.dumps(detail, default=str, sort_keys=True) if detail else None,
        "ip": ip,
        "created_at": utcnow(),
    }
    pending(db.session).add_row(AUDIT, entry)
    return entry
