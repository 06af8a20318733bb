"""Strategy backtests on stored bars, with the live trading costs, and their CSV files."""

import numpy as np
from flask import current_app

from services import market
from services.analysis import data, params
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.analysis import backtest as bt
from utils.analysis import strategies
from utils.csv_export import to_csv

MIN_BARS = 60


def check(args: dict) -> dict:
    """Validate ticker, strategy, its parameters, the date range and the starting cash."""
    ticker = market.check_ticker(args.get("ticker"))
    name = params.choice(args.get("strategy"), "strategy", list(strategies.SPECS), "sma_cross")
    values = {k: params.spec(args.get(k), k, s) for k, s in strategies.SPECS[name].items()}
    if name == "sma_cross" and values["fast"] >= values["slow"]:
        raise ServiceError("fast must be below slow.", field="fast")
    if name == "rsi" and values["lower"] >= values["upper"]:
        raise ServiceError("lower must be below upper.", field="lower")
    start, end = params.date_range(args.get("start_date"), args.get("end_date"))
    cash = params.number(args.get("cash"), "cash", 100, 100_000_000, 10_000.0)
    return {
        "ticker": ticker,
        "strategy": name,
        "params": values,
        "start": start,
        "end": end,
        "cash": cash,
    }


def costs() -> bt.CostModel:
    """The live trading costs (COMMISSION_* and SLIPPAGE_BPS) as the backtest's model."""
    cfg = current_app.config
    return bt.CostModel(
        fixed=float(cfg["COMMISSION_FIXED"]),
        bps=float(cfg["COMMISSION_BPS"]),
        minimum=float(cfg["COMMISSION_MIN"]),
        slippage_bps=float(cfg["SLIPPAGE_BPS"]),
    )


def run(checked: dict) -> dict:
    """The strategy's and buy-and-hold's curves, trades and metrics (JSON-ready)."""
    key = ("backtest", checked["ticker"], checked["strategy"], checked["start"], checked["end"])
    key += (checked["cash"], *sorted(checked["params"].items()), costs())
    return cached(key, lambda: _run(checked))


def _run(c: dict) -> dict:
    bars = data.bars(c["ticker"], c["start"], c["end"])
    if len(bars["close"]) < MIN_BARS:
        raise ServiceError(f"A backtest needs {MIN_BARS}+ days of bars.", field="start_date")
    model = costs()
    wanted = strategies.signal(c["strategy"], bars["close"], c["params"])
    args = (bars["dates"], bars["open"], bars["close"])
    rf = current_app.config["RISK_FREE_RATE"]
    result = bt.run(*args, wanted, c["cash"], model, rf)
    hold = bt.buy_and_hold(*args, c["cash"], model, rf)
    return {
        "ticker": c["ticker"],
        "strategy": c["strategy"],
        "strategy_name": strategies.NAMES[c["strategy"]],
        "params": c["params"],
        "cash": c["cash"],
        "costs": model.__dict__,
        "dates": bars["dates"],
        "equity": _round(result["equity"]),
        "drawdown": _round(result["drawdown"], 6),
        "benchmark_equity": _round(hold["equity"]),
        "benchmark_drawdown": _round(hold["drawdown"], 6),
        "trades": [_trade(t) for t in result["trades"]],
        "metrics": _metrics(result),
        "buy_and_hold": _metrics(hold),
    }


def _metrics(result: dict) -> dict:
    keys = ("total_return", "annual_return", "annual_volatility", "max_drawdown", "sharpe")
    out = {k: result[k] for k in keys}
    out |= {"win_rate": result["win_rate"], "exposure": result["exposure"]}
    out |= {"trades": len(result["trades"]), "commission": result["commission"]}
    return out


def _trade(t: dict) -> dict:
    out = dict(t)
    for key in ("entry_price", "exit_price"):
        out[key] = None if t[key] is None else round(t[key], 4)
    for key in ("cost", "pnl", "commission"):
        out[key] = None if t[key] is None else round(t[key], 2)
    out["return"] = None if t["return"] is None else round(t["return"], 6)
    return out


def _round(values: np.ndarray, digits: int = 2) -> list[float]:
    return [round(float(v), digits) for v in values]


TRADE_COLUMNS = ("entry_date", "entry_price", "shares", "exit_date", "exit_price")
TRADE_COLUMNS += ("commission", "pnl", "return")
CURVE_COLUMNS = {
    "date": "dates",
    "equity": "equity",
    "drawdown": "drawdown",
    "buy_hold_equity": "benchmark_equity",
    "buy_hold_drawdown": "benchmark_drawdown",
}


def trades_csv(result: dict) -> str:
    """The trades of a run as CSV text."""
    header = ",".join(TRADE_COLUMNS) + "\r\n"
    rows = [{k: t[k] for k in TRADE_COLUMNS} for t in result["trades"]]
    return to_csv(rows) if rows else header


def curve_csv(result: dict) -> str:
    """The daily equity and drawdown of the strategy and of buy-and-hold as CSV text."""
    columns = [result[key] for key in CURVE_COLUMNS.values()]
    rows = [dict(zip(CURVE_COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)]
    return to_csv(rows)
