"""A DTS user's balances, holdings and triggers (DISPLAY_SUMMARY and --summary-json)."""

from sqlalchemy import bindparam, select

from extensions import db
from models import OPEN_STATUSES, AccountBalance, CashLedger, Order, Portfolio
from services import direct
from services.dts.book import symbol
from services.rows import pending
from utils.formatting import iso
from utils.money import format_money

A, P, ORD, LEDGER = (
    AccountBalance.__table__,
    Portfolio.__table__,
    Order.__table__,
    CashLedger.__table__,
)


def money(value) -> str:
    """Cash with 2 decimals, no thousands separators."""
    return format_money(value).replace(",", "")


# Only the columns the summary shows: a user may hold hundreds of positions and triggers.
ACCOUNT = select(A.c.available_balance, A.c.frozen_balance).where(
    A.c.user_id == bindparam("user_id")
)
HOLDINGS = (
    select(P.c.ticker, P.c.quantity, P.c.reserved_quantity)
    .where(P.c.user_id == bindparam("user_id"), P.c.quantity != 0)
    .order_by(P.c.ticker)
)
TRIGGERS = (
    select(
        ORD.c.ticker,
        ORD.c.order_type,
        ORD.c.requested_amount,
        ORD.c.trigger_dir,
        ORD.c.order_price,
        ORD.c.order_quantity,
    )
    .where(
        ORD.c.user_id == bindparam("user_id"),
        ORD.c.source == "dts",
        ORD.c.order_status.in_(OPEN_STATUSES),
    )
    .order_by(ORD.c.order_id)
)
HISTORY = (
    select(LEDGER.c.kind, LEDGER.c.amount, LEDGER.c.balance_after, LEDGER.c.created_at)
    .where(LEDGER.c.user_id == bindparam("user_id"))
    .order_by(LEDGER.c.entry_id.desc())
    .limit(bindparam("limit"))
)


def balances(user_id: int) -> dict:
    """Free and reserved cash, free and reserved shares, buy and sell triggers."""
    params = {"user_id": user_id}
    conn = db.session.connection()
    account = direct.run(conn, ACCOUNT, params).one()
    out = {
        "cash": money(account.available_balance),
        "reserved_cash": money(account.frozen_balance),
        "holdings": {},
        "reserved_shares": {},
        "buy_triggers": {},
        "sell_triggers": {},
    }
    for p in direct.run(conn, HOLDINGS, params):
        out["holdings"][symbol(p.ticker)] = p.quantity - p.reserved_quantity
        if p.reserved_quantity:
            out["reserved_shares"][symbol(p.ticker)] = p.reserved_quantity
    for o in direct.run(conn, TRIGGERS, params):
        entry = {
            "amount": money(o.requested_amount),
            "price": None if o.trigger_dir is None else money(o.order_price),
        }
        if o.order_type == "buy":
            out["buy_triggers"][symbol(o.ticker)] = entry
        else:
            entry["shares"] = o.order_quantity if o.trigger_dir is not None else 0
            out["sell_triggers"][symbol(o.ticker)] = entry
    return out


def history(user_id: int, limit: int = 20) -> list[dict]:
    """The user's latest cash movements, newest first: those of the current transaction
    that are still waiting for its multi-row INSERT (services.rows), then the stored ones."""
    waiting = pending(db.session).rows.get(LEDGER, ())
    unsent = [_entry(**r) for r in reversed(waiting) if r["user_id"] == user_id][:limit]
    if len(unsent) == limit:
        return unsent
    params = {"user_id": user_id, "limit": limit - len(unsent)}
    rows = direct.run(db.session.connection(), HISTORY, params)
    return unsent + [_entry(**r._asdict()) for r in rows]


def _entry(kind, amount, balance_after, created_at, **_other) -> dict:
    return {
        "kind": kind,
        "amount": money(amount),
        "balance_after": money(balance_after),
        "at": iso(created_at),  # to the second, as every database stores it
    }


def display(user_id: int) -> dict:
    """DISPLAY_SUMMARY: history, balances, holdings and triggers."""
    return {**balances(user_id), "history": history(user_id)}
