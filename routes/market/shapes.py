"""JSON shapes of quotes, and the argument parsing the market endpoints share."""

from flask import current_app, request

from services import market, market_clock
from services.errors import ServiceError
from utils.clock import utcnow
from utils.formatting import iso
from utils.parsing import whole_number

INTERVALS = {"10s": 10, "1m": 60}


def quote_json(quote) -> dict:
    """A quote with its source and age, prices as strings."""
    return {**_fixed_json(quote), "age_seconds": _age(quote)}


def price_body(quote) -> str:
    """The JSON text of /api/price for ``quote``, built once per quote and second of age."""
    age, bodies = _age(quote), _memo("paperdesk_price_bodies")
    held = bodies.get(quote.ticker)
    if held is None or held[0] is not quote or held[1] != age:
        answer = {"success": True, **_fixed_json(quote), "age_seconds": age}
        text = current_app.json.dumps(answer, separators=(",", ":"))  # as jsonify() writes it
        held = bodies[quote.ticker] = (quote, age, text + "\n")
    return held[2]


def _memo(name: str) -> dict:
    """Per process and app, by ticker: the last Quote shaped and what was made of it.
    services.market keeps one Quote object per stored version of a row, so ``is`` tells
    a new version from a re-read of the same one."""
    return current_app.extensions.setdefault(name, {})


def _fixed_json(quote) -> dict:
    """Every field of quote_json but the age; the dict is shared, never change it."""
    shapes = _memo("paperdesk_quote_shapes")
    held = shapes.get(quote.ticker)
    if held is None or held[0] is not quote:
        held = shapes[quote.ticker] = (quote, _shape(quote))
    return held[1]


def _shape(quote) -> dict:
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
        "source": quote.source,
        "stale": bool(quote.stale),
    }


def _age(quote) -> int:
    return max(0, int((utcnow() - quote.as_of).total_seconds()))


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
    limit = whole_number(request.args.get("limit", str(default)), 1, maximum)
    if limit is None:
        raise ServiceError(f"limit must be a whole number from 1 to {maximum}.", field="limit")
    return limit
