"""Sign-in sessions kept on the server, so that signing out really ends them.

The session cookie carries a random session id; the database keeps its hash, its
owner and when it was last used. A session ends when its owner signs out, signs
out everywhere, changes their password or is disabled, when it has been idle for
SESSION_IDLE_TIMEOUT seconds, and SESSION_MAX_AGE seconds after sign-in at the latest.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, update

from extensions import db
from models import LoginSession
from services.db import transaction
from utils.clock import utcnow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most once a minute


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start(account, ip: str, user_agent: str) -> str:
    """Open a session for ``account``; returns the session id for the cookie."""
    sid = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(
            LoginSession(
                sid_hash=_hash(sid),
                owner_kind=account.role,
                owner_id=account.id,
                ip=(ip or "unknown")[:45],
                user_agent=(user_agent or "")[:200],
            )
        )
    return sid


def is_live(sid: str | None, kind: str, owner_id: int) -> bool:
    """True when ``sid`` is an open, unexpired session of that owner (and keep it alive)."""
    if not sid:
        return False
    row = db.session.get(LoginSession, _hash(sid))
    if row is None or row.ended_at is not None:
        return False
    if (row.owner_kind, row.owner_id) != (kind, owner_id):
        return False
    now, cfg = utcnow(), current_app.config
    idle = now - row.last_seen_at > timedelta(seconds=cfg["SESSION_IDLE_TIMEOUT"])
    if idle or now - row.created_at > timedelta(seconds=cfg["SESSION_MAX_AGE"]):
        end(sid)
        return False
    if now - row.last_seen_at > TOUCH_EVERY:
        with transaction():
            row.last_seen_at = now
    return True


def end(sid: str | None) -> None:
    """End one session (signing out)."""
    if sid:
        _end_where(LoginSession.sid_hash == _hash(sid))


def end_all(account, keep: str | None = None) -> int:
    """End every session of ``account`` but ``keep``; returns how many were ended."""
    with transaction():
        return mark_all_ended(account, keep)


def mark_all_ended(account, keep: str | None = None) -> int:
    """End ``account``'s sessions but ``keep`` inside the caller's transaction."""
    criteria = [LoginSession.owner_kind == account.role, LoginSession.owner_id == account.id]
    if keep:
        criteria.append(LoginSession.sid_hash != _hash(keep))
    return _mark_ended(*criteria)


def prune() -> int:
    """Delete sessions that ended, or could no longer be used, over a day ago."""
    cfg = current_app.config
    cutoff = utcnow() - timedelta(days=1)
    stmt = delete(LoginSession).where(
        or_(
            LoginSession.ended_at < cutoff,
            LoginSession.last_seen_at < cutoff - timedelta(seconds=cfg["SESSION_IDLE_TIMEOUT"]),
            LoginSession.created_at < cutoff - timedelta(seconds=cfg["SESSION_MAX_AGE"]),
        )
    )
    with transaction():
        return db.session.execute(stmt).rowcount


def _end_where(*criteria) -> int:
    with transaction():
        return _mark_ended(*criteria)


def _mark_ended(*criteria) -> int:
    stmt = (
        update(LoginSession)
        .where(*criteria, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return db.session.execute(stmt).rowcount
