"""Demo traders for the generator: registered, funded through approved deposits."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, Admin, Order, Portfolio, User
from services import accounts, funds, tokens

START_CASH = "50000.00"


@dataclass
class Trader:
    """A generated trader: their id, name and (over HTTP) API token."""

    user_id: int
    username: str
    token: str | None = None


def operator() -> Admin:
    """The admin who approves the generated traders' deposits (created once)."""
    admin = db.session.scalar(select(Admin).where(Admin.admin_name == "sim_operator"))
    if admin is None:
        admin = accounts.create_admin("sim_operator", secrets.token_urlsafe(16) + "9z")
    return admin


def create(count: int, prefix: str, with_tokens: bool) -> list[Trader]:
    """Register ``count`` traders named ``prefix``-N with START_CASH approved each."""
    admin = operator()
    made = []
    for n in range(count):
        name = f"{prefix}{n + 1}"
        user = accounts.register_user(name, f"{name}@sim.invalid", secrets.token_urlsafe(16) + "7a")
        request = funds.request_deposit(user, START_CASH)
        funds.approve(admin, request.transaction_id)
        token = tokens.create_token(user, "traffic generator")[1] if with_tokens else None
        made.append(Trader(user.user_id, name, token))
    return made


def means(user_id: int) -> tuple[Decimal, dict[str, int]]:
    """A trader's available cash and free shares by ticker, read fresh."""
    user = db.session.get(User, user_id)
    db.session.refresh(user.account)
    cash = user.account.available_balance
    rows = db.session.execute(
        select(Portfolio.ticker, Portfolio.quantity - Portfolio.reserved_quantity).where(
            Portfolio.user_id == user_id
        )
    ).all()
    db.session.rollback()  # end the read; the next action locks what it changes
    return cash, {ticker: free for ticker, free in rows if free > 0}


def still_open(order_ids: list[int]) -> list[int]:
    """The orders of ``order_ids`` that are still open (the worker may have filled some)."""
    if not order_ids:
        return []
    found = db.session.scalars(
        select(Order.order_id).where(
            Order.order_id.in_(order_ids), Order.order_status.in_(OPEN_STATUSES)
        )
    ).all()
    db.session.rollback()
    return sorted(found)
