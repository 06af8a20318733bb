"""Cash: balances, deposit/withdrawal requests and the cash ledger."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import Money
from utils.clock import utcnow

ZERO = Decimal("0.00")


class AccountBalance(db.Model):
    """A user's cash: total = available + frozen, and neither goes negative."""

    __tablename__ = "account_balance"
    __table_args__ = (
        CheckConstraint("available_balance >= 0", name="available_not_negative"),
        CheckConstraint("frozen_balance >= 0", name="frozen_not_negative"),
        CheckConstraint("total_balance = available_balance + frozen_balance", name="total_is_sum"),
    )

    balance_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), unique=True)
    available_balance: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    frozen_balance: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    total_balance: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship(back_populates="account")  # noqa: F821


class FundTransaction(db.Model):
    """A deposit or withdrawal request, decided once by an admin."""

    __tablename__ = "fund_transaction"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    transaction_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    transaction_type: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None]
    remark: Mapped[str | None] = mapped_column(String(255))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("admin.admin_id"))

    user: Mapped["User"] = relationship()  # noqa: F821
    operator: Mapped["Admin | None"] = relationship()  # noqa: F821


class CashLedger(db.Model):
    """One row per movement of a user's total cash; the rows sum to total_balance."""

    __tablename__ = "cash_ledger"
    __table_args__ = (Index("ix_cash_ledger_user_entry", "user_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    kind: Mapped[str] = mapped_column(String(20))
    reference_type: Mapped[str] = mapped_column(String(20))
    reference_id: Mapped[int] = mapped_column(BigInteger)  # a DTS ADD's transaction number
    balance_after: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountReset(db.Model):
    """An account reset to a fresh starting balance: open orders cancelled, positions
    closed, cash set by one ledger row. Fills up to ``after_transaction_id`` belong to the
    account's life before the reset."""

    __tablename__ = "account_reset"

    reset_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.user_id"), index=True)
    previous_total: Mapped[Decimal] = mapped_column(Money)
    starting_balance: Mapped[Decimal] = mapped_column(Money)
    after_transaction_id: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteSetting(db.Model):
    """A setting an admin changes at run time (its default comes from the configuration)."""

    __tablename__ = "site_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
