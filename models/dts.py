"""The Day Trading System's audit log: one row per event of a DTS command.

Everything else a DTS command touches (users, cash, holds, orders, fills, the
ledger) lives in PaperDesk's own tables; this table only records what happened,
in the shape of the DTS log schema (``logfile.xsd``).
"""

from decimal import Decimal

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import Money, Price

DTS_EVENT_KINDS = (
    "userCommand",
    "quoteServer",
    "accountTransaction",
    "systemEvent",
    "errorEvent",
)


class DtsEvent(db.Model):
    __tablename__ = "dts_event"
    __table_args__ = (
        Index("ix_dts_event_user_time", "username", "timestamp_ms"),
        Index("ix_dts_event_time", "timestamp_ms"),
        Index("ix_dts_event_kind_time", "kind", "timestamp_ms"),
    )

    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    transaction_num: Mapped[int] = mapped_column(BigInteger)  # server numbers pass 2**31 - 1
    server: Mapped[str] = mapped_column(String(32))
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    command: Mapped[str | None] = mapped_column(String(20))
    username: Mapped[str | None] = mapped_column(String(64))
    stock_symbol: Mapped[str | None] = mapped_column(String(10))
    funds: Mapped[Decimal | None] = mapped_column(Money)
    price: Mapped[Decimal | None] = mapped_column(Price)
    filename: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str | None] = mapped_column(String(20))
    quote_server_time: Mapped[int | None] = mapped_column(BigInteger)
    cryptokey: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)


class DtsSequence(db.Model):
    """The next DTS transaction number the server hands out: one row, advanced under its
    row lock, so that processes running commands at once never share a number."""

    __tablename__ = "dts_sequence"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger)
