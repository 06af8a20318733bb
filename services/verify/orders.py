"""Order checks: fills, ledger rows and quote holds agree with every order's state."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select

from extensions import db
from models import OPEN_STATUSES, CashLedger, Order, QuoteHold, Transaction
from services.verify import Problem
from utils.trading import gross

ENDED = ("cancelled", "rejected", "expired")
# Times are stored to the second on MySQL/MariaDB, and a fill written in the same
# transaction that ends an order (IOC) is stamped when the transaction is flushed.
CLOCK_GRACE = timedelta(seconds=1)


def check() -> list[Problem]:
    """Check every order against its fills and ledger rows, then the quote holds."""
    fills = _fills_by_order()
    ledger = _ledger_by_order()
    out = []
    columns = (Order.order_id, Order.user_id, Order.order_status, Order.order_quantity)
    for order_id, user, status, quantity, done, reserved, commission in db.session.execute(
        select(*columns, Order.filled_quantity, Order.reserved_cash, Order.total_commission)
    ):
        shares, cash, charged = fills.get(order_id, (0, Decimal("0.00"), Decimal("0.00")))
        if shares != done:
            out.append(_fail(user, f"order {order_id}: filled {done} != its fills {shares}"))
        if status == "filled" and done != quantity:
            out.append(_fail(user, f"order {order_id}: filled but {quantity - done} shares remain"))
        if status in OPEN_STATUSES and done >= quantity:
            out.append(_fail(user, f"order {order_id}: {status} with nothing left to fill"))
        if (commission or Decimal("0.00")) != charged:
            message = f"order {order_id}: commission {commission} != its fills' {charged}"
            out.append(_fail(user, message))
        if reserved is not None and reserved < 0:
            out.append(_fail(user, f"order {order_id}: reserves a negative {reserved}"))
        if reserved and status not in OPEN_STATUSES:
            out.append(_fail(user, f"order {order_id}: {status} but still reserves {reserved}"))
        if ledger.get(order_id, Decimal("0.00")) != cash:
            booked = ledger.get(order_id, Decimal("0.00"))
            out.append(_fail(user, f"order {order_id}: ledger {booked} != its fills' cash {cash}"))
    return (
        out
        + _mismatched_fills()
        + _misvalued_fills()
        + _late_fills()
        + _holds()
        + _mispriced_holds()
    )


def _fail(user: int | None, message: str) -> Problem:
    return Problem("orders", message, user)


def _fills_by_order() -> dict[int, tuple[int, Decimal, Decimal]]:
    """Shares filled, the cash they moved (negative for buys) and their commission,
    per order."""
    signed = func.sum(
        db.case(
            (
                Transaction.transaction_type == "buy",
                -Transaction.transaction_amount - func.coalesce(Transaction.commission, 0),
            ),
            else_=Transaction.transaction_amount - func.coalesce(Transaction.commission, 0),
        )
    )
    charged = func.sum(func.coalesce(Transaction.commission, 0))
    stmt = select(
        Transaction.order_id, func.sum(Transaction.transaction_quantity), signed, charged
    ).group_by(Transaction.order_id)
    cents = Decimal("0.01")
    return {
        order: (int(q), Decimal(c).quantize(cents), Decimal(fee).quantize(cents))
        for order, q, c, fee in db.session.execute(stmt)
    }


def _ledger_by_order() -> dict[int, Decimal]:
    stmt = (
        select(CashLedger.reference_id, func.sum(CashLedger.amount))
        .where(CashLedger.reference_type == "order")
        .group_by(CashLedger.reference_id)
    )
    return {
        order: Decimal(amount).quantize(Decimal("0.01"))
        for order, amount in db.session.execute(stmt)
    }


def _mismatched_fills() -> list[Problem]:
    stmt = (
        select(Transaction.transaction_id, Transaction.order_id, Order.user_id)
        .join(Order, Order.order_id == Transaction.order_id)
        .where(
            or_(
                Transaction.user_id != Order.user_id,
                Transaction.ticker != Order.ticker,
                Transaction.transaction_type != Order.order_type,
            )
        )
    )
    return [
        _fail(user, f"fill {fill} does not match order {order} (owner, ticker or side)")
        for fill, order, user in db.session.execute(stmt)
    ]


def _misvalued_fills() -> list[Problem]:
    """Every fill's amount is its price times its shares, in cents."""
    stmt = select(
        Transaction.transaction_id,
        Transaction.user_id,
        Transaction.transaction_price,
        Transaction.transaction_quantity,
        Transaction.transaction_amount,
    )
    return [
        _fail(user, f"fill {fill}: {amount} != {quantity} x {price}")
        for fill, user, price, quantity, amount in db.session.execute(stmt)
        if gross(price, quantity) != amount
    ]


def _late_fills() -> list[Problem]:
    # Compared in Python: date arithmetic in SQL differs between SQLite and MySQL, and
    # only the fills of ended orders are read.
    stmt = (
        select(
            Transaction.transaction_id,
            Transaction.transaction_time,
            Order.order_id,
            Order.user_id,
            Order.order_status,
            Order.closed_at,
        )
        .join(Order, Order.order_id == Transaction.order_id)
        .where(Order.order_status.in_(ENDED), Order.closed_at.is_not(None))
    )
    return [
        _fail(user, f"order {order}: fill {fill} came after the order was {status}")
        for fill, filled_at, order, user, status, closed_at in db.session.execute(stmt)
        if filled_at > closed_at + CLOCK_GRACE
    ]


def _holds() -> list[Problem]:
    out = []
    twice = (
        select(QuoteHold.order_id, func.count(), func.min(QuoteHold.user_id))
        .where(QuoteHold.order_id.is_not(None))
        .group_by(QuoteHold.order_id)
        .having(func.count() > 1)
    )
    for order, count, user in db.session.execute(twice):
        out.append(Problem("holds", f"order {order}: placed by {count} quote holds", user))
    stranded = select(QuoteHold.hold_id, QuoteHold.user_id).where(
        QuoteHold.status == "committed", QuoteHold.order_id.is_(None)
    )
    for hold, user in db.session.execute(stranded):
        out.append(Problem("holds", f"quote hold {hold}: committed without an order", user))
    # A hold that placed an order but is not marked committed can be committed again.
    reopened = select(
        QuoteHold.hold_id, QuoteHold.status, QuoteHold.order_id, QuoteHold.user_id
    ).where(QuoteHold.status != "committed", QuoteHold.order_id.is_not(None))
    for hold, status, order, user in db.session.execute(reopened):
        message = f"quote hold {hold}: {status} but names order {order}"
        out.append(Problem("holds", message, user))
    foreign = (
        select(QuoteHold.hold_id, QuoteHold.user_id)
        .join(Order, Order.order_id == QuoteHold.order_id)
        .where(or_(Order.user_id != QuoteHold.user_id, Order.ticker != QuoteHold.ticker))
    )
    for hold, user in db.session.execute(foreign):
        message = f"quote hold {hold}: its order belongs to another account or ticker"
        out.append(Problem("holds", message, user))
    orphans = (
        select(Order.order_id, Order.user_id)
        .outerjoin(QuoteHold, QuoteHold.order_id == Order.order_id)
        .where(Order.source == "quote", QuoteHold.hold_id.is_(None))
    )
    for order, user in db.session.execute(orphans):
        message = f"order {order}: placed from a quote but no committed hold names it"
        out.append(Problem("holds", message, user))
    return out


def _mispriced_holds() -> list[Problem]:
    """A committed quote fills at exactly the price it held."""
    stmt = (
        select(QuoteHold.hold_id, QuoteHold.user_id, QuoteHold.price, Order.average_fill_price)
        .join(Order, Order.order_id == QuoteHold.order_id)
        .where(QuoteHold.status == "committed", Order.average_fill_price != QuoteHold.price)
    )
    return [
        Problem("holds", f"quote hold {hold}: held {price} but its order filled at {filled}", user)
        for hold, user, price, filled in db.session.execute(stmt)
    ]
