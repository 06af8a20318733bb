"""The worker's index of open alerts by ticker; an alert fires once, in one transaction
that marks it fired (only if it was still open) and adds the notification."""

import time

from sqlalchemy import select, update

from extensions import db
from models import PriceAlert
from services import events, notifications
from services.db import transaction
from utils import formatting
from utils.clock import utcnow

RELOAD_SECONDS = 30


def crossed(kind: str, threshold, price, change_percent) -> bool:
    """Whether a quote crosses an alert's threshold."""
    if kind == "above":
        return price >= threshold
    if kind == "below":
        return price <= threshold
    if change_percent is None:
        return False
    if kind == "move_up":
        return change_percent >= threshold
    return change_percent <= -threshold


class AlertBook:
    """Open alerts by ticker: (alert_id, user_id, kind, threshold)."""

    def __init__(self) -> None:
        self.by_ticker: dict[str, list[tuple]] = {}
        self.loaded_at = float("-inf")
        self.stale = True

    def reload_if_due(self) -> None:
        """Reload the open alerts when one changed or RELOAD_SECONDS passed."""
        if not self.stale and time.monotonic() - self.loaded_at < RELOAD_SECONDS:
            return
        rows = db.session.execute(
            select(
                PriceAlert.alert_id,
                PriceAlert.user_id,
                PriceAlert.ticker,
                PriceAlert.kind,
                PriceAlert.threshold,
            ).where(PriceAlert.fired_at.is_(None))
        ).all()
        index: dict[str, list[tuple]] = {}
        for alert_id, user_id, ticker, kind, threshold in rows:
            index.setdefault(ticker, []).append((alert_id, user_id, kind, threshold))
        self.by_ticker, self.loaded_at, self.stale = index, time.monotonic(), False

    def on_quote(self, quote) -> int:
        """Fire the alerts of ``quote.ticker`` that it crosses; returns how many fired."""
        alerts = self.by_ticker.get(quote.ticker)
        if not alerts:
            return 0
        due = [a for a in alerts if crossed(a[2], a[3], quote.price, quote.change_percent)]
        fired = sum(fire(a, quote) for a in due)
        if due:
            gone = {a[0] for a in due}
            self.by_ticker[quote.ticker] = [a for a in alerts if a[0] not in gone]
        return fired


def fire(alert: tuple, quote) -> bool:
    """Mark the alert fired (if still open) and notify its owner; True when it fired."""
    alert_id, user_id, kind, threshold = alert
    with transaction():
        claimed = db.session.execute(
            update(PriceAlert)
            .where(PriceAlert.alert_id == alert_id, PriceAlert.fired_at.is_(None))
            .values(fired_at=utcnow(), fired_price=quote.price)
        ).rowcount
        if not claimed:
            return False
        ticker = quote.ticker
        notifications.add(user_id, "alert", _message(kind, threshold, quote), _link(ticker))
        events.emit("alert.fired", {"alert_id": alert_id, "user_id": user_id, "ticker": ticker})
    return True


def _message(kind: str, threshold, quote) -> str:
    if kind.startswith("move"):
        moved, limit = formatting.percent(quote.change_percent), formatting.percent(threshold)
        return f"{quote.ticker} moved {moved} today (alert: {kind.replace('_', ' ')} {limit})."
    what = "rose to" if kind == "above" else "fell to"
    price, limit = formatting.price(quote.price), formatting.price(threshold)
    return f"{quote.ticker} {what} {price} (alert: {kind} {limit})."


def _link(ticker: str) -> str:
    return f"/user/stock_chart?ticker={ticker}"
