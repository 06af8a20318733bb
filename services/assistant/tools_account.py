"""The assistant's account tools: the asking user's portfolio, orders and performance,
and order proposals (which place nothing)."""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, Order, User
from services import market, portfolio
from services.analysis import performance
from services.assistant.common import refusing, text
from utils.assistant.base import ToolRefused

ORDER_KINDS = ("market", "limit")
MAX_ORDERS = 20


class AccountTools:
    """Tools over the asking user's own account (``_user_id``, set by UserTools)."""

    _user_id: int

    @refusing
    def get_portfolio(self) -> dict:
        """The user's own cash (available, reserved, total), holdings valued at the latest
        prices, and unrealized and realized P&L."""
        p = portfolio.positions(db.session.get(User, self._user_id))
        return {
            "cash": {
                "available": text(p["available"]),
                "frozen": text(p["frozen"]),
                "total": text(p["cash"]),
            },
            "positions": [
                {
                    "ticker": i["ticker"],
                    "quantity": i["quantity"],
                    "average_price": text(i["average_price"]),
                    "price": text(i["price"]),
                    "market_value": text(i["market_value"]),
                    "unrealized_pnl": text(i["unrealized_pnl"]),
                    "unrealized_percent": text(i["unrealized_pct"]),
                    "realized_pnl": text(i["realized_pnl"]),
                    "stale": i["price_stale"],
                }
                for i in p["positions"]
            ],
            "market_value": text(p["market_value"]),
            "total_value": text(p["total_value"]),
            "unrealized_pnl": text(p["unrealized_pnl"]),
            "realized_pnl": text(p["realized_pnl"]),
        }

    @refusing
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

    @refusing
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

    @refusing
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
            "limit_price": text(price),
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


def _order(o: Order) -> dict:
    return {
        "order_id": o.order_id,
        "ticker": o.ticker,
        "side": o.order_type,
        "type": o.order_execution_type,
        "quantity": o.order_quantity,
        "filled_quantity": o.filled_quantity,
        "limit_price": text(o.order_price),
        "stop_price": text(o.stop_price),
        "status": o.order_status,
        "created_at": o.created_at.strftime("%Y-%m-%d %H:%M"),
    }
