"""The audit log: every user and admin action that changes something."""

import json

from extensions import db
from models import AuditLog


def record(actor, action: str, target=None, detail: dict | None = None, ip: str | None = None):
    """Add an audit row for ``actor`` (a User, an Admin or None for the system).

    The row joins the caller's transaction; the caller commits.
    """
    target_type, target_id = target if target else (None, None)
    entry = AuditLog(
        actor_type=getattr(actor, "role", "system"),
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=json.dumps(detail, default=str, sort_keys=True) if detail else None,
        ip=ip,
    )
    db.session.add(entry)
    return entry
