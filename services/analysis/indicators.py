"""Indicator series for a ticker's stored daily bars, with the user's parameters."""

from datetime import date

from services import market
from services.analysis import data, params
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.analysis import indicators as ind
from utils.market_data.base import period_start

MAX_NAMES = len(ind.SPECS)


def check(args: dict) -> dict:
    """Validate a request's arguments: ticker, names, period and each indicator's params."""
    ticker = market.check_ticker(args.get("ticker"))
    raw = [n.strip().lower() for n in str(args.get("names") or "").split(",") if n.strip()]
    if not raw:
        raise ServiceError(f"Give names, some of: {', '.join(ind.SPECS)}.", field="names")
    unknown = [n for n in raw if n not in ind.SPECS]
    if unknown:
        choices = ", ".join(ind.SPECS)
        raise ServiceError(f"Unknown indicator '{unknown[0]}'; choose from {choices}.", "names")
    names = list(dict.fromkeys(raw))
    period = market.check_period_arg(args.get("period") or "1y")
    values = {
        key: params.spec(args.get(key), key, spec)
        for name in names
        for key, spec in ind.SPECS[name].items()
    }
    if "macd" in names and values["macd_fast"] >= values["macd_slow"]:
        raise ServiceError("macd_fast must be below macd_slow.", field="macd_fast")
    return {"ticker": ticker, "names": names, "period": period, "params": values}


def series(checked: dict) -> dict:
    """The indicators of a checked request over its period (warm-up from older bars)."""
    key = ("indicators", checked["ticker"], tuple(checked["names"]), checked["period"])
    key += tuple(sorted(checked["params"].items()))
    return cached(key, lambda: _compute(checked))


def _compute(checked: dict) -> dict:
    bars = data.bars(checked["ticker"])  # all of it, so long periods warm up before the window
    last = bars["dates"][-1]
    start = period_start(checked["period"], date.fromisoformat(last))
    first = 0 if start is None else next(i for i, d in enumerate(bars["dates"]) if d >= str(start))
    out = {}
    for name in checked["names"]:
        mine = {k: v for k, v in checked["params"].items() if k in ind.SPECS[name]}
        for key, values in ind.compute(name, bars, mine).items():
            out[key] = ind.to_json(values[first:])
    return {"dates": bars["dates"][first:], "series": out}
