"""The assistant's market tools: quotes, price history, risk, Monte Carlo, indicators,
search and explanations (the Monte Carlo of holdings reads the asking user's own)."""

from datetime import date
from decimal import Decimal

from flask import current_app

from services import market
from services.analysis import data, indicators, monte_carlo, risk
from services.assistant.common import refusing, text
from utils.assistant.base import ToolRefused
from utils.assistant.glossary import lookup
from utils.market_data.base import period_start
from utils.market_data.catalog import load_catalog

MC_PATHS = 5000
MC_SEED = 42
RISK_KEYS = ("annual_return", "annual_volatility", "sharpe", "sortino", "max_drawdown", "var_95")
RISK_KEYS += ("cvar_95", "beta", "alpha", "rating", "start_date", "end_date")


class MarketTools:
    """Tools over market data; ``_user_id`` is the asking user (set by UserTools)."""

    _user_id: int

    @refusing
    def get_quote(self, ticker: str) -> dict:
        """The latest price of one stock, its day change, when it was priced and whether it is
        simulated or stale.

        Args:
          ticker: the stock symbol, e.g. AAPL
        """
        symbol = market.check_ticker(ticker)
        q = market.get_quote(symbol)
        entry = load_catalog().get(symbol)
        return {
            "ticker": symbol,
            "name": entry.name if entry else symbol,
            "price": text(q.price),
            "change": text(q.change),
            "change_percent": text(q.change_percent),
            "previous_close": text(q.previous_close),
            "as_of": q.as_of.strftime("%Y-%m-%d %H:%M") if q.as_of else None,
            "source": q.source,
            "stale": bool(q.stale),
            "simulated": current_app.config["MARKET_DATA_PROVIDER"] == "sim",
        }

    @refusing
    def get_price_history_summary(self, ticker: str, period: str = "1y") -> dict:
        """First and last close, high, low and return of a stock over a period of daily bars.

        Args:
          ticker: the stock symbol
          period: one of 1mo, 3mo, 6mo, 1y, 2y, 5y, max
        """
        symbol = market.check_ticker(ticker)
        period = market.check_period_arg(period)
        bars = data.bars(symbol)
        start = _first_index(bars["dates"], period)
        close, dates = bars["close"][start:], bars["dates"][start:]
        first, last = Decimal(str(float(close[0]))), Decimal(str(float(close[-1])))
        change = ((last / first - 1) * 100).quantize(Decimal("0.01"))
        return {
            "ticker": symbol,
            "period": period,
            "start_date": dates[0],
            "end_date": dates[-1],
            "first_close": f"{first:.2f}",
            "last_close": f"{last:.2f}",
            "return_percent": str(change),
            "high": f"{bars['high'][start:].max():.2f}",
            "low": f"{bars['low'][start:].min():.2f}",
            "days": len(dates),
        }

    @refusing
    def get_risk_metrics(self, ticker: str) -> dict:
        """Risk of one stock from its stored history: volatility, return, Sharpe, Sortino,
        maximum drawdown, VaR and CVaR, beta and alpha against the benchmark.

        Args:
          ticker: the stock symbol
        """
        checked = risk.check({"ticker": ticker})
        result = risk.analyse(checked)
        m = result["data"][checked["tickers"][0]]
        return {"ticker": checked["tickers"][0], "benchmark": result["benchmark"]} | {
            k: m.get(k) for k in RISK_KEYS
        }

    @refusing
    def run_monte_carlo(self, ticker: str = "", days: int = 252) -> dict:
        """A Monte Carlo outlook (5,000 paths, fixed seed) for a stock, or for the user's own
        holdings when ticker is empty: start, median, 5th and 95th percentiles at the end,
        the chance of ending below the start, and VaR 95.

        Args:
          ticker: the stock symbol, or "" for the user's portfolio
          days: trading days ahead (1 to 756)
        """
        args = {"days": days, "simulations": MC_PATHS, "seed": MC_SEED}
        checked = monte_carlo.check(args)
        if ticker:
            target = market.check_ticker(ticker)
            run = monte_carlo.stock(target, checked)
        else:
            target = "portfolio"
            run = monte_carlo.portfolio(self._user_id, checked)
        s = run["statistics"]
        return {
            "target": target,
            "days": checked["days"],
            "simulations": checked["simulations"],
            "seed": checked["seed"],
            "start": round(s["start"], 2),
            "mean": round(s["mean"], 2),
            "median": round(s["median"], 2),
            "p5": round(s["percentiles"]["5"], 2),
            "p95": round(s["percentiles"]["95"], 2),
            "prob_below_start": s["prob_below_start"],
            "var_95": round(s["var_95"], 2),
        }

    @refusing
    def get_indicators(self, ticker: str, names: str = "rsi,macd,sma") -> dict:
        """The latest values of technical indicators for a stock, with default parameters.

        Args:
          ticker: the stock symbol
          names: comma-separated, from sma, ema, bbands, vwap, rsi, macd, stoch, atr, obv
            (bbands: Bollinger bands, stoch: the stochastic oscillator)
        """
        checked = indicators.check({"ticker": ticker, "names": names, "period": "6mo"})
        result = indicators.series(checked)
        values = {key: _last(series) for key, series in result["series"].items()}
        bars = data.bars(checked["ticker"])
        return {
            "ticker": checked["ticker"],
            "date": result["dates"][-1],
            "close": round(float(bars["close"][-1]), 2),
            "values": values,
        }

    @refusing
    def search_stocks(self, query: str) -> dict:
        """Stocks PaperDesk can price whose symbol or company name matches the query.

        Args:
          query: part of a symbol or a company name
        """
        found = market.search(query, limit=8)
        return {
            "results": [{"ticker": e.symbol, "name": e.name, "sector": e.sector} for e in found]
        }

    def explain_term(self, term: str) -> dict:
        """A plain-words explanation of an order type or metric (limit order, Sharpe ratio,
        VaR, drawdown, RSI, ...).

        Args:
          term: the term to explain
        """
        found = lookup(term)
        if found is None:
            raise ToolRefused(f"I have no explanation of “{term[:40]}”.")
        return {"term": found[0], "explanation": found[1]}


def _first_index(dates: list[str], period: str) -> int:
    begin = period_start(period, date.fromisoformat(dates[-1]))
    if begin is None:
        return 0
    return next((i for i, d in enumerate(dates) if d >= str(begin)), 0)


def _last(series: list):
    for value in reversed(series):
        if value is not None:
            return value
    return None
