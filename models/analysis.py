"""Analysis tables: each account's value at every day's close, and chart preferences."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Money
from utils.clock import utcnow


class AccountValuation(db.Model):
    """Cash plus positions at a day's close; net_flow is that day's deposits less withdrawals."""

    __tablename__ = "account_valuation"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    cash: Mapped[Decimal] = mapped_column(Money)
    positions_value: Mapped[Decimal] = mapped_column(Money)
    total_value: Mapped[Decimal] = mapped_column(Money)
    net_flow: Mapped[Decimal] = mapped_column(Money)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserPreference(db.Model):
    """A user's saved setting (JSON text), such as the stock page's indicators."""

    __tablename__ = "user_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
