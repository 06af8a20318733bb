"""Automatic trading rules and the log of every decision they take."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Money, Percent, Price
from utils.clock import utcnow


class AutoRule(db.Model):
    """Buy when the price is below its moving average by more than ``buy_below_pct``,
    sell when above it by more than ``sell_above_pct``, within the rule's limits."""

    __tablename__ = "auto_rule"
    __table_args__ = (
        CheckConstraint("window_seconds > 0", name="rule_window_positive"),
        CheckConstraint("cooldown_seconds >= 1", name="rule_cooldown_positive"),
        Index("ix_auto_rule_active_ticker", "active", "ticker"),
    )

    rule_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10))
    window_seconds: Mapped[int] = mapped_column(default=5)
    buy_below_pct: Mapped[Decimal] = mapped_column(Percent)
    sell_above_pct: Mapped[Decimal] = mapped_column(Percent)
    quantity: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(Money)
    max_position: Mapped[int | None]
    max_trades_per_day: Mapped[int] = mapped_column(default=10)
    cooldown_seconds: Mapped[int] = mapped_column(default=60)
    ends_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    last_trade_at: Mapped[datetime | None]
    trades_day: Mapped[date | None]
    trades_today: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RuleDecision(db.Model):
    """One decision of a rule: the prices that led to it, traded or skipped, and why."""

    __tablename__ = "rule_decision"
    __table_args__ = (Index("ix_rule_decision_rule_at", "rule_id", "decided_at"),)

    decision_id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("auto_rule.rule_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    side: Mapped[str] = mapped_column(String(4))
    price: Mapped[Decimal] = mapped_column(Price)
    average: Mapped[Decimal] = mapped_column(Price)
    deviation_pct: Mapped[Decimal] = mapped_column(Percent)
    outcome: Mapped[str] = mapped_column(String(8))  # traded | skipped
    reason: Mapped[str] = mapped_column(Text)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.order_id"))
