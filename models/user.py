"""People who sign in: users, admins, their API tokens and login attempts."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from utils.clock import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), unique=True)
    user_email: Mapped[str] = mapped_column(String(120), unique=True)
    user_password: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    display_name: Mapped[str | None] = mapped_column(String(64))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    default_order_quantity: Mapped[int | None]

    account: Mapped["AccountBalance"] = relationship(back_populates="user")  # noqa: F821

    role = "user"

    @property
    def id(self) -> int:
        return self.user_id

    @property
    def name(self) -> str:
        return self.user_name

    @property
    def display_label(self) -> str:
        """The display name from the profile, else the username."""
        return self.display_name or self.user_name

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def get_id(self) -> str:
        return f"user:{self.user_id}"


class Admin(UserMixin, db.Model):
    __tablename__ = "admin"

    admin_id: Mapped[int] = mapped_column(primary_key=True)
    admin_name: Mapped[str] = mapped_column(String(64), unique=True)
    admin_password: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    role = "admin"

    @property
    def id(self) -> int:
        return self.admin_id

    @property
    def name(self) -> str:
        return self.admin_name

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def get_id(self) -> str:
        return f"admin:{self.admin_id}"


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    token_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.user_id"), index=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admin.admin_id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class LoginAttempt(db.Model):
    """One failed sign-in, counted per account and per address for throttling."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_created", "username", "created_at"),
        Index("ix_login_attempt_ip_created", "ip", "created_at"),
    )

    attempt_id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
