"""Risk metrics of one or several stocks against the benchmark, and their chart series."""

import numpy as np
import pandas as pd
from flask import current_app

from services.analysis import data, params
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.analysis import risk

ROLLING_WINDOW = 21
HIST_BINS = 40
DATE_KEYS = ("peak", "trough", "recovery")

METRICS = {
    "annual_return": "Annualised return (CAGR)",
    "annual_volatility": "Annualised volatility (sample std x sqrt 252)",
    "sharpe": "Sharpe ratio (annualised)",
    "sortino": "Sortino ratio (annualised)",
    "max_drawdown": "Maximum drawdown (negative)",
    "var_95": "1-day historical VaR 95 % (a loss, positive)",
    "cvar_95": "1-day historical CVaR 95 % (a loss, positive)",
    "var_99": "1-day historical VaR 99 % (a loss, positive)",
    "cvar_99": "1-day historical CVaR 99 % (a loss, positive)",
    "var_95_parametric": "1-day normal VaR 95 % (a loss, positive)",
    "cvar_95_parametric": "1-day normal CVaR 95 % (a loss, positive)",
    "var_99_parametric": "1-day normal VaR 99 % (a loss, positive)",
    "cvar_99_parametric": "1-day normal CVaR 99 % (a loss, positive)",
    "beta": "Beta against the benchmark",
    "alpha": "Alpha against the benchmark (annualised)",
    "correlation": "Correlation with the benchmark",
    "r_squared": "R squared against the benchmark",
    "skew": "Skewness (sample)",
    "kurtosis": "Excess kurtosis (sample)",
}


def check(body: dict) -> dict:
    """Validate ``{"ticker", "window"}`` or ``{"tickers", "start_date", "end_date"}``."""
    if body.get("tickers") is not None:
        tickers = params.tickers(body.get("tickers"))
    elif body.get("ticker") is not None:
        tickers = params.tickers([body.get("ticker")], field="ticker")
    else:
        raise ServiceError("Give a ticker or a list of tickers.", field="tickers")
    start, end = params.date_range(body.get("start_date"), body.get("end_date"))
    window = params.integer(body.get("window"), "window", 30, 5000, default=0) or None
    rf = params.number(
        body.get("risk_free"), "risk_free", -0.05, 0.25, current_app.config["RISK_FREE_RATE"]
    )
    return {"tickers": tickers, "start": start, "end": end, "window": window, "risk_free": rf}


def analyse(checked: dict) -> dict:
    """Metrics, rating and summary per ticker, the benchmark's name and chart series."""
    key = ("risk", tuple(checked["tickers"]), checked["start"], checked["end"])
    key += (checked["window"], checked["risk_free"])
    return cached(key, lambda: _analyse(checked))


def _analyse(checked: dict) -> dict:
    table = data.closes(checked["tickers"], checked["start"], checked["end"])
    if checked["window"]:
        _check_window(checked["window"], len(table) - 1)
        table = table.iloc[-(checked["window"] + 1) :]
    returns = table.pct_change().iloc[1:]
    name, bench = data.benchmark()
    out = {t: metrics_for(returns[t], bench, checked["risk_free"]) for t in table.columns}
    return {"data": out, "benchmark": name, "charts": charts(returns)}


def _check_window(window: int, days: int) -> None:
    """A window of more returns than the history holds would quietly be a shorter one."""
    if window > days:
        raise ServiceError(
            f"{params.label('window')}: only {days:,} trading days of history in that range; "
            f"give at most {days:,}.",
            field="window",
        )


def metrics_for(returns: pd.Series, bench: pd.Series, risk_free: float) -> dict:
    """Every metric of a return series (indexed by date), with dates and plain words."""
    r, b = data.aligned(returns, bench)
    if len(r) < data.MIN_DAYS:
        raise ServiceError("Not enough history in common with the benchmark.", field="tickers")
    m = risk.metrics(returns.to_numpy(), risk_free=risk_free)
    with_bench = risk.metrics(r, b, risk_free)
    m |= {k: with_bench[k] for k in ("beta", "alpha", "correlation", "r_squared")}
    days = [d.isoformat() for d in returns.index]
    for key in DATE_KEYS:
        index = m.pop(key)
        m[f"{key}_date"] = days[index] if index is not None and index >= 0 else None
    if m["peak_date"] is None:
        m["peak_date"] = days[0]
    m["start_date"], m["end_date"] = days[0], days[-1]
    m["rating"] = risk.rating(m["annual_volatility"])
    m["summary"] = risk.summary(m)
    return {k: _finite(v) for k, v in m.items()}


def charts(returns: pd.DataFrame) -> dict:
    """Rolling volatility, drawdown curves, return histograms and the correlation matrix."""
    arrays = {t: returns[t].to_numpy() for t in returns.columns}
    edges = np.histogram_bin_edges(returns.to_numpy().ravel(), bins=HIST_BINS)
    corr = np.corrcoef(np.array(list(arrays.values())))
    return {
        "dates": [d.isoformat() for d in returns.index],
        "rolling_volatility": {
            t: _list(risk.rolling_volatility(a, ROLLING_WINDOW)) for t, a in arrays.items()
        },
        "drawdown": {t: _list(risk.drawdown_curve(a)) for t, a in arrays.items()},
        "histogram": {
            "edges": _list(edges),
            "counts": {t: np.histogram(a, bins=edges)[0].tolist() for t, a in arrays.items()},
        },
        "correlation": {"tickers": list(arrays), "matrix": _matrix(corr)},
        "rolling_window": ROLLING_WINDOW,
    }


def _matrix(corr) -> list:
    # a flat price has no correlation: null, since NaN is not JSON
    return [[_finite(round(float(v), 4)) for v in row] for row in np.atleast_2d(corr)]


def _list(values) -> list:
    return [None if not np.isfinite(v) else round(float(v), 6) for v in values]


def _finite(value):
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
