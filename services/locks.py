"""The trading row locks, taken with one Core SELECT ... FOR UPDATE each.

One statement locks a user's account, then their position in a ticker, then (when
named) their order: the account is the outer table of LEFT JOINs, and on MySQL/
MariaDB ``STRAIGHT_JOIN`` keeps the tables in the order written, so InnoDB takes
the row locks in the fixed order account, position, order (and, for a new order,
the owner's user row last, to refuse a disabled owner). SQLite has no row
locks; there every transaction begins with BEGIN IMMEDIATE (see app.configure_sqlite).

A lock reads only what the trading code uses: no update stamps (the UPDATE sets
them), and no order columns when an order is placed. A user cancelling an order
names only the order: its ticker, which never changes, comes from a plain
(non-locking) subquery, so the owner costs no query of its own.

The batch form locks the accounts of several users in ascending user_id, each with
its position and triggered orders, for the worker's fills of one ticker.

Rows already locked in the transaction are not read again: services.rows keeps their
stored values until it ends (a DTS group locks the same user's rows command after
command).
"""

from sqlalchemy import and_, bindparam, select

from models import AccountBalance, Order, Portfolio, User
from services import direct
from services.errors import Conflict
from services.rows import (
    AccountRecord,
    OrderRecord,
    PositionRecord,
    account_key,
    held_key,
    pending,
    position_key,
    row_key,
)

A, P, ORD, U = AccountBalance.__table__, Portfolio.__table__, Order.__table__, User.__table__
HOLDER = ((A, AccountRecord), (P, PositionRecord))  # account and position
PARTS = (*HOLDER, (ORD, OrderRecord))  # and the order


def _read(table) -> list:
    """The columns a lock reads: all but the update stamps."""
    return [c for c in table.columns if c.onupdate is None]


def _columns(parts) -> list:
    return [c for table, _ in parts for c in _read(table)]


def _locking(stmt):
    return stmt.with_for_update().prefix_with("STRAIGHT_JOIN", dialect="mysql")


def _position_in(ticker):
    """The locked user's position in ``ticker`` (a bind or a subquery)."""
    return A.outerjoin(P, and_(P.c.user_id == A.c.user_id, P.c.ticker == ticker))


def _with_order(join, order_match):
    return join.outerjoin(ORD, and_(order_match, ORD.c.user_id == A.c.user_id))


THE_USER = A.c.user_id == bindparam("user_id")
# The owner's row is locked last, so whether they may still trade is read as committed
# by an admin's disable, which changes it while holding the account (services.accounts).
HOLDING = _locking(
    select(*_columns(HOLDER), U.c.is_enabled)
    .select_from(_position_in(bindparam("ticker")).join(U, U.c.user_id == A.c.user_id))
    .where(THE_USER)
)
TRADER = _locking(
    select(*_columns(PARTS))
    .select_from(
        _with_order(_position_in(bindparam("ticker")), ORD.c.order_id == bindparam("order_id"))
    )
    .where(THE_USER)
)
_TICKED = ORD.alias("ticked")
ORDER_TICKER = (
    select(_TICKED.c.ticker)
    .where(_TICKED.c.order_id == bindparam("order_id"), _TICKED.c.user_id == bindparam("user_id"))
    .scalar_subquery()
)
OWN_ORDER = _locking(
    select(*_columns(PARTS))
    .select_from(_with_order(_position_in(ORDER_TICKER), ORD.c.order_id == bindparam("order_id")))
    .where(THE_USER)
)

BATCH = _locking(
    select(*_columns(PARTS))
    .select_from(
        _with_order(
            _position_in(bindparam("ticker")),
            ORD.c.order_id.in_(bindparam("order_ids", expanding=True)),
        )
    )
    .where(A.c.user_id.in_(bindparam("user_ids", expanding=True)))
    .order_by(A.c.user_id, ORD.c.order_id)
)

OWNER = select(ORD.c.user_id, ORD.c.ticker).where(ORD.c.order_id == bindparam("order_id"))


def _layout(parts) -> list[tuple]:
    """(record class, column names, first index, key index) of each part of a lock's row."""
    layout, start = [], 0
    for table, cls in parts:
        names = [c.name for c in _read(table)]
        layout.append((cls, names, start, start + names.index(cls.key)))
        start += len(names)
    return layout


HOLDER_LAYOUT, PARTS_LAYOUT = _layout(HOLDER), _layout(PARTS)
ACCOUNT = _locking(select(*_read(A)).where(THE_USER))
NO_ROW = object()  # not among the rows locked so far


def _split(session, row, layout=PARTS_LAYOUT) -> list:
    """The row's records, in lock order (None for a missing part), tracked; their
    values are kept as locked (services.rows.Pending.held)."""
    found, tracked = [], pending(session)
    for cls, names, start, key in layout:
        if row[key] is None:
            found.append(None)
        else:
            values = dict(zip(names, row[start : start + len(names)], strict=True))
            record = cls(values)
            tracked.held[held_key(record)] = values
            found.append(tracked.track(record))
    return found


def _from_held(session, user_id: int, ticker: str | None, order_id: int | None):
    """(account, position or None, order or None) from the rows this transaction has
    locked already, or None when one of those asked for has not been locked yet."""
    tracked = pending(session)
    held = tracked.held
    account = held.get(account_key(user_id))
    if account is None:
        return None
    position = order = None
    if ticker is not None:
        position = held.get(position_key(user_id, ticker), NO_ROW)
        if position is NO_ROW:
            return None
    if order_id is not None:
        order = held.get(row_key(ORD, order_id))
        if order is None or order["user_id"] != user_id:
            return None
    return (
        tracked.track(AccountRecord(account)),
        None if position is None else tracked.track(PositionRecord(position)),
        None if order is None else tracked.track(OrderRecord(order)),
    )


def _locked(session, stmt, params, layout=PARTS_LAYOUT) -> tuple:
    """(account, position, order) locked by ``stmt``; None for each part not found."""
    row = direct.run(session.connection(), stmt, params).first()
    if row is None:
        return None, None, None
    found = _split(session, row, layout)
    return (*found, None) if layout is HOLDER_LAYOUT else tuple(found)


def lock_trader(session, user_id: int, ticker: str, order_id: int | None = None):
    """Lock (account, position or None, order or None) of ``user_id`` in one statement;
    without ``order_id`` no order columns are read, and a disabled owner is refused (409):
    that is the lock of every new order. Rows this transaction has locked already come
    from memory."""
    found = _from_held(session, user_id, ticker, order_id)
    if found is not None:
        return found
    if order_id is None:
        row = direct.run(session.connection(), HOLDING, {"user_id": user_id, "ticker": ticker})
        row = row.first()
        if row is not None and not row[-1]:
            raise Conflict("This account is disabled: it cannot trade.")
        found = (None, None, None) if row is None else (*_split(session, row, HOLDER_LAYOUT), None)
    else:
        params = {"user_id": user_id, "ticker": ticker, "order_id": order_id}
        found = _locked(session, TRADER, params)
    if found[0] is not None and found[1] is None:
        pending(session).held[position_key(user_id, ticker)] = None  # none yet
    return found


def lock_account(session, user_id: int) -> AccountRecord | None:
    """Lock the account row of ``user_id`` (or None), from memory if already locked."""
    found = _from_held(session, user_id, None, None)
    if found is not None:
        return found[0]
    row = direct.run(session.connection(), ACCOUNT, {"user_id": user_id}).first()
    return None if row is None else _split(session, row, HOLDER_LAYOUT[:1])[0]


def lock_own_order(session, user_id: int, order_id: int):
    """Lock (account, position or None, order or None) of ``user_id`` for their order
    ``order_id``, in one statement; the order is None unless it is theirs."""
    return _locked(session, OWN_ORDER, {"user_id": user_id, "order_id": order_id})


def order_owner(session, order_id: int):
    """(user_id, ticker) of an order, or None (a plain read; they never change)."""
    return direct.run(session.connection(), OWNER, {"order_id": order_id}).one_or_none()


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
    for row in session.connection().execute(BATCH, params):
        account, position, order = _split(session, row)
        accounts[account.user_id] = account
        if position is not None:
            positions[account.user_id] = position
        if order is not None:
            orders[order.order_id] = order
    return accounts, positions, orders
