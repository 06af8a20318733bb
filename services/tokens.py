"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from extensions import db
from models import Admin, ApiToken, User
from services import audit, token_cache
from services.db import lock_person, transaction
from services.errors import NotFound, ServiceError
from services.pool import autocommit_engine
from utils.clock import utcnow

TOKEN_PREFIX = "pd_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(plaintext: str) -> str:
    """Return the hex SHA-256 of a token (tokens are random, so a fast hash is enough)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _owner_filter(owner):
    if isinstance(owner, Admin):
        return ApiToken.admin_id == owner.admin_id
    return ApiToken.user_id == owner.user_id


def list_tokens(owner) -> list[ApiToken]:
    """The owner's tokens, newest first, revoked ones included."""
    stmt = select(ApiToken).where(_owner_filter(owner)).order_by(ApiToken.token_id.desc())
    return list(db.session.scalars(stmt))


def create_token(owner, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create a token for a User or Admin; return it with its plaintext, shown only now."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 64:
        raise ServiceError("Token name must be 1-64 characters.", field="name")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction():
        lock_person(owner)  # the count and the insert are one step for this owner
        active = db.session.scalar(
            select(func.count()).where(_owner_filter(owner), ApiToken.revoked_at.is_(None))
        )
        if active >= current_app.config["API_TOKENS_PER_OWNER"]:
            raise ServiceError("You have too many active tokens; revoke one first.")
        token = ApiToken(name=name, token_hash=hash_token(plaintext), token_prefix=plaintext[:10])
        if isinstance(owner, Admin):
            token.admin_id = owner.admin_id
        else:
            token.user_id = owner.user_id
        db.session.add(token)
        db.session.flush()
        audit.record(owner, "token.create", ("api_token", token.token_id), {"name": name}, ip)
    return token, plaintext


def revoke_token(owner, token_id: int, ip: str | None = None) -> ApiToken:
    """Revoke one of the owner's tokens; revoking twice is harmless."""
    with transaction():
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_id == token_id, _owner_filter(owner))
        )
        if token is None:
            raise NotFound("No such token.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record(owner, "token.revoke", ("api_token", token_id), ip=ip)
    return token


def owner_of(plaintext: str):
    """Return the enabled User or Admin a live token belongs to, or None.

    A token resolved in the last TOKEN_CACHE_SECONDS comes from this process's cache
    (services.token_cache) with no query. Otherwise one query reads the token and its
    owner; on MySQL/MariaDB it runs on the autocommit pool (services.pool), so it leaves
    no transaction for the request to end. Either way the owner is attached to
    db.session without a query. The token's last use is written at most once a minute,
    in a statement of its own.
    """
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    digest, cache = hash_token(plaintext), token_cache.current()
    entry = cache.get(digest)
    if entry is None:
        entry = _look_up(digest, cache)
        if entry is None:
            return None
    _touch(entry)
    return db.session.merge(entry.owner, load=False)


def _look_up(digest: str, cache) -> token_cache.Entry | None:
    """Read the token and its owner; a live token of an enabled owner is cached."""
    generation, engine = cache.generation, autocommit_engine()
    if engine is None:
        found = db.session.execute(_LOOKUP, {"hash": digest}).one_or_none()
    else:
        with Session(engine) as reader:
            found = reader.execute(_LOOKUP, {"hash": digest}).one_or_none()
    if found is None:
        return None
    token, user, admin = found
    owner = admin if token.admin_id else user
    if token.is_revoked or owner is None or not owner.is_enabled:
        return None
    return cache.put(digest, token, owner, generation)


_LOOKUP = (
    select(ApiToken, User, Admin)
    .outerjoin(User, User.user_id == ApiToken.user_id)
    .outerjoin(Admin, Admin.admin_id == ApiToken.admin_id)
    .where(ApiToken.token_hash == bindparam("hash"))
)


def _touch(entry: token_cache.Entry) -> None:
    """Record the token's use, at most one write a minute per token."""
    now = utcnow()
    if entry.last_used_at is not None and now - entry.last_used_at <= LAST_USED_RESOLUTION:
        return
    entry.last_used_at = now  # the cached entry too, so the next minute writes nothing
    stmt = update(ApiToken).where(ApiToken.token_id == entry.token_id).values(last_used_at=now)
    engine = autocommit_engine()
    if engine is None:
        db.session.execute(stmt)
        db.session.commit()
    else:
        with engine.connect() as conn:
            conn.execute(stmt)  # autocommit: this statement is its own transaction
