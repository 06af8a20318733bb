"""Two-factor sign-in: a TOTP secret per person and their one-time recovery codes."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from utils.clock import utcnow


class TwoFactor(db.Model):
    """A user's or an admin's TOTP secret; in force once ``enabled_at`` is set (after the
        first code is confirmed). ``last_step`` is the newest 30-second step used, so one
        code signs in once. Wrong codes are counted here, on the server, so that a client
    cannot reset its count by replaying an old cookie."""

    __tablename__ = "two_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.user_id"), unique=True)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("admin.admin_id"), unique=True)
    secret: Mapped[str] = mapped_column(String(32))
    last_step: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enabled_at: Mapped[datetime | None]


class RecoveryCode(db.Model):
    """One recovery code (only its SHA-256 hash), good for one sign-in."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    two_factor_id: Mapped[int] = mapped_column(
        ForeignKey("two_factor.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
