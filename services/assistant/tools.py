"""The assistant's tools: typed functions over the asking user's data, read-only.

A UserTools is made for the signed-in user of the request; its methods take no user
argument, so whatever a model asks, they read that user's data and nobody else's. No
tool places, changes or cancels an order or moves money; propose_order only returns a
filled-in ticket link for the user to open, quote and confirm.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, Order, User
from services import market, portfolio
from services.analysis import data, indicators, monte_carlo, performance, risk
from services.errors import ServiceError
from utils.assistant.base import ToolBox, ToolRefused
from utils.assistant.glossary import lookup
from utils.market_data.base import period_start
from utils.market_data.catalog import load_catalog

MC_PATHS = 5000
MC_SEED = 42
ORDER_KINDS = ("market", "limit")
MAX_ORDERS = 20
RISK_KEYS = ("annual_return", "annual_volatility", "sharpe", "sortino", "max_drawdown", "var_95")
RISK_KEYS += ("cvar_95", "beta", "alpha", "rating", "start_date", "end_date")


def _refusing(fn):
    """Turn a ServiceError into a tool error the model (or offline assistant) can read."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            raise ToolRefused(exc.message) from None

    return wrapped


def _s(value) -> str | None:
    return None if value is None else str(value)


class UserTools:
    """The tools for one user; ``toolbox()`` hands them to an assistant client."""

    def __init__(self, user_id: int):
        self._user_id = user_id

    def toolbox(self) -> ToolBox:
        """All tools, in the order they are declared to the model."""
        names = [
            "get_quote", "get_price_history_summary", "get_portfolio", "get_orders",
            "get_account_performance", "get_risk_metrics", "run_monte_carlo", "get_indicators",
            "search_stocks", "explain_term", "propose_order",
        ]  # fmt: skip
        return ToolBox([getattr(self, n) for n in names])

    @_refusing
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
            "price": _s(q.price),
            "change": _s(q.change),
            "change_percent": _s(q.change_percent),
            "previous_close": _s(q.previous_close),
            "as_of": q.as_of.strftime("%Y-%m-%d %H:%M") if q.as_of else None,
            "source": q.source,
            "stale": bool(q.stale),
            "simulated": current_app.config["MARKET_DATA_PROVIDER"] == "sim",
        }

    @_refusing
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
        first, last = Decimal(repr(close[0])), Decimal(repr(close[-1]))
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

    @_refusing
    def get_portfolio(self) -> dict:
        """The user's own cash (available, reserved, total), holdings valued at the latest
        prices, and unrealized and realized P&L."""
        p = portfolio.positions(db.session.get(User, self._user_id))
        return {
            "cash": {
                "available": _s(p["available"]),
                "frozen": _s(p["frozen"]),
                "total": _s(p["cash"]),
            },
            "positions": [
                {
                    "ticker": i["ticker"],
                    "quantity": i["quantity"],
                    "average_price": _s(i["average_price"]),
                    "price": _s(i["price"]),
                    "market_value": _s(i["market_value"]),
                    "unrealized_pnl": _s(i["unrealized_pnl"]),
                    "unrealized_percent": _s(i["unrealized_pct"]),
                    "realized_pnl": _s(i["realized_pnl"]),
                    "stale": i["price_stale"],
                }
                for i in p["positions"]
            ],
            "market_value": _s(p["market_value"]),
            "total_value": _s(p["total_value"]),
            "unrealized_pnl": _s(p["unrealized_pnl"]),
            "realized_pnl": _s(p["realized_pnl"]),
        }

    @_refusing
    def get_orders(self, status: str = "open") -> dict:
        """The user's own orders, newest first (at most 20).

        Args:
          status: open (pending or partly filled), all, or one of pending, filled,
            cancelled, rejected, expired
        """
        stmt = select(Order).where(Order.user_id == self._user_id)
        if status == "open":
            stmt = stmt.where(Order.order_status.in_(OPEN_STATUSES))
        elif status != "all":
            stmt = stmt.where(Order.order_status == status)
        rows = db.session.scalars(stmt.order_by(Order.order_id.desc()).limit(MAX_ORDERS)).all()
        return {"status": status, "orders": [_order(o) for o in rows]}

    @_refusing
    def get_account_performance(self) -> dict:
        """The user's own account since the first deposit: time-weighted return, its
        annualised rate, maximum drawdown and the benchmark."""
        f = performance.account(self._user_id)
        if not f.get("days"):
            return {"days": 0, "message": f.get("message", "No history yet.")}
        drawdown = min(f["drawdown"]) if f.get("drawdown") else 0.0
        return {
            "days": f["days"],
            "first_date": f["dates"][0],
            "last_value": f["value"][-1],
            "time_weighted_return": f["time_weighted_return"],
            "annualised_twr": f["annualised_twr"],
            "max_drawdown": drawdown,
            "benchmark": f["benchmark"],
            "deposits": f["deposits"],
            "withdrawals": f["withdrawals"],
        }

    @_refusing
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

    @_refusing
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

    @_refusing
    def get_indicators(self, ticker: str, names: str = "rsi,macd,sma") -> dict:
        """The latest values of technical indicators for a stock, with default parameters.

        Args:
          ticker: the stock symbol
          names: comma-separated, from sma, ema, bollinger, vwap, rsi, macd, stochastic, atr, obv
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

    @_refusing
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

    @_refusing
    def propose_order(
        self,
        ticker: str,
        side: str,
        quantity: int,
        order_type: str = "market",
        limit_price: str = "",
    ) -> dict:
        """Propose an order for the user to review; it places nothing. The user opens the
        filled-in order ticket, gets a quote and confirms it themselves.

        Args:
          ticker: the stock symbol
          side: buy or sell
          quantity: whole shares, at least 1
          order_type: market or limit
          limit_price: the limit price for a limit order, else ""
        """
        symbol = market.check_ticker(ticker)
        if side not in ("buy", "sell"):
            raise ToolRefused("side must be buy or sell.")
        if not 1 <= quantity <= current_app.config["MAX_ORDER_QUANTITY"]:
            raise ToolRefused("quantity must be a whole number of shares, at least 1.")
        if order_type not in ORDER_KINDS:
            raise ToolRefused("order_type must be market or limit.")
        price = _price(limit_price) if order_type == "limit" else None
        query = {"ticker": symbol, "side": side, "quantity": quantity, "kind": order_type}
        if price is not None:
            query["price"] = str(price)
        return {
            "ticker": symbol,
            "side": side,
            "quantity": quantity,
            "order_type": order_type,
            "limit_price": _s(price),
            "ticket_url": "/user/stock_chart?" + urlencode(query),
        }


def _price(raw: str) -> Decimal:
    try:
        price = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ToolRefused("A limit order needs a limit_price such as 150.00.") from None
    if not price.is_finite() or price <= 0 or price > current_app.config["MAX_PRICE"]:
        raise ToolRefused("The limit price must be a positive number.")
    return price.quantize(Decimal("0.01"))


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


def _order(o: Order) -> dict:
    return {
        "order_id": o.order_id,
        "ticker": o.ticker,
        "side": o.order_type,
        "type": o.order_execution_type,
        "quantity": o.order_quantity,
        "filled_quantity": o.filled_quantity,
        "limit_price": _s(o.order_price),
        "stop_price": _s(o.stop_price),
        "status": o.order_status,
        "created_at": o.created_at.strftime("%Y-%m-%d %H:%M"),
    }
