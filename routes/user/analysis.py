"""Analysis JSON endpoints: indicators, risk, Monte Carlo and backtests (thin views)."""

from flask import Response, jsonify, request
from flask_login import current_user

from routes.helpers import json_body
from routes.user import bp
from services import market
from services.analysis import backtest, indicators, monte_carlo, performance, preferences, risk
from services.errors import ServiceError


@bp.get("/api/indicators")
def api_indicators():
    checked = indicators.check(request.args.to_dict())
    result = indicators.series(checked)
    return jsonify(
        success=True,
        ticker=checked["ticker"],
        period=checked["period"],
        dates=result["dates"],
        series=result["series"],
        params=checked["params"],
    )


@bp.post("/api/stock_analysis")
def api_stock_analysis():
    checked = risk.check(json_body())
    result = risk.analyse(checked)
    return jsonify(
        success=True,
        data=result["data"],
        metrics=risk.METRICS,
        benchmark=result["benchmark"],
        charts=result["charts"],
        risk_free=checked["risk_free"],
    )


@bp.get("/api/monte-carlo/portfolio")
def api_monte_carlo_portfolio():
    checked = monte_carlo.check(request.args.to_dict())
    result = monte_carlo.portfolio(current_user.user_id, checked)
    params = checked | {"antithetic": result["statistics"]["antithetic"]}
    return jsonify(success=True, portfolio=True, params=params, **result)


@bp.get("/api/monte-carlo/<ticker>")
def api_monte_carlo(ticker: str):
    ticker = market.check_ticker(ticker)
    checked = monte_carlo.check(request.args.to_dict())
    result = monte_carlo.stock(ticker, checked)
    params = checked | {"antithetic": result["statistics"]["antithetic"]}
    return jsonify(success=True, ticker=ticker, params=params, **result)


@bp.get("/api/backtest")
def api_backtest():
    checked = backtest.check(request.args.to_dict())
    return jsonify(success=True, **backtest.run(checked))


@bp.get("/api/backtest.csv")
def api_backtest_csv():
    checked = backtest.check(request.args.to_dict())
    kind = request.args.get("what", "trades")
    if kind not in ("trades", "curve"):
        raise ServiceError("what must be trades or curve.", field="what")
    result = backtest.run(checked)
    text = backtest.trades_csv(result) if kind == "trades" else backtest.curve_csv(result)
    name = f"backtest-{checked['ticker']}-{checked['strategy']}-{kind}.csv"
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


@bp.get("/api/performance")
def api_performance():
    rebuild = request.args.get("rebuild") in ("1", "true")
    return jsonify(success=True, **performance.account(current_user.user_id, rebuild))


@bp.get("/api/preferences/indicators")
def api_indicator_preferences():
    return jsonify(success=True, preferences=preferences.indicators(current_user.user_id))


@bp.post("/api/preferences/indicators")
def api_save_indicator_preferences():
    saved = preferences.save_indicators(current_user.user_id, json_body())
    return jsonify(success=True, preferences=saved)
