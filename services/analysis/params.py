"""Parameter checks for the analysis endpoints: each raises a 400 naming its field.

The message speaks of a field by the label its form shows ("Starting cash", "From"), the
error's ``field`` keeps the name the JSON API uses, so that pages can highlight it.
"""

import math
from datetime import date

from flask import current_app

from services import market
from services.errors import ServiceError
from utils.analysis.indicators import Param

LABELS = {
    "cash": "Starting cash",
    "start_date": "The From date",
    "end_date": "The To date",
    "days": "Trading days",
    "simulations": "Paths",
    "lookback": "History fitted (days)",
    "seed": "Seed",
    "window_days": "Average over (closes)",
    "risk_free": "Risk-free %",
    "strategy": "Strategy",
    "sma_period": "SMA days",
    "ema_period": "EMA days",
    "bb_period": "Bollinger days",
    "bb_dev": "Bollinger \u03c3",
    "rsi_period": "RSI days",
}
MONEY_FIELDS = {"cash"}
PERCENT_FIELDS = {"risk_free"}  # sent as a fraction, typed as a percentage


def label(field: str) -> str:
    """The words a form uses for ``field``: its label, else the name in plain words."""
    if field in LABELS:
        return LABELS[field]
    words = field.replace("_", " ")
    return words[:1].upper() + words[1:]


def bounds(field: str, low: float, high: float) -> str:
    """The allowed range in the form's units: "$100 to $100,000,000", "1 to 200,000",
    "-5 % to 25 %"."""
    if field in MONEY_FIELDS:
        return f"${_figure(low)} to ${_figure(high)}"
    if field in PERCENT_FIELDS:
        return f"{_figure(low * 100)} % to {_figure(high * 100)} %"
    return f"{_figure(low)} to {_figure(high)}"


def _figure(value: float) -> str:
    value = round(float(value), 10)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.10g}"


def integer(raw, field: str, low: int, high: int, default: int | None = None) -> int:
    """``raw`` as a whole number within [low, high]; ``default`` when absent."""
    if raw is None or raw == "":
        if default is None:
            raise ServiceError(f"Give {label(field)}.", field=field)
        return default
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ServiceError(
            f"{label(field)} must be a whole number from {bounds(field, low, high)}.",
            field=field,
        )
    return value


def number(raw, field: str, low: float, high: float, default: float | None = None) -> float:
    """``raw`` as a finite number within [low, high]; ``default`` when absent."""
    if raw is None or raw == "":
        if default is None:
            raise ServiceError(f"Give {label(field)}.", field=field)
        return default
    try:
        value = float(str(raw).strip()) if not isinstance(raw, bool) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise ServiceError(
            f"{label(field)} must be a number from {bounds(field, low, high)}.", field=field
        )
    return value


def spec(raw, field: str, param: Param):
    """A value checked against an indicator or strategy parameter's bounds."""
    if param.integer:
        return integer(raw, field, int(param.low), int(param.high), int(param.default))
    return number(raw, field, param.low, param.high, param.default)


def day(raw, field: str) -> date | None:
    """An ISO date (YYYY-MM-DD), or None when absent."""
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ServiceError(f"{label(field)} must be written as YYYY-MM-DD.", field=field) from None


def date_range(start_raw, end_raw) -> tuple[date | None, date | None]:
    """(start, end), either open; a reversed or empty range is refused."""
    start, end = day(start_raw, "start_date"), day(end_raw, "end_date")
    if start and end and start >= end:
        raise ServiceError("The From date must be before the To date.", field="start_date")
    return start, end


def tickers(raw, field: str = "tickers") -> list[str]:
    """A list (or comma-separated text) of 1 to ANALYSIS_MAX_TICKERS known tickers."""
    if isinstance(raw, str):
        raw = [t for t in raw.split(",") if t.strip()]
    if not isinstance(raw, list) or not raw:
        raise ServiceError("Give at least one ticker.", field=field)
    most = current_app.config["ANALYSIS_MAX_TICKERS"]
    if len(raw) > most:
        raise ServiceError(f"Give at most {most} tickers.", field=field)
    out = []
    for item in raw:
        try:
            out.append(market.check_ticker(item))
        except ServiceError as exc:
            raise ServiceError(exc.message, field=field) from None
    return list(dict.fromkeys(out))


def choice(raw, field: str, options, default: str | None = None) -> str:
    """One of ``options``; ``default`` when absent."""
    if (raw is None or raw == "") and default is not None:
        return default
    if raw not in options:
        raise ServiceError(f"{label(field)} must be one of: {', '.join(options)}.", field=field)
    return raw


def seed(raw) -> int | None:
    """An optional seed for repeatable runs (0 to 2^32-1)."""
    if raw is None or raw == "":
        return None
    return integer(raw, "seed", 0, 2**32 - 1)
