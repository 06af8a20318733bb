"""A rule backtested on the stored daily bars, with the live trading costs.

Live, a rule averages the prices of the last ``window_seconds``; the worker sees about
one price every WORKER_INTERVAL seconds, so that window holds about
window_seconds / WORKER_INTERVAL prices. On daily bars the same count of closes is
averaged (``window_days``, which the request may set), and a signal at a day's close
trades at the next day's open. One decision a day means the cooldown (at most a
day) and the trades-per-day cap (at least one) never bind; the maximum position, the
end date and the cash and shares at hand do.
"""

from flask import current_app

from services.analysis import backtest as analysis_backtest
from services.analysis import data, params
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.analysis import backtest as bt
from utils.analysis import rule_backtest

MAX_WINDOW_DAYS = 250


def default_window_days(rule) -> int:
    """The daily-bar window holding as many prices as the rule's live window."""
    per_window = round(rule.window_seconds / float(current_app.config["WORKER_INTERVAL"]))
    return min(max(per_window, 2), MAX_WINDOW_DAYS)


def check(rule, args: dict) -> dict:
    """Validate the date range, the starting cash and the averaging window (400s name them)."""
    start, end = params.date_range(args.get("start_date"), args.get("end_date"))
    cash = params.number(args.get("cash"), "cash", 100, 100_000_000, 10_000.0)
    window = params.integer(
        args.get("window_days"), "window_days", 2, MAX_WINDOW_DAYS, default_window_days(rule)
    )
    return {"start": start, "end": end, "cash": cash, "window_days": window}


def spec(rule, window_days: int) -> rule_backtest.RuleSpec:
    """The rule's settings in daily-bar terms."""
    return rule_backtest.RuleSpec(
        window=window_days,
        buy_below=float(rule.buy_below_pct),
        sell_above=float(rule.sell_above_pct),
        quantity=rule.quantity,
        amount=float(rule.amount) if rule.amount is not None else None,
        max_position=rule.max_position,
        last_day=rule.ends_at.date().isoformat() if rule.ends_at else None,
    )


def run(rule, checked: dict) -> dict:
    """The rule's and buy-and-hold's curves, the rule's fills and skips, and the metrics."""
    rule_spec = spec(rule, checked["window_days"])
    model = analysis_backtest.costs()
    key = ("rule-backtest", rule.ticker, rule_spec, checked["start"], checked["end"])
    key += (checked["cash"], model)
    return cached(key, lambda: _run(rule, rule_spec, checked, model))


def _run(rule, rule_spec, c: dict, model: bt.CostModel) -> dict:
    try:
        bars = data.bars(rule.ticker, c["start"], c["end"])
    except ServiceError as exc:  # the ticker is the rule's: the range is what to change
        if exc.status_code != 400:
            raise
        raise ServiceError(exc.message, field="start_date") from None
    if len(bars["close"]) < rule_spec.window + 2:
        needed = rule_spec.window + 2
        raise ServiceError(f"This backtest needs {needed}+ days of bars.", field="start_date")
    args = (bars["dates"], bars["open"], bars["close"])
    rf = current_app.config["RISK_FREE_RATE"]
    result = rule_backtest.run(*args, rule_spec, c["cash"], model, rf)
    hold = bt.buy_and_hold(*args, c["cash"], model, rf)
    return {
        "rule_id": rule.rule_id,
        "ticker": rule.ticker,
        "params": _params(rule_spec, c),
        "cash": c["cash"],
        "costs": model.__dict__,
        "dates": bars["dates"],
        "equity": _round(result["equity"]),
        "drawdown": _round(result["drawdown"], 6),
        "shares": [int(s) for s in result["shares"]],
        "benchmark_equity": _round(hold["equity"]),
        "benchmark_drawdown": _round(hold["drawdown"], 6),
        "trades": [_fill(f) for f in result["fills"]],
        "skipped": [{**s, "close": round(float(s["close"]), 4)} for s in result["skipped"]],
        "metrics": _metrics(result, len(result["fills"])),
        "buy_and_hold": _metrics(hold, len(hold["trades"])),
    }


def _params(rule_spec, c: dict) -> dict:
    out = dict(rule_spec.__dict__)
    out["window_days"] = out.pop("window")
    out["start_date"] = c["start"].isoformat() if c["start"] else None
    out["end_date"] = c["end"].isoformat() if c["end"] else None
    return out


def _metrics(result: dict, trades: int) -> dict:
    keys = ("total_return", "annual_return", "annual_volatility", "max_drawdown", "sharpe")
    out = {k: result[k] for k in keys}
    out |= {"win_rate": result["win_rate"], "exposure": result["exposure"]}
    out |= {"realized_pnl": result.get("realized_pnl")}
    return out | {"trades": trades, "commission": result["commission"]}


def _fill(f: dict) -> dict:
    out = {**f, "price": round(f["price"], 4), "cash": round(f["cash"], 2)}
    for key in ("commission", "value"):
        out[key] = round(f[key], 2)
    out["pnl"] = None if f["pnl"] is None else round(f["pnl"], 2)
    return out


def _round(values, digits: int = 2) -> list[float]:
    return [round(float(v), digits) for v in values]
