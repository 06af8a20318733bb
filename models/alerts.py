"""Price alerts and in-app notifications."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Price
from utils.clock import utcnow

ALERT_KINDS = ("above", "below", "move_up", "move_down")  # price, or % move in the day


class PriceAlert(db.Model):
    """Fires once when the worker sees the price (or the day's % move) cross its threshold."""

    __tablename__ = "price_alert"
    __table_args__ = (Index("ix_price_alert_open", "fired_at", "ticker"),)

    alert_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    threshold: Mapped[Decimal] = mapped_column(Price)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fired_at: Mapped[datetime | None]
    fired_price: Mapped[Decimal | None] = mapped_column(Price)


class Notification(db.Model):
    """Something the user should see: stays in the list until read."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    notification_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"))
    kind: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
