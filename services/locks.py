"""The trading row locks, taken with one Core SELECT ... FOR UPDATE each.

One statement locks a user's account, then their position in a ticker, then (when
named) their order: the account is the outer table of LEFT JOINs, and on MySQL/
MariaDB ``STRAIGHT_JOIN`` keeps the tables in the order written, so InnoDB takes
the row locks in the fixed order account, position, order. SQLite has no row
locks; there every transaction begins with BEGIN IMMEDIATE (see app.configure_sqlite).

The batch form locks the accounts of several users in ascending user_id, each with
its position and triggered orders, for the worker's fills of one ticker.
"""

from sqlalchemy import and_, bindparam, select

from models import AccountBalance, Order, Portfolio
from services.rows import AccountRecord, OrderRecord, PositionRecord, pending

A, P, ORD = AccountBalance.__table__, Portfolio.__table__, Order.__table__
PARTS = ((A, "a_", AccountRecord), (P, "p_", PositionRecord), (ORD, "o_", OrderRecord))
# The position of the locked user in the ticker being traded.
WITH_POSITION = A.outerjoin(P, and_(P.c.user_id == A.c.user_id, P.c.ticker == bindparam("ticker")))


def _columns():
    return [c.label(prefix + c.name) for table, prefix, _ in PARTS for c in table.columns]


def _locking(stmt):
    return stmt.with_for_update().prefix_with("STRAIGHT_JOIN", dialect="mysql")


TRADER = _locking(
    select(*_columns())
    .select_from(
        WITH_POSITION.outerjoin(
            ORD, and_(ORD.c.order_id == bindparam("order_id"), ORD.c.user_id == A.c.user_id)
        )
    )
    .where(A.c.user_id == bindparam("user_id"))
)

BATCH = _locking(
    select(*_columns())
    .select_from(
        WITH_POSITION.outerjoin(
            ORD,
            and_(
                ORD.c.user_id == A.c.user_id,
                ORD.c.order_id.in_(bindparam("order_ids", expanding=True)),
            ),
        )
    )
    .where(A.c.user_id.in_(bindparam("user_ids", expanding=True)))
    .order_by(A.c.user_id, ORD.c.order_id)
)

OWNER = select(ORD.c.user_id, ORD.c.ticker).where(ORD.c.order_id == bindparam("order_id"))


def _split(session, row) -> list:
    """The row's account, position and order records (None for a missing part), tracked."""
    found = []
    mapping = row._mapping
    for table, prefix, cls in PARTS:
        values = {c.name: mapping[prefix + c.name] for c in table.columns}
        record = None if values[cls.key] is None else pending(session).track(cls(values))
        found.append(record)
    return found


def lock_trader(session, user_id: int, ticker: str, order_id: int | None = None):
    """Lock (account, position or None, order or None) of ``user_id`` in one statement."""
    params = {"user_id": user_id, "ticker": ticker, "order_id": order_id or 0}
    row = session.execute(TRADER, params).one_or_none()
    if row is None:
        return None, None, None
    return tuple(_split(session, row))


def order_owner(session, order_id: int):
    """(user_id, ticker) of an order, or None (a plain read; they never change)."""
    return session.execute(OWNER, {"order_id": order_id}).one_or_none()


def lock_batch(session, ticker: str, owners: dict[int, int]):
    """Lock the accounts, positions in ``ticker`` and orders of ``owners`` (order -> user).

    Returns ({user_id: account}, {user_id: position}, {order_id: order}).
    """
    params = {
        "ticker": ticker,
        "user_ids": sorted(set(owners.values())),
        "order_ids": sorted(owners),
    }
    accounts, positions, orders = {}, {}, {}
    for row in session.execute(BATCH, params):
        account, position, order = _split(session, row)
        accounts[account.user_id] = account
        if position is not None:
            positions[account.user_id] = position
        if order is not None:
            orders[order.order_id] = order
    return accounts, positions, orders
