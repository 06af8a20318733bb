"""Monte Carlo runs for a stock and for a user's holdings, from stored closes."""

from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import select

from extensions import db
from models import Portfolio
from services.analysis import data, params
from services.analysis.cache import cached
from services.errors import ServiceError
from utils.analysis import monte_carlo as mc
from utils.market_data.hours import next_trading_day

HISTORY_SHOWN = 120


def check(args: dict) -> dict:
    """Validate days, simulations, seed and lookback (the days of history fitted)."""
    cfg = current_app.config
    days = params.integer(args.get("days"), "days", 1, cfg["MC_MAX_DAYS"], 252)
    sims = params.integer(
        args.get("simulations"), "simulations", 100, cfg["MC_MAX_SIMULATIONS"], 10_000
    )
    lookback = params.integer(args.get("lookback"), "lookback", 30, 5000, 252)
    return {
        "days": days,
        "simulations": sims,
        "seed": params.seed(args.get("seed")),
        "lookback": lookback,
    }


def stock(ticker: str, checked: dict) -> dict:
    """Bands per future trading day and terminal statistics for one ticker."""
    key = ("mc", ticker, *tuple(sorted(checked.items())))
    return _seeded_cache(key, checked, lambda: _stock(ticker, checked))


def _stock(ticker: str, c: dict) -> dict:
    bars = data.bars(ticker)
    close = bars["close"][-(c["lookback"] + 1) :]
    if len(close) < data.MIN_DAYS:
        raise ServiceError(f"Not enough history for {ticker}.", field="ticker")
    mu, sigma = mc.fit(close)
    run = mc.simulate(close[-1], mu, sigma, c["days"], c["simulations"], c["seed"], _workers())
    stats = run["terminal"] | {
        "mu_daily": mu,
        "sigma_daily": sigma,
        "last_date": bars["dates"][-1],
        "antithetic": run["antithetic"],
    }
    return _shape(run["bands"], stats, bars["dates"], bars["close"])


def portfolio(user_id: int, checked: dict) -> dict:
    """The same for the user's holdings, with correlated returns (Cholesky of covariance)."""
    rows = db.session.scalars(
        select(Portfolio).where(Portfolio.user_id == user_id, Portfolio.quantity > 0)
    ).all()
    if not rows:
        raise ServiceError("You hold no shares to simulate.", field="portfolio")
    holdings = {r.ticker: r.quantity for r in sorted(rows, key=lambda r: r.ticker)}
    _check_budget(checked, len(holdings))
    key = ("mc-portfolio", tuple(holdings.items()), *tuple(sorted(checked.items())))
    return _seeded_cache(key, checked, lambda: _portfolio(holdings, checked))


def _seeded_cache(key: tuple, checked: dict, compute):
    """A seeded run from the cache; a run without a seed asks for fresh paths each time."""
    return compute() if checked["seed"] is None else cached(key, compute)


def _check_budget(checked: dict, assets: int) -> None:
    """A run of many holdings draws a path per holding: it may draw no more normals than
    the largest run of one stock (MC_MAX_SIMULATIONS x MC_MAX_DAYS), so that no request
    holds the CPU for long."""
    cfg = current_app.config
    budget = cfg["MC_MAX_SIMULATIONS"] * cfg["MC_MAX_DAYS"]
    if checked["simulations"] * checked["days"] * assets > budget:
        most = max(100, budget // (checked["days"] * assets))
        raise ServiceError(
            f"For {assets} holdings over {checked['days']} days, simulations can be at most "
            f"{most:,}.",
            field="simulations",
        )


def _portfolio(holdings: dict, c: dict) -> dict:
    table = data.closes(list(holdings), field="portfolio").iloc[-(c["lookback"] + 1) :]
    logs = np.diff(np.log(table.to_numpy()), axis=0)
    last = table.to_numpy()[-1]
    values = last * np.array(list(holdings.values()), dtype=float)
    cov = np.atleast_2d(np.cov(logs, rowvar=False))
    try:
        run = mc.simulate_portfolio(
            values, logs.mean(axis=0), cov, c["days"], c["simulations"], c["seed"], _workers()
        )
    except mc.NotPositiveDefinite:
        raise ServiceError(
            "The holdings' returns are collinear (covariance not positive definite); "
            "a joint simulation is not possible.",
            field="portfolio",
        ) from None
    dates = [d.isoformat() for d in table.index]
    worth = table.to_numpy() @ np.array(list(holdings.values()), dtype=float)
    result = _shape(run["bands"], run["terminal"] | {"antithetic": False}, dates, worth)
    result["holdings"] = [
        {"ticker": t, "quantity": q, "value": round(float(v), 2)}
        for (t, q), v in zip(holdings.items(), values, strict=True)
    ]
    return result


def _workers() -> int:
    return current_app.config["MC_WORKERS"]


def _shape(bands, stats: dict, dates: list[str], history) -> dict:
    future = _trading_days(date.fromisoformat(dates[-1]), len(bands))
    predictions = [
        {
            "day": i + 1,
            "date": d,
            **{f"p{q}": round(float(v), 4) for q, v in zip(mc.QUANTILES, row, strict=True)},
        }
        for i, (d, row) in enumerate(zip(future, bands, strict=True))
    ]
    shown = slice(-HISTORY_SHOWN, None)
    return {
        "predictions": predictions,
        "statistics": stats,
        "history": {"dates": dates[shown], "values": [round(float(v), 4) for v in history[shown]]},
    }


def _trading_days(after: date, count: int) -> list[str]:
    out, day = [], after
    while len(out) < count:
        day = next_trading_day(day)  # the exchange's calendar: no holidays either
        out.append(day.isoformat())
    return out
