"""The market's hours as PaperDesk runs them (MARKET_HOURS): when sessions open and close,
where "today" starts for day change and today's P&L, when day orders expire, and what
the status line on every page says.

``exchange``: New York Stock Exchange sessions (09:30-16:00 ET, holidays and early
closes from exchange-calendars). ``always``: a practice market that never closes, whose
trading day ends at the daily cut-off SESSION_CLOSE_UTC. Unset, MARKET_HOURS is
``always`` for the simulated market and ``exchange`` for Yahoo Finance.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time

from flask import current_app

from utils.clock import utcnow
from utils.formatting import zone
from utils.market_data.hours import MODES, MarketHours, Session, previous_trading_day

ZONE = "America/New_York"


def mode() -> str:
    """``exchange`` or ``always`` (see the module docstring)."""
    cfg = current_app.config
    chosen = (cfg.get("MARKET_HOURS") or "").strip().lower()
    if not chosen:
        return "exchange" if cfg["MARKET_DATA_PROVIDER"] == "yfinance" else "always"
    if chosen not in MODES:
        raise RuntimeError(f"MARKET_HOURS={chosen!r} is not one of: {', '.join(MODES)}.")
    return chosen


def cutoff() -> time:
    """The always-mode daily cut-off (SESSION_CLOSE_UTC, "HH:MM" in UTC)."""
    raw = str(current_app.config["SESSION_CLOSE_UTC"])
    try:
        hour, minute = (int(part) for part in raw.split(":"))
        return time(hour, minute)
    except ValueError:
        raise RuntimeError(f"SESSION_CLOSE_UTC={raw!r} is not a time such as 21:00.") from None


_ALWAYS_OPEN: ContextVar[bool] = ContextVar("paperdesk_always_open", default=False)


def hours() -> MarketHours:
    """The app's market hours, built once."""
    app = current_app._get_current_object()
    built = app.extensions.get("paperdesk_hours")
    if built is None:
        built = app.extensions["paperdesk_hours"] = MarketHours(mode(), cutoff())
    return built


def current(now: datetime | None = None) -> Session:
    """The session in progress, or the next one when the market is closed."""
    return hours().current(now or utcnow())


def is_open(now: datetime | None = None) -> bool:
    """Whether prices move (and market orders fill) now."""
    if _ALWAYS_OPEN.get():
        return True
    return hours().is_open(now or utcnow())


@contextmanager
def always_open() -> Iterator[None]:
    """Trade as if the market were open inside the block: the Day Trading System keeps no
    exchange hours."""
    token = _ALWAYS_OPEN.set(True)
    try:
        yield
    finally:
        _ALWAYS_OPEN.reset(token)


def session_start(now: datetime | None = None) -> datetime:
    """Where the current trading day began (naive UTC): the open of the session in
    progress, else of the last one (day change is measured from its start)."""
    now = now or utcnow()
    session = hours().current(now)
    if now < session.opens:
        session = hours().last_closed(now)
    return session.opens


def trading_day(moment: datetime) -> date:
    """The trading day a price at ``moment`` belongs to: the session in progress, or the
    last one while the market is closed (its closing price stands until the open)."""
    session = hours().current(moment)
    if moment < session.opens:
        return previous_trading_day(session.day)
    return session.day


def day_order_expiry(now: datetime | None = None) -> datetime:
    """When a day order placed now expires: this session's close (early closes included),
    or the next session's when the market is closed."""
    return hours().day_order_expiry(now or utcnow())


def status(now: datetime | None = None) -> dict:
    """The market's state for status lines: open or closed, which mode, and when that
    changes (``changes_at``, naive UTC, which pages show in the viewer's zone; ``et`` is
    the same moment in New York time, "Mon 09:30 ET")."""
    now = now or utcnow()
    session = hours().current(now)
    if mode() == "always":
        return {
            "open": True,
            "mode": "always",
            "label": "Open",
            "detail": f"practice market, open 24 hours; the trading day ends {_et(session.closes)}",
            "change": "trading day ends",
            "changes_at": session.closes,
            "et": _et(session.closes),
        }
    open_now = session.opens <= now
    at, change = (session.closes, "closes") if open_now else (session.opens, "opens")
    return {
        "open": open_now,
        "mode": "exchange",
        "label": "Open" if open_now else "Closed",
        "detail": f"exchange hours (NYSE); {change} {_et(at)}",
        "change": change,
        "changes_at": at,
        "et": _et(at),
    }


def _et(moment: datetime) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(zone(ZONE))
    return f"{local.strftime('%a %H:%M')} ET"
