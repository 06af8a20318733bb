"""JSON shapes of quotes, and the argument parsing the market endpoints share."""

from flask import request

from services import market, market_clock
from services.errors import ServiceError
from utils.clock import utcnow
from utils.formatting import iso

INTERVALS = {"10s": 10, "1m": 60}


def quote_json(quote) -> dict:
    """A quote with its source and age, prices as strings."""
    age = max(0, int((utcnow() - quote.as_of).total_seconds()))
    return {
        "ticker": quote.ticker,
        "price": str(quote.price),
        "change": _text(quote.change),
        "change_percent": _text(quote.change_percent),
        "open": _text(quote.open),
        "high": _text(quote.high),
        "low": _text(quote.low),
        "previous_close": _text(quote.previous_close),
        "volume": quote.volume,
        "last_updated": iso(quote.as_of),
        "trading_day": market_clock.trading_day(quote.as_of).isoformat(),
        "age_seconds": age,
        "source": quote.source,
        "stale": bool(quote.stale),
    }


def _text(value):
    return None if value is None else str(value)


def ticker_arg(name: str = "ticker") -> str:
    """The validated ticker from the query string (400 when missing or unknown)."""
    return market.check_ticker(request.args.get(name, ""))


def interval_arg() -> int:
    """The candle interval from ?interval=10s|1m (default 10s)."""
    raw = request.args.get("interval", "10s")
    if raw not in INTERVALS:
        raise ServiceError("interval must be one of: 10s, 1m.", field="interval")
    return INTERVALS[raw]


def limit_arg(default: int = 100, maximum: int = 1000) -> int:
    """A positive ?limit= no larger than ``maximum``."""
    raw = request.args.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ServiceError(f"limit must be a whole number from 1 to {maximum}.", field="limit")
    return int(raw)
