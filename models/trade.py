"""Trading: orders, their fills (transactions) and positions."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Money, Percent, Price
from utils.clock import utcnow

ORDER_STATUSES = ("pending", "partially_filled", "filled", "cancelled", "rejected", "expired")
OPEN_STATUSES = ("pending", "partially_filled")  # still working: may fill or be cancelled


class Order(db.Model):
    """An order. Resting orders carry a trigger (direction and price) that the worker
    matches with indexed range queries; the trigger is cleared when the order closes.

    Every index is written by every order placed: the side and the execution type have
    none of their own, as they are only ever read along with the ticker (the trailing
    index) or the user."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("order_quantity > 0", name="quantity_positive"),
        CheckConstraint("filled_quantity >= 0", name="filled_not_negative"),
        CheckConstraint("filled_quantity <= order_quantity", name="filled_in_range"),
        CheckConstraint("reserved_cash >= 0", name="reserved_cash_not_negative"),
        Index("ix_orders_trigger", "ticker", "trigger_dir", "trigger_price"),
        Index("ix_orders_trailing", "ticker", "order_execution_type", "order_type", "water_mark"),
        Index("ix_orders_user_created", "user_id", "created_at"),
    )

    order_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10), index=True)
    order_type: Mapped[str] = mapped_column(String(4))
    order_execution_type: Mapped[str] = mapped_column(String(16))
    order_price: Mapped[Decimal | None] = mapped_column(Price)
    stop_price: Mapped[Decimal | None] = mapped_column(Price)
    trail_amount: Mapped[Decimal | None] = mapped_column(Price)
    trail_percent: Mapped[Decimal | None] = mapped_column(Percent)
    water_mark: Mapped[Decimal | None] = mapped_column(Price)
    stop_triggered: Mapped[bool] = mapped_column(default=False)
    trigger_dir: Mapped[str | None] = mapped_column(String(2))
    trigger_price: Mapped[Decimal | None] = mapped_column(Price)
    time_in_force: Mapped[str] = mapped_column(String(3), default="gtc")
    order_quantity: Mapped[int]
    requested_amount: Mapped[Decimal | None] = mapped_column(Money)
    filled_quantity: Mapped[int] = mapped_column(default=0)
    reserved_cash: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    average_fill_price: Mapped[Decimal | None] = mapped_column(Price)
    total_commission: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    order_status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    source: Mapped[str] = mapped_column(String(10), default="user")
    decided_by: Mapped[str | None] = mapped_column(String(10))  # "admin": executed or rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    executed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    remark: Mapped[str | None] = mapped_column(Text)

    @property
    def remaining(self) -> int:
        return self.order_quantity - self.filled_quantity

    @property
    def is_open(self) -> bool:
        return self.order_status in OPEN_STATUSES


class Transaction(db.Model):
    """One fill of an order."""

    __tablename__ = "transaction"

    transaction_id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.order_id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10))
    transaction_type: Mapped[str] = mapped_column(String(4))
    transaction_price: Mapped[Decimal] = mapped_column(Price)
    transaction_quantity: Mapped[int]
    transaction_amount: Mapped[Decimal] = mapped_column(Money)
    transaction_time: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    commission: Mapped[Decimal | None] = mapped_column(Money)
    realized_pnl: Mapped[Decimal | None] = mapped_column(Money)


class Portfolio(db.Model):
    """A position; reserved_quantity is held by open sell orders."""

    __tablename__ = "portfolio"
    __table_args__ = (
        UniqueConstraint("user_id", "ticker"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(
            "reserved_quantity >= 0 AND reserved_quantity <= quantity", name="reserved_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"))
    ticker: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(default=0)
    reserved_quantity: Mapped[int] = mapped_column(default=0)
    average_price: Mapped[Decimal] = mapped_column(Price, default=Decimal("0"))
    total_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    realized_pnl: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuoteHold(db.Model):
    """A price held for 60 s: committed within the hold it fills at exactly that price."""

    __tablename__ = "quote_hold"

    hold_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10))
    order_type: Mapped[str] = mapped_column(String(4))
    quantity: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(Money)
    price: Mapped[Decimal] = mapped_column(Price)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default="held")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.order_id"))
