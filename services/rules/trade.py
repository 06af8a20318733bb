"""One rule decision in one transaction: re-check the limits under the account's lock,
trade through the order path (source ``auto``) or skip, and log it either way.

Locks follow the fixed order: account, position (services.orders.lock_trader), then
the rule's row. When the order path refuses (no cash, say), the whole
transaction rolls back and the decision is logged as skipped in a second one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from extensions import db
from models import AutoRule, RuleDecision
from services import events, market_clock, notifications, orders
from services.db import lock_one, transaction
from services.errors import ServiceError
from services.execution import costs
from services.orders import OrderSpec
from utils.clock import utcnow
from utils.streams import signals
from utils.streams.signals import Signal
from utils.trading import shares_for_amount

PCT = Decimal("0.0001")


@dataclass(frozen=True)
class Decided:
    """What a decision did: ``traded`` or ``skipped``, why, and the order it placed."""

    outcome: str
    reason: str
    order_id: int | None


def decide(rule_id: int, user, signal: Signal, quote, at: datetime | None = None) -> Decided | None:
    """Act on ``signal`` for rule ``rule_id``, read at ``at`` (default: now); what was
    decided (None if the rule is gone, switched off or no longer gives ``signal``, or its
    owner's account is disabled).

    The decision is dated ``at``, the time the worker's rule book keeps the cooldown by:
    a trade dated when its order was done would make the next look, one cooldown on,
    still cool down."""
    if not user.is_enabled:
        return None
    now = at or utcnow()
    try:
        with transaction():
            account, position = orders.lock_trader(user.user_id, quote.ticker)
            rule = lock_one(AutoRule, AutoRule.rule_id == rule_id)
            if rule is None or not rule.active or not _still_signals(rule, signal, quote):
                return None
            _roll_day(rule, now)
            quantity, reason = _size(rule, signal, position, quote.price, now)
            order = None
            if reason is None:
                side = signal.side
                order, reason = _place(user, account, position, rule, side, quantity, quote, now)
            return _finish(rule, signal, now, order, reason)
    except ServiceError as exc:  # the order path refused: nothing of it was kept
        return _refused(rule_id, signal, now, exc.message)


def _finish(rule, signal, now, order, reason: str) -> Decided:
    decision = _log(rule, signal, now, order, reason)
    _notify(rule, signal.side, order, reason)
    return Decided(decision.outcome, reason, decision.order_id)


def _refused(rule_id: int, signal: Signal, now, message: str) -> Decided | None:
    """Log a decision the order path refused, in a transaction of its own."""
    with transaction():
        rule = lock_one(AutoRule, AutoRule.rule_id == rule_id)
        return None if rule is None else _finish(rule, signal, now, None, message)


def _still_signals(rule: AutoRule, signal: Signal, quote) -> bool:
    """Whether the rule as stored gives ``signal``: an edit (its ticker, its bands) reaches
    the worker's index only at its next reload."""
    if rule.ticker != quote.ticker:
        return False
    bands = float(rule.buy_below_pct), float(rule.sell_above_pct)
    return signals.read(signal.price, signal.average, *bands).side == signal.side


def _roll_day(rule: AutoRule, now: datetime) -> None:
    # The trading day, not the UTC date: the practice market's day ends at its cut-off.
    day = market_clock.trading_day(now)
    if rule.trades_day != day:
        rule.trades_day, rule.trades_today = day, 0


def _size(rule, signal, position, price, now) -> tuple[int, str | None]:
    """Shares to trade, or the limit that stops the trade."""
    if rule.ends_at is not None and now >= rule.ends_at:
        rule.active = False
        return 0, f"the rule ended at {rule.ends_at:%Y-%m-%d %H:%M}; switched off"
    if rule.last_trade_at and now - rule.last_trade_at < timedelta(seconds=rule.cooldown_seconds):
        return 0, f"cooling down ({rule.cooldown_seconds} s between trades)"
    if rule.trades_today >= rule.max_trades_per_day:
        return 0, f"reached {rule.max_trades_per_day} trades today"
    held = position.quantity if position else 0
    free = held - (position.reserved_quantity if position else 0)
    shares = rule.quantity or _for_amount(rule.amount, price, signal.side)
    if signal.side == "sell":
        shares = min(shares, free)
        return (0, "no shares to sell") if shares < 1 else (shares, None)
    if shares < 1:
        return 0, f"${rule.amount} buys no whole share at ${price}"
    if rule.max_position is not None and held + shares > rule.max_position:
        room = rule.max_position - held
        if room < 1:
            return 0, f"position of {held} is at the maximum of {rule.max_position}"
        shares = room
    return shares, None


def _for_amount(amount: Decimal, price: Decimal, side: str) -> int:
    """The whole shares ``amount`` trades at the price a market order fills at (the quote
    moved by the slippage), as a dollar order placed by hand is sized."""
    terms = costs()
    return shares_for_amount(amount, terms.slipped(price, side), terms, side)


def _place(user, account, position, rule, side, quantity, quote, now):
    spec = OrderSpec(rule.ticker, side, "market", quantity=quantity, source="auto")
    order = orders.place_locked(user, account, position, spec, quote)  # may refuse: see decide
    rule.last_trade_at = now
    rule.trades_today += 1
    return order, f"{side} {quantity} at market"


def _log(rule, signal: Signal, now, order, reason: str) -> RuleDecision:
    decision = RuleDecision(
        rule_id=rule.rule_id,
        user_id=rule.user_id,
        decided_at=now,
        side=signal.side,
        price=Decimal(str(signal.price)).quantize(PCT),
        average=Decimal(str(signal.average)).quantize(PCT),
        deviation_pct=Decimal(str(signal.deviation_pct)).quantize(PCT),
        outcome="traded" if order is not None else "skipped",
        reason=reason,
        order_id=order.order_id if order is not None else None,
    )
    db.session.add(decision)
    events.emit(
        "rule.decision",
        {
            "rule_id": rule.rule_id,
            "user_id": rule.user_id,
            "ticker": rule.ticker,
            "side": signal.side,
            "outcome": decision.outcome,
            "reason": reason,
        },
    )
    return decision


def _notify(rule, side, order, reason) -> None:
    if order is not None:
        message = f"Rule #{rule.rule_id} on {rule.ticker}: {reason} (order #{order.order_id})."
        notifications.add(rule.user_id, "rule", message, f"/user/rules/{rule.rule_id}")
