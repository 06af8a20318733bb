"""Rules as the user edits them: validated, capped per user, audited."""

from datetime import UTC, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import AutoRule, RuleDecision, Transaction
from services import audit, events, market, market_clock
from services.db import lock_person, transaction
from services.errors import NotFound, ServiceError
from utils.clock import utcnow
from utils.money import to_decimal
from utils.parsing import whole_number

LIMITS = {
    "window_seconds": (1, 3600),
    "quantity": (1, 1_000_000),
    "max_position": (1, 10_000_000),
    "max_trades_per_day": (1, 1000),
    "cooldown_seconds": (1, 86_400),
}


def _int(data: dict, name: str, default=None, required=False) -> int | None:
    raw = data.get(name, default)
    if raw in (None, ""):
        if required:
            raise ServiceError(f"{name} is required.", field=name)
        return None
    low, high = LIMITS[name]
    value = whole_number(raw.strip() if isinstance(raw, str) else raw, 0, 2**63 - 1)
    if value is None:
        raise ServiceError(f"{name} must be a whole number.", field=name)
    if not low <= value <= high:
        raise ServiceError(f"{name} must be between {low} and {high}.", field=name)
    return value


def _decimal(data: dict, name: str, low: Decimal, high: Decimal, required=True, places=4):
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            raise ServiceError(f"{name} is required.", field=name)
        return None
    try:
        value = to_decimal(raw)
    except ValueError as exc:
        raise ServiceError(f"{name} {exc}.", field=name) from None
    if not value.is_finite() or not low <= value <= high:
        raise ServiceError(f"{name} must be between {low} and {high}.", field=name)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ServiceError(f"{name} takes at most {places} decimal places.", field=name)
    return value


def _ends_at(raw) -> datetime | None:
    """A naive UTC time: one with an offset is converted, one without is taken as UTC."""
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(str(raw))
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ServiceError("ends_at must be a date or date-time.", field="ends_at") from None
    return value.replace(tzinfo=None)


def _check_window(seconds: int) -> None:
    """The average must hold two prices: the worker sees one every WORKER_INTERVAL, and a
    price exactly one window old has left it."""
    interval = float(current_app.config["WORKER_INTERVAL"])
    if seconds <= interval:
        raise ServiceError(
            f"window_seconds must be more than {interval:g}: the worker sees one price every "
            f"{interval:g} s, and the average needs two.",
            field="window_seconds",
        )


def parse(data: dict) -> dict:
    """Validated rule settings from a form or JSON body (ServiceError names the bad field)."""
    settings = {
        "ticker": market.check_ticker(str(data.get("ticker", ""))),
        "window_seconds": _int(data, "window_seconds", 5, required=True),
        "buy_below_pct": _decimal(data, "buy_below_pct", Decimal("0"), Decimal("50")),
        "sell_above_pct": _decimal(data, "sell_above_pct", Decimal("0"), Decimal("50")),
        "quantity": _int(data, "quantity"),
        "amount": _decimal(
            data, "amount", Decimal("1"), Decimal("1000000"), required=False, places=2
        ),
        "max_position": _int(data, "max_position"),
        "max_trades_per_day": _int(data, "max_trades_per_day", 10, required=True),
        "cooldown_seconds": _int(data, "cooldown_seconds", 60, required=True),
        "ends_at": _ends_at(data.get("ends_at")),
    }
    _check_window(settings["window_seconds"])
    if (settings["quantity"] is None) == (settings["amount"] is None):
        raise ServiceError("Give either a quantity or an amount per trade.", field="quantity")
    if settings["amount"] is not None:
        settings["amount"] = settings["amount"].quantize(Decimal("0.01"))
    return settings


def create(user, data: dict, ip: str | None = None) -> AutoRule:
    """Create an active rule for ``user`` (at most RULES_PER_USER)."""
    settings = parse(data)
    with transaction():
        lock_person(user)
        count = db.session.scalar(select(func.count()).where(AutoRule.user_id == user.user_id))
        if count >= current_app.config["RULES_PER_USER"]:
            raise ServiceError("You have as many rules as allowed; delete one first.")
        rule = AutoRule(user_id=user.user_id, active=True, **settings)
        db.session.add(rule)
        db.session.flush()
        audit.record(user, "rule.create", ("rule", rule.rule_id), {"ticker": rule.ticker}, ip)
        events.emit("rule.changed", {"rule_id": rule.rule_id, "user_id": user.user_id})
    return rule


def mine(user, rule_id: int) -> AutoRule:
    """One of the user's rules (404 for anyone else's)."""
    rule = db.session.get(AutoRule, rule_id)
    if rule is None or rule.user_id != user.user_id:
        raise NotFound("No such rule.")
    return rule


def update(user, rule_id: int, data: dict, ip: str | None = None) -> AutoRule:
    """Replace a rule's settings (another user's rule is a 404 before anything is parsed)."""
    mine(user, rule_id)
    settings = parse(data)
    with transaction():
        rule = mine(user, rule_id)
        for name, value in settings.items():
            setattr(rule, name, value)
        audit.record(user, "rule.update", ("rule", rule_id), {"ticker": rule.ticker}, ip)
        events.emit("rule.changed", {"rule_id": rule_id, "user_id": user.user_id})
    return rule


def set_active(user, rule_id: int, active: bool, ip: str | None = None) -> AutoRule:
    """Switch a rule on or off."""
    with transaction():
        rule = mine(user, rule_id)
        rule.active = active
        audit.record(user, "rule.resume" if active else "rule.pause", ("rule", rule_id), None, ip)
        events.emit("rule.changed", {"rule_id": rule_id, "user_id": user.user_id})
    return rule


def delete(user, rule_id: int, ip: str | None = None) -> None:
    """Delete a rule and its decision log (its orders and fills stay)."""
    with transaction():
        rule = mine(user, rule_id)
        db.session.execute(db.delete(RuleDecision).where(RuleDecision.rule_id == rule_id))
        db.session.delete(rule)
        audit.record(user, "rule.delete", ("rule", rule_id), None, ip)
        events.emit("rule.changed", {"rule_id": rule_id, "user_id": user.user_id})


def list_rules(user_id: int) -> list[AutoRule]:
    """The user's rules, oldest first."""
    stmt = select(AutoRule).where(AutoRule.user_id == user_id).order_by(AutoRule.rule_id)
    return list(db.session.scalars(stmt))


def trades_today(rule: AutoRule) -> int:
    """The rule's trades in the trading day in progress (the count starts again each day,
    though the row keeps the last day's until the rule's next decision)."""
    today = market_clock.trading_day(utcnow())
    return rule.trades_today if rule.trades_day == today else 0


def decisions(rule_id: int, limit: int = 100) -> list[RuleDecision]:
    """A rule's latest decisions, newest first."""
    stmt = (
        select(RuleDecision)
        .where(RuleDecision.rule_id == rule_id)
        .order_by(RuleDecision.decision_id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def performance(rule_id: int) -> dict:
    """A rule's trades: how many, shares bought and sold, cash spent and received, realized P&L."""
    orders = select(RuleDecision.order_id).where(
        RuleDecision.rule_id == rule_id, RuleDecision.order_id.is_not(None)
    )
    fills = db.session.execute(
        select(
            Transaction.transaction_type,
            func.count(),
            func.sum(Transaction.transaction_quantity),
            func.sum(Transaction.transaction_amount),
            func.sum(Transaction.commission),
            func.sum(Transaction.realized_pnl),
        )
        .where(Transaction.order_id.in_(orders))
        .group_by(Transaction.transaction_type)
    ).all()
    out = {
        "trades": 0,
        "bought": 0,
        "sold": 0,
        "spent": Decimal("0.00"),
        "received": Decimal("0.00"),
    }
    out["commission"] = out["realized_pnl"] = Decimal("0.00")
    for side, count, shares, value, commission, realized in fills:
        out["trades"] += count
        out["bought" if side == "buy" else "sold"] += int(shares or 0)
        out["spent" if side == "buy" else "received"] += Decimal(value or 0)
        out["commission"] += Decimal(commission or 0)
        out["realized_pnl"] += Decimal(realized or 0)
    return out
