"""The trading day: when today's session began, which is where "today" starts for
day change and today's P&L."""

from datetime import datetime

from utils.clock import utcnow


def session_start(now: datetime | None = None) -> datetime:
    """The start of the current trading day (naive UTC): midnight UTC in the 24-hour market."""
    now = now or utcnow()
    return datetime(now.year, now.month, now.day)


def status() -> dict:
    """The market's state for status lines: open or closed, and which mode is on."""
    return {"open": True, "mode": "always", "label": "Open", "detail": "practice market, 24 hours"}
