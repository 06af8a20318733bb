"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import Admin, ApiToken, User
from services import audit
from services.db import lock_person, transaction
from services.errors import NotFound, ServiceError
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
    """Return the enabled User or Admin a live token belongs to, or None."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.is_revoked:
        return None
    owner = db.session.get(Admin if token.admin_id else User, token.admin_id or token.user_id)
    if owner is None or not owner.is_enabled:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now  # at most one write a minute per token
        db.session.commit()
    return owner
