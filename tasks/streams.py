"""The worker's part of the event stream, called once per tick by tasks.tick:

1. every new price feeds the rules (services.rules) and alerts (services.alerts)
   of its ticker;
2. the events since the last tick are read with the worker's consumer group and
   feed the activity windows and the notifications of resting fills and fund
   decisions; closed windows are published for the admin dashboard and each
   finished minute is written to the database.
"""

import logging
import os
import socket
from dataclasses import dataclass, field

from flask import current_app

from extensions import db
from models import User
from services import events, notifications
from services.activity.store import Activity, store_minutes
from services.alerts.watch import AlertBook
from services.rules import trade
from services.rules.book import RuleBook
from utils import formatting
from utils.clock import from_epoch

GROUP = "worker"
log = logging.getLogger("paperdesk.worker")


@dataclass
class StreamState:
    """What the lease holder keeps between ticks for the stream consumers."""

    activity: Activity
    rules: RuleBook = field(default_factory=RuleBook)
    alerts: AlertBook = field(default_factory=AlertBook)
    consumer: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


def ensure(tick_state) -> StreamState:
    """The tick state's stream state, made on first use (and shared with the admin API)."""
    if tick_state.streams is None:
        cfg = current_app.config
        state = StreamState(Activity(cfg["ACTIVITY_WINDOW"], cfg["ACTIVITY_GRACE"]))
        events.backend().join_group(GROUP)  # events from now on, or since its last reader
        current_app.extensions["paperdesk_activity"] = state.activity
        tick_state.streams = state
    return tick_state.streams


def publish_market(quotes: dict, closed: list, at: float) -> None:
    """Publish this tick's quotes (one event) and the candles that closed."""
    found = []
    if quotes:
        prices = {t: str(q.price) for t, q in quotes.items()}
        found.append(events.event("quotes", {"prices": prices}, at))
    for candle in closed:
        found.append(events.event("candle", _candle(candle), at))
    events.publish_all(found)


def _candle(candle) -> dict:
    names = ("ticker", "interval", "window_start", "open", "high", "low", "close", "volume")
    return {name: _plain(getattr(candle, name, None)) for name in names}


def _plain(value):
    return value if value is None or isinstance(value, int | str | float) else str(value)


def on_prices(state: StreamState, quotes: list, at: float) -> dict:
    """Run the rules and alerts of the tickers that moved; counts of trades and alerts."""
    state.rules.reload_if_due()
    state.alerts.reload_if_due()
    traded = fired = 0
    seen_at = from_epoch(at)
    for quote in quotes:
        fired += state.alerts.on_quote(quote)
        for rule, signal in state.rules.on_price(quote.ticker, at, float(quote.price)):
            user = db.session.get(User, rule.user_id)
            decision = trade.decide(rule.rule_id, user, signal, quote, seen_at) if user else None
            if decision is None:
                state.rules.stale = True  # the rule is gone or off: drop it from the index
                continue
            state.rules.decided(rule, at)  # traded or skipped: next look after the cooldown
            traded += decision.outcome == "traded"
    db.session.remove()
    return {"rule_trades": traded, "alerts": fired}


def consume(state: StreamState, now: float) -> dict:
    """Read this tick's events with the worker's group; feed activity and notifications."""
    bus = events.backend()
    found = bus.read_group(GROUP, state.consumer, timeout=0.01)
    state.activity.add(found)
    rows = []
    for item in found:
        kind, payload = item["type"], item["payload"]
        if kind == "rule.changed":
            state.rules.stale = True
        elif kind == "alert.changed":
            state.alerts.stale = True
        elif (note := notification_for(kind, payload)) is not None:
            rows.append(note)
    notifications.add_many(rows)
    closed = state.activity.advance(now)
    events.publish_all([events.event("activity.window", w) for w in closed])
    stored = store_minutes(state.activity)
    bus.ack(GROUP, [item["id"] for item in found])
    return {"events": len(found), "windows": len(closed), "minutes": stored}


def notification_for(kind: str, p: dict) -> dict | None:
    """The notification an event deserves (fills of resting orders, fund decisions)."""
    if kind == "order.filled" and p.get("resting") and p.get("source") != "auto":
        message = (
            f"Your {p['kind'].replace('_', ' ')} {p['side']} of {p['ticker']} filled: "
            f"{p['quantity']} at {formatting.price(p['price'])} (order #{p['order_id']})."
        )
        return {"user_id": p["user_id"], "kind": "fill", "message": message, "link": "/user/orders"}
    if kind == "fund.decided":
        what = "deposit" if p["kind"] == "deposit" else "withdrawal"
        reason = (p.get("reason") or "").rstrip(". ")
        said = f": {reason}" if p["status"] == "rejected" and reason else ""
        message = f"Your {what} of {formatting.money(p['amount'])} was {p['status']}{said}."
        return {
            "user_id": p["user_id"],
            "kind": "fund",
            "message": message,
            "link": "/user/account",
        }
    return None
