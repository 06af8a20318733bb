"""The DTS user's rows, locked in PaperDesk's fixed order (account, position, order)."""

from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace

from sqlalchemy import bindparam, case, select, update

from extensions import db
from models import OPEN_STATUSES, AccountBalance, Order, QuoteHold
from services import direct, locks
from services.errors import ServiceError
from services.rows import AccountRecord, OrderRecord, pending

TICKER_PREFIX = "~"  # DTS symbols are not market tickers: the price worker never sees them
A, ORD, HOLDS = AccountBalance.__table__, Order.__table__, QuoteHold.__table__

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
HELD = (
    select(HOLDS.c.hold_id, HOLDS.c.ticker, HOLDS.c.amount, HOLDS.c.price, HOLDS.c.expires_at)
    .where(
        HOLDS.c.user_id == bindparam("user_id"),
        HOLDS.c.order_type == bindparam("side"),
        HOLDS.c.status == "held",
        HOLDS.c.source == "dts",  # not the user's quotes held on the platform's own pages
    )
    .order_by(HOLDS.c.hold_id.desc())
)

CHOSEN = HOLDS.c.hold_id == bindparam("chosen")
CLOSE_HELD = (
    update(HOLDS)
    .where(HOLDS.c.hold_id.in_(bindparam("ids", expanding=True)), HOLDS.c.status == "held")
    .values(
        status=case((CHOSEN, bindparam("to_status")), else_="expired"),
        order_id=case((CHOSEN, bindparam("to_order", type_=ORD.c.order_id.type)), else_=None),
    )
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
    account = locks.lock_account(db.session, user_id)
    if account is None:
        raise ServiceError("That DTS user has no account.")
    return account


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
    order_id = direct.run(db.session.connection(), FIND_TRIGGER, params).scalar()
    if order_id is None:
        return None
    _, _, order = locks.lock_trader(db.session, user_id, ticker(sym), order_id)
    return order


class Held:
    """A user's pending BUYs or SELLs: the most recent live one and those past their time."""

    def __init__(self, user_id: int, side: str, now):
        params = {"user_id": user_id, "side": side}
        rows = direct.run(db.session.connection(), HELD, params).all()
        live = [r for r in rows if r.expires_at > now]
        self.latest = live[0] if live else None
        self.expired = [r.hold_id for r in rows if r.expires_at <= now]

    def close(self, status: str, order_id: int | None = None) -> None:
        """Mark the latest one committed or cancelled and drop the expired ones, in one
        UPDATE; refuse if any of them was used meanwhile."""
        chosen = self.latest.hold_id
        ids = [chosen, *self.expired]
        params = {"ids": ids, "chosen": chosen, "to_status": status, "to_order": order_id}
        if db.session.execute(CLOSE_HELD, params).rowcount != len(ids):
            raise ServiceError("That pending transaction was already used.")


def free_shares(position) -> int:
    """Shares of the position that nothing reserves."""
    return 0 if position is None else position.quantity - position.reserved_quantity


def whole_shares(amount: Decimal, price: Decimal) -> int:
    """floor(amount / price)."""
    return int((amount / price).to_integral_value(ROUND_DOWN))
