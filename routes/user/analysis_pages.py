"""Analysis pages: risk analysis, Monte Carlo and backtests (their data comes from the API)."""

from flask import current_app, render_template, request
from flask_login import current_user

from routes.user import bp
from services import market, universe
from services.analysis import backtest
from utils.analysis import strategies


def _tickers() -> list[str]:
    return sorted(market.known_tickers())


def _chosen() -> str:
    raw = request.args.get("ticker")
    if raw:
        return market.check_ticker(raw)
    return (universe.watchlist(current_user.user_id) or ["AAPL"])[0]


@bp.get("/analysis")
def analysis_page():
    watched = universe.watchlist(current_user.user_id)[:3]
    return render_template(
        "user/analysis/analysis.html",
        tickers=watched or ["AAPL", "MSFT", "KO"],
        max_tickers=current_app.config["ANALYSIS_MAX_TICKERS"],
        risk_free=current_app.config["RISK_FREE_RATE"],
    )


@bp.get("/monte-carlo")
def monte_carlo_page():
    return render_template(
        "user/analysis/monte_carlo.html",
        tickers=_tickers(),
        ticker=_chosen(),
        max_days=current_app.config["MC_MAX_DAYS"],
        max_sims=current_app.config["MC_MAX_SIMULATIONS"],
    )


@bp.get("/backtest")
def backtest_page():
    return render_template(
        "user/analysis/backtest.html",
        tickers=_tickers(),
        ticker=_chosen(),
        strategy_names=strategies.NAMES,
        strategy_specs=strategies.SPECS,
        costs=backtest.costs(),
    )
