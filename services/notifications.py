"""In-app notifications: added in the transaction of what they tell about, shown live
(an event follows the commit), kept until read."""

from sqlalchemy import func, insert, select, update

from extensions import db
from models import Notification
from services import events
from services.db import transaction
from utils.clock import utcnow

LIST_LIMIT = 100


def add(user_id: int, kind: str, message: str, link: str | None = None) -> None:
    """Add a notification in the caller's transaction; published when it commits."""
    db.session.add(Notification(user_id=user_id, kind=kind, message=message, link=link))
    events.emit("notification", {"user_id": user_id, "kind": kind, "message": message})


def add_many(rows: list[dict]) -> None:
    """Insert many notifications (user_id, kind, message, link) in one statement and commit."""
    if not rows:
        return
    now = utcnow()
    with transaction():
        db.session.execute(
            insert(Notification), [{"link": None, **r, "created_at": now} for r in rows]
        )
        for r in rows:
            events.emit("notification", {k: r[k] for k in ("user_id", "kind", "message")})


def unread_count(user_id: int) -> int:
    """How many notifications the user has not read."""
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def recent(user_id: int, limit: int = LIST_LIMIT) -> list[Notification]:
    """The user's notifications, unread first, newest first."""
    stmt = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.read_at.is_not(None), Notification.notification_id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of the user read; returns how many changed."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.notification_id == notification_id)
    with transaction():
        changed = db.session.execute(stmt.values(read_at=utcnow())).rowcount
        events.emit("notification.read", {"user_id": user_id})
    return changed
