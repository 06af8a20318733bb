"""Sign-in sessions kept on the server, so that signing out really ends them.

The session cookie carries a random session id; the database keeps its hash, its
owner and when it was last used. A session ends when its owner signs out, signs
out everywhere, changes their password or is disabled, when it has been idle for
SESSION_IDLE_TIMEOUT seconds, and SESSION_MAX_AGE seconds after sign-in at the latest.
"""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload

from extensions import db
from models import LoginSession, User
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


def signed_in(model, sid: str | None, owner_id: int):
    """The enabled ``model`` (User or Admin) ``owner_id`` when ``sid`` is one of its open,
    unexpired sessions (kept alive), else None. One query reads the account, its session
    and, for a user, the balances every signed-in page shows."""
    if not sid:
        return None
    params = {"sid_hash": _hash(sid), "owner_id": owner_id}
    found = db.session.execute(_signed_in_query(model), params).one_or_none()
    if found is None:
        return None
    account, row = found
    if not account.is_enabled or not _still_open(sid, row):
        return None
    return account


@cache
def _signed_in_query(model):
    """The account ``owner_id`` and its session ``sid_hash`` (None if not its own), built
    once per model."""
    key = model.__mapper__.primary_key[0]
    on_session = and_(
        LoginSession.sid_hash == bindparam("sid_hash"),
        LoginSession.owner_kind == model.role,
        LoginSession.owner_id == key,
    )
    stmt = select(model, LoginSession).outerjoin(LoginSession, on_session)
    stmt = stmt.where(key == bindparam("owner_id"))
    return stmt.options(joinedload(User.account)) if model is User else stmt


def _still_open(sid: str, row: LoginSession | None) -> bool:
    """True when the session ``row`` has not ended or expired; a live one is touched at
    most once a minute."""
    if row is None or row.ended_at is not None:
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
