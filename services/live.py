"""What live pages watch besides prices: a stamp of the user's account that changes
whenever cash moves or an order is placed, fills, is cancelled, expires or is rejected."""

from sqlalchemy import case, func, select

from extensions import db
from models import OPEN_STATUSES, AccountBalance, Order


def account_stamp(user_id: int) -> tuple:
    """Balances and order counters of the user; two equal stamps mean nothing changed."""
    balances = db.session.execute(
        select(
            AccountBalance.available_balance,
            AccountBalance.frozen_balance,
            AccountBalance.total_balance,
        ).where(AccountBalance.user_id == user_id)
    ).one_or_none()
    is_open = case((Order.order_status.in_(OPEN_STATUSES), 1), else_=0)
    orders = db.session.execute(
        select(
            func.count(Order.order_id),
            func.coalesce(func.sum(is_open), 0),
            func.coalesce(func.sum(Order.filled_quantity), 0),
        ).where(Order.user_id == user_id)
    ).one()
    return tuple(balances or ()) + tuple(int(x) for x in orders)
