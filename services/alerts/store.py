"""Alerts as the user sets them."""

from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import ALERT_KINDS, PriceAlert
from services import audit, events, market
from services.db import lock_person, transaction
from services.errors import NotFound, ServiceError
from utils.formatting import iso
from utils.money import to_decimal

MOVE_LIMIT = Decimal("100")
PLACES = Decimal("0.0001")


def parse(data: dict) -> dict:
    """A validated alert: ticker, kind and threshold (ServiceError names the bad field)."""
    kind = str(data.get("kind", ""))
    if kind not in ALERT_KINDS:
        raise ServiceError(f"kind must be one of {', '.join(ALERT_KINDS)}.", field="kind")
    try:
        threshold = to_decimal(data.get("threshold", ""))
    except ValueError as exc:
        raise ServiceError(f"threshold {exc}.", field="threshold") from None
    high = MOVE_LIMIT if kind.startswith("move") else current_app.config["MAX_PRICE"]
    if not threshold.is_finite() or not Decimal("0") < threshold <= high:
        raise ServiceError(f"threshold must be above 0 and at most {high}.", field="threshold")
    if threshold != threshold.quantize(PLACES):
        raise ServiceError("threshold takes at most 4 decimal places.", field="threshold")
    ticker = market.check_ticker(str(data.get("ticker", "")))
    return {"ticker": ticker, "kind": kind, "threshold": threshold.quantize(PLACES)}


def create(user, data: dict, ip: str | None = None) -> PriceAlert:
    """Set an alert for ``user`` (at most ALERTS_PER_USER open at once)."""
    settings = parse(data)
    with transaction():
        lock_person(user)
        open_count = db.session.scalar(
            select(func.count()).where(
                PriceAlert.user_id == user.user_id, PriceAlert.fired_at.is_(None)
            )
        )
        if open_count >= current_app.config["ALERTS_PER_USER"]:
            raise ServiceError("You have as many open alerts as allowed; delete one first.")
        alert = PriceAlert(user_id=user.user_id, **settings)
        db.session.add(alert)
        db.session.flush()
        audit.record(user, "alert.create", ("alert", alert.alert_id), settings, ip)
        events.emit("alert.changed", {"alert_id": alert.alert_id})
    return alert


def delete(user, alert_id: int, ip: str | None = None) -> None:
    """Delete one of the user's alerts."""
    with transaction():
        alert = db.session.get(PriceAlert, alert_id)
        if alert is None or alert.user_id != user.user_id:
            raise NotFound("No such alert.")
        db.session.delete(alert)
        audit.record(user, "alert.delete", ("alert", alert_id), None, ip)
        events.emit("alert.changed", {"alert_id": alert_id})


def list_alerts(user_id: int) -> list[PriceAlert]:
    """The user's alerts, open ones first, newest first."""
    stmt = (
        select(PriceAlert)
        .where(PriceAlert.user_id == user_id)
        .order_by(PriceAlert.fired_at.is_not(None), PriceAlert.alert_id.desc())
    )
    return list(db.session.scalars(stmt))


def as_json(alert: PriceAlert) -> dict:
    """An alert for the API."""
    return {
        "alert_id": alert.alert_id,
        "ticker": alert.ticker,
        "kind": alert.kind,
        "threshold": str(alert.threshold),
        "created_at": iso(alert.created_at),
        "fired_at": iso(alert.fired_at),
        "fired_price": str(alert.fired_price) if alert.fired_price is not None else None,
    }
