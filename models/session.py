"""Server-side sign-in sessions: the cookie names one, and ending it ends the cookie."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from utils.clock import utcnow


class LoginSession(db.Model):
    """One signed-in browser. Only the SHA-256 of the cookie's session id is stored."""

    __tablename__ = "login_session"
    __table_args__ = (Index("ix_login_session_owner", "owner_kind", "owner_id"),)

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int]
    ip: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
