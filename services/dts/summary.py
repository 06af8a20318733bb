"""A DTS user's balances, holdings and triggers (DISPLAY_SUMMARY and --summary-json)."""

from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, AccountBalance, CashLedger, Order, Portfolio
from services.dts.book import symbol
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


def balances(user_id: int) -> dict:
    """Free and reserved cash, free and reserved shares, buy and sell triggers."""
    account = db.session.execute(select(A).where(A.c.user_id == user_id)).one()
    out = {
        "cash": money(account.available_balance),
        "reserved_cash": money(account.frozen_balance),
        "holdings": {},
        "reserved_shares": {},
        "buy_triggers": {},
        "sell_triggers": {},
    }
    for p in db.session.execute(select(P).where(P.c.user_id == user_id).order_by(P.c.ticker)):
        if p.quantity:
            out["holdings"][symbol(p.ticker)] = p.quantity - p.reserved_quantity
        if p.reserved_quantity:
            out["reserved_shares"][symbol(p.ticker)] = p.reserved_quantity
    triggers = select(ORD).where(
        ORD.c.user_id == user_id, ORD.c.source == "dts", ORD.c.order_status.in_(OPEN_STATUSES)
    )
    for o in db.session.execute(triggers.order_by(ORD.c.order_id)):
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
    """The user's latest cash movements, newest first."""
    rows = db.session.execute(
        select(LEDGER.c.kind, LEDGER.c.amount, LEDGER.c.balance_after, LEDGER.c.created_at)
        .where(LEDGER.c.user_id == user_id)
        .order_by(LEDGER.c.entry_id.desc())
        .limit(limit)
    )
    return [
        {
            "kind": r.kind,
            "amount": money(r.amount),
            "balance_after": money(r.balance_after),
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def display(user_id: int) -> dict:
    """DISPLAY_SUMMARY: history, balances, holdings and triggers."""
    return {**balances(user_id), "history": history(user_id)}
