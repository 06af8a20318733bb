"""The DTS user's rows, locked in PaperDesk's fixed order (account, position, order)."""

from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, select, update

from extensions import db
from models import OPEN_STATUSES, AccountBalance, Order, QuoteHold
from services import locks
from services.errors import ServiceError
from services.rows import AccountRecord, OrderRecord, pending

TICKER_PREFIX = "~"  # DTS symbols are not market tickers: the price worker never sees them
A, ORD, HOLDS = AccountBalance.__table__, Order.__table__, QuoteHold.__table__

LOCK_ACCOUNT = select(A).where(A.c.user_id == bindparam("user_id")).with_for_update()
FIND_TRIGGER = (
    select(ORD.c.order_id)
    .where(
        ORD.c.user_id == bindparam("user_id"),
        ORD.c.ticker == bindparam("ticker"),
        ORD.c.order_type == bindparam("side"),
        ORD.c.source == "dts",
        ORD.c.order_status.in_(OPEN_STATUSES),
    )
    .order_by(ORD.c.order_id.desc())
    .limit(1)
)
LATEST_HOLD = (
    select(HOLDS.c.hold_id, HOLDS.c.ticker, HOLDS.c.amount, HOLDS.c.price)
    .where(
        HOLDS.c.user_id == bindparam("user_id"),
        HOLDS.c.order_type == bindparam("side"),
        HOLDS.c.status == "held",
        HOLDS.c.expires_at > bindparam("now"),
    )
    .order_by(HOLDS.c.hold_id.desc())
    .limit(1)
)
EXPIRE_HOLDS = (
    update(HOLDS)
    .where(
        HOLDS.c.user_id == bindparam("b_user"),
        HOLDS.c.order_type == bindparam("b_side"),
        HOLDS.c.status == "held",
        HOLDS.c.expires_at <= bindparam("b_now"),
    )
    .values(status="expired")
)
CLOSE_HOLD = (
    update(HOLDS)
    .where(and_(HOLDS.c.hold_id == bindparam("hold"), HOLDS.c.status == "held"))
    .values(status=bindparam("to"), order_id=bindparam("order"))
)


def ticker(symbol: str) -> str:
    """The PaperDesk ticker a DTS symbol trades under."""
    return TICKER_PREFIX + symbol


def symbol(stored: str) -> str:
    """The DTS symbol of a stored ticker."""
    return stored[len(TICKER_PREFIX) :] if stored.startswith(TICKER_PREFIX) else stored


def trader(user_id: int) -> SimpleNamespace:
    """The actor the engine's services expect (its audit rows name the user)."""
    return SimpleNamespace(user_id=user_id, id=user_id, role="user")


def lock_account(user_id: int) -> AccountRecord:
    """Lock the user's account row (one indexed row: no gap lock)."""
    row = db.session.execute(LOCK_ACCOUNT, {"user_id": user_id}).mappings().one()
    return pending(db.session).track(AccountRecord(dict(row)))


def lock_position(user_id: int, sym: str):
    """Lock the account, then the position in ``sym`` (or None): (account, position)."""
    account, position, _ = locks.lock_trader(db.session, user_id, ticker(sym))
    if position is None:
        position = pending(db.session).new_position(user_id, ticker(sym))
    return account, position


def lock_trigger(user_id: int, sym: str, side: str) -> OrderRecord | None:
    """Lock the user's open DTS trigger order for ``sym`` on ``side``, or None.

    Found with a plain read (the caller holds the account lock, which every change of the
    user's orders takes first), then locked by its key with the account and position, in
    the fixed order: a locking search would lock index rows of other users' orders.
    """
    params = {"user_id": user_id, "ticker": ticker(sym), "side": side}
    order_id = db.session.execute(FIND_TRIGGER, params).scalar()
    if order_id is None:
        return None
    _, _, order = locks.lock_trader(db.session, user_id, ticker(sym), order_id)
    return order


def latest_hold(user_id: int, side: str, now):
    """The user's most recent unexpired pending BUY or SELL (a plain read), or None."""
    params = {"user_id": user_id, "side": side, "now": now}
    return db.session.execute(LATEST_HOLD, params).one_or_none()


def expire_holds(user_id: int, side: str, now) -> None:
    """Drop the user's pending BUYs or SELLs older than their hold."""
    db.session.execute(EXPIRE_HOLDS, {"b_user": user_id, "b_side": side, "b_now": now})


def close_hold(hold_id: int, status: str, order_id: int | None = None) -> None:
    """Mark a pending hold committed or cancelled; refuse one already used."""
    result = db.session.execute(CLOSE_HOLD, {"hold": hold_id, "to": status, "order": order_id})
    if result.rowcount != 1:
        raise ServiceError("That pending transaction was already used.")


def free_shares(position) -> int:
    """Shares of the position that nothing reserves."""
    return 0 if position is None else position.quantity - position.reserved_quantity


def whole_shares(amount: Decimal, price: Decimal) -> int:
    """floor(amount / price)."""
    return int((amount / price).to_integral_value(ROUND_DOWN))
