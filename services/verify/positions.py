"""Position checks: every holding is what its fills, replayed in order, leave behind."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP as HALF_UP
from decimal import Decimal

from sqlalchemy import func, or_, select

from extensions import db
from models import OPEN_STATUSES, AccountReset, Order, Portfolio, Transaction
from services.verify import Problem
from utils.trading import CENT, TICK

ZERO = Decimal("0.00")


@dataclass
class Replay:
    """A position rebuilt from its fills, the way services.execution builds it."""

    quantity: int = 0
    total_cost: Decimal = ZERO
    average: Decimal = Decimal("0")
    realized: Decimal = ZERO
    recorded: Decimal = ZERO  # the realised P&L its sales were stored with

    def apply(self, side: str, quantity: int, value: Decimal, commission: Decimal) -> None:
        """One fill: a buy adds its cost; a sell takes out its share of the cost."""
        if side == "buy":
            self.quantity += quantity
            self.total_cost += value + commission
            self.average = (self.total_cost / self.quantity).quantize(TICK, HALF_UP)
            return
        basis = self.total_cost
        if 0 < quantity < self.quantity:
            basis = (self.total_cost * quantity / self.quantity).quantize(CENT, HALF_UP)
        self.quantity -= quantity
        self.total_cost -= basis
        self.realized += value - commission - basis
        if self.quantity == 0:
            self.average = Decimal("0")


def replay_fills() -> dict[tuple[int, str], Replay]:
    """Every (user, ticker)'s position rebuilt from its fills in the order they happened,
    since the account's latest reset (a reset closes every position)."""
    marks = dict(
        db.session.execute(
            select(AccountReset.user_id, func.max(AccountReset.after_transaction_id)).group_by(
                AccountReset.user_id
            )
        ).all()
    )
    rows = db.session.execute(
        select(
            Transaction.user_id,
            Transaction.ticker,
            Transaction.transaction_type,
            Transaction.transaction_quantity,
            Transaction.transaction_amount,
            Transaction.commission,
            Transaction.realized_pnl,
            Transaction.transaction_id,
        ).order_by(Transaction.transaction_id)
    )
    replays: dict[tuple[int, str], Replay] = {}
    for user, ticker, side, quantity, value, commission, realized, fill_id in rows:
        if fill_id <= marks.get(user, 0):
            continue
        replay = replays.setdefault((user, ticker), Replay())
        replay.apply(side, quantity, Decimal(value), Decimal(commission or 0))
        replay.recorded += Decimal(realized or 0)
    return replays


def _resting_sells() -> dict[tuple[int, str], int]:
    stmt = (
        select(Order.user_id, Order.ticker, func.sum(Order.order_quantity - Order.filled_quantity))
        .where(
            Order.order_status.in_(OPEN_STATUSES),
            Order.order_type == "sell",
            or_(Order.order_execution_type != "market", Order.time_in_force != "ioc"),
            # A DTS sell trigger reserves its shares when armed (SET_SELL_TRIGGER).
            or_(Order.source != "dts", Order.trigger_dir.is_not(None)),
        )
        .group_by(Order.user_id, Order.ticker)
    )
    return {(u, t): int(q) for u, t, q in db.session.execute(stmt)}


def check() -> list[Problem]:
    """Check every position against its fills and its open sells."""
    replays, resting, out = replay_fills(), _resting_sells(), []
    seen = set()
    for position in db.session.scalars(select(Portfolio)):
        key = (position.user_id, position.ticker)
        seen.add(key)
        out += _position(position, replays.get(key, Replay()), resting.get(key, 0))
    for (user, ticker), replay in replays.items():
        if (user, ticker) not in seen and replay.quantity:
            message = f"user {user} {ticker}: fills leave {replay.quantity} shares but no position"
            out.append(Problem("positions", message, user))
    return out


def _position(p: Portfolio, replay: Replay, resting: int) -> list[Problem]:
    out = []

    def fail(message: str) -> None:
        out.append(Problem("positions", f"user {p.user_id} {p.ticker}: {message}", p.user_id))

    if p.quantity != replay.quantity:
        fail(f"holds {p.quantity} != fills {replay.quantity}")
    elif p.total_cost != replay.total_cost:
        fail(f"cost {p.total_cost} != fills' cost {replay.total_cost}")
    elif p.average_price != replay.average:
        fail(f"average cost {p.average_price} != fills' average {replay.average}")
    if p.realized_pnl != replay.realized:
        fail(f"realised P&L {p.realized_pnl} != fills' {replay.realized}")
    if replay.recorded != replay.realized:
        fail(f"its sales record P&L {replay.recorded} != fills' {replay.realized}")
    if p.reserved_quantity != resting:
        fail(f"reserved {p.reserved_quantity} != open sells {resting}")
    if p.quantity < 0 or p.reserved_quantity < 0 or p.reserved_quantity > p.quantity:
        fail("quantity out of range")
    return out
