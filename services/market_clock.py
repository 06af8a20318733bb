"""The trading day and the market status line: when today's session began, which is where
"today" starts for day change and today's P&L, and what pages say about the market."""

from datetime import datetime

from flask import current_app

from utils.clock import utcnow


def session_start(now: datetime | None = None) -> datetime:
    """The start of the current trading day (naive UTC): midnight UTC, as the simulated
    market's sessions run from 00:00 UTC round the clock."""
    now = now or utcnow()
    return datetime(now.year, now.month, now.day)


def status() -> dict:
    """The market's state for status lines: whether prices move now, and what kind of market."""
    if current_app.config["MARKET_DATA_PROVIDER"] == "sim":
        return {
            "open": True,
            "mode": "always",
            "label": "Open",
            "detail": "practice market, 24 hours",
        }
    return {
        "open": None,
        "mode": "provider",
        "label": "Live quotes",
        "detail": "from Yahoo Finance; exchange hours are not shown",
    }
