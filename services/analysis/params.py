"""Parameter checks for the analysis endpoints: each raises a 400 naming its field."""

import math
from datetime import date

from flask import current_app

from services import market
from services.errors import ServiceError
from utils.analysis.indicators import Param


def integer(raw, field: str, low: int, high: int, default: int | None = None) -> int:
    """``raw`` as a whole number within [low, high]; ``default`` when absent."""
    if raw is None or raw == "":
        if default is None:
            raise ServiceError(f"Give {field}.", field=field)
        return default
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ServiceError(f"{field} must be a whole number from {low} to {high}.", field=field)
    return value


def number(raw, field: str, low: float, high: float, default: float | None = None) -> float:
    """``raw`` as a finite number within [low, high]; ``default`` when absent."""
    if raw is None or raw == "":
        if default is None:
            raise ServiceError(f"Give {field}.", field=field)
        return default
    try:
        value = float(str(raw).strip()) if not isinstance(raw, bool) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise ServiceError(f"{field} must be a number from {low:g} to {high:g}.", field=field)
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
        raise ServiceError(f"{field} must be a date as YYYY-MM-DD.", field=field) from None


def date_range(start_raw, end_raw) -> tuple[date | None, date | None]:
    """(start, end), either open; a reversed or empty range is refused."""
    start, end = day(start_raw, "start_date"), day(end_raw, "end_date")
    if start and end and start >= end:
        raise ServiceError("start_date must be before end_date.", field="start_date")
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
        raise ServiceError(f"{field} must be one of: {', '.join(options)}.", field=field)
    return raw


def seed(raw) -> int | None:
    """An optional seed for repeatable runs (0 to 2^32-1)."""
    if raw is None or raw == "":
        return None
    return integer(raw, "seed", 0, 2**32 - 1)
