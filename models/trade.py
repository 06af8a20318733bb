"""Trading: orders, their fills (transactions) and positions."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Money, Price
from utils.clock import utcnow


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("order_quantity > 0", name="quantity_positive"),
        CheckConstraint("filled_quantity >= 0", name="filled_not_negative"),
    )

    order_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    ticker: Mapped[str] = mapped_column(String(10), index=True)
    order_type: Mapped[str] = mapped_column(String(4), index=True)
    order_execution_type: Mapped[str] = mapped_column(String(16), index=True)
    order_price: Mapped[Decimal | None] = mapped_column(Price)
    order_quantity: Mapped[int]
    filled_quantity: Mapped[int] = mapped_column(default=0)
    order_status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    executed_at: Mapped[datetime | None]
    remark: Mapped[str | None] = mapped_column(Text)


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
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
