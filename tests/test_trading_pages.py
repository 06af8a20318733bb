"""Trading pages: the portfolio's figures, the orders page, the order ticket, trade history."""

from html import unescape
from html.parser import HTMLParser

import pytest

from tests.conftest import AuthActions
from tests.helpers import post_json

pytestmark = pytest.mark.usefixtures("books_balance")


class _Page(HTMLParser):
    """Collects the text and classes of elements with an id, and positions-table cells."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: dict[str, dict] = {}
        self.rows: dict[str, dict[str, dict]] = {}
        self._open: list[dict] = []
        self._ticker = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-ticker" in attrs and "data-market-value" in attrs:
            self._ticker = attrs["data-ticker"]
            self.rows[self._ticker] = {"_attrs": attrs}
        target = None
        if attrs.get("id"):
            target = self.ids.setdefault(attrs["id"], {"attrs": attrs, "text": ""})
        elif self._ticker and "data-col" in attrs:
            target = self.rows[self._ticker].setdefault(
                attrs["data-col"], {"attrs": attrs, "text": ""}
            )
        if tag in ("input", "meta", "link", "br", "img"):
            return
        self._open.append({"tag": tag, "target": target})

    def handle_endtag(self, tag):
        if tag == "tr":
            self._ticker = None
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for frame in self._open:
            if frame["target"] is not None:
                frame["target"]["text"] += data

    def text(self, element_id: str) -> str:
        return " ".join(self.ids[element_id]["text"].split())

    def cell(self, ticker: str, col: str) -> tuple[str, str]:
        """(text, class) of one positions-table cell."""
        cell = self.rows[ticker][col]
        return " ".join(cell["text"].split()), cell["attrs"].get("class", "")


@pytest.fixture
def trader_client(client, trader):
    AuthActions(client).login("trader")
    return client


def trade(client, side: str, quantity: int, **fields):
    body = {"ticker": "AAPL", "order_type": side, "quantity": quantity, **fields}
    response = post_json(client, "/user/api/create_order", body)
    assert response.status_code == 200, response.json
    return response.json["order"]


def page(client, path: str) -> _Page:
    response = client.get(path)
    assert response.status_code == 200
    return _Page(response.get_data(as_text=True))


def test_portfolio_shows_a_gain_valued_at_the_latest_price(trader_client, market):
    market.set("AAPL", "150.00")
    assert trade(trader_client, "buy", 10)["status"] == "filled"  # $1,500 + $1 commission
    market.set("AAPL", "160.00")

    html = page(trader_client, "/user/portfolio")

    assert html.cell("AAPL", "quantity")[0] == "10"
    assert html.cell("AAPL", "reserved")[0] == "0"
    assert html.cell("AAPL", "average_price")[0] == "$150.10"
    assert html.cell("AAPL", "price")[0] == "$160.00 sim"
    assert html.cell("AAPL", "market_value")[0] == "$1,600.00"
    assert html.cell("AAPL", "unrealized_pnl") == ("+$99.00", "text-end text-success")
    assert html.cell("AAPL", "unrealized_pct") == ("+6.60%", "text-end text-success")
    # bought today at $150: the day change runs from the purchase price, not the $100 close
    assert html.cell("AAPL", "day_change")[0] == "+$100.00"
    assert html.text("summary-total-value") == "$10,099.00"
    assert html.text("summary-cash") == "$8,499.00"
    assert html.text("summary-market-value") == "$1,600.00"
    assert html.text("summary-unrealized") == "+$99.00"
    assert "text-success" in html.ids["summary-unrealized"]["attrs"]["class"]
    assert html.rows["AAPL"]["_attrs"]["data-market-value"] == "1600.00"
    assert html.ids["allocation-chart"]["attrs"]["data-cash"] == "8499.00"
    assert 'href="/user/stock_chart?ticker=AAPL"' in trader_client.get("/user/portfolio").text


def test_portfolio_shows_losses_in_red_and_realized_pnl(trader_client, market):
    market.set("AAPL", "150.00")
    trade(trader_client, "buy", 10)
    market.set("AAPL", "160.00")
    trade(trader_client, "sell", 4)  # realizes 640 - 1 - 4 x 150.10 = 38.60
    trade(trader_client, "sell", 2, execution_type="limit", price="200.00", time_in_force="gtc")
    market.set("AAPL", "140.00")

    html = page(trader_client, "/user/portfolio")

    assert html.cell("AAPL", "quantity")[0] == "6"
    assert html.cell("AAPL", "reserved")[0] == "2"
    assert html.cell("AAPL", "market_value")[0] == "$840.00"
    assert html.cell("AAPL", "unrealized_pnl") == ("-$60.60", "text-end text-danger")
    assert html.cell("AAPL", "unrealized_pct") == ("-6.73%", "text-end text-danger")
    assert html.cell("AAPL", "realized_pnl") == ("+$38.60", "text-end text-success")
    assert html.text("summary-realized") == "+$38.60"
    assert html.text("summary-unrealized") == "-$60.60"
    assert "text-danger" in html.ids["summary-unrealized"]["attrs"]["class"]
    assert html.text("summary-total-value") == "$9,978.00"  # 8,499 + 639 cash, 840 in stock
    assert "positions-empty" not in html.ids


def test_portfolio_without_positions_shows_the_empty_state(trader_client):
    html = page(trader_client, "/user/portfolio")
    assert "positions-table" not in html.ids
    assert "You hold no stocks yet." in html.text("positions-empty")
    assert html.text("summary-total-value") == "$10,000.00"
    assert html.ids["allocation-chart"]["attrs"]["data-cash"] == "10000.00"  # all in cash


def test_portfolio_of_an_empty_account_draws_no_chart(user_client):
    html = page(user_client, "/user/portfolio")
    assert "allocation-chart" not in html.ids
    assert "allocation-empty" in html.ids
    assert html.text("summary-total-value") == "$0.00"
    assert "portfolio.js" not in user_client.get("/user/portfolio").text


def test_orders_page_has_tables_filters_and_csv_links(trader_client):
    html = page(trader_client, "/user/orders")
    assert html.ids["orders-table"]["attrs"]["data-url"] == "/user/api/orders"
    assert html.ids["fills-table"]["attrs"]["data-url"] == "/user/api/transactions"
    assert html.ids["orders-csv"]["attrs"]["href"] == "/user/orders.csv"
    assert html.ids["fills-csv"]["attrs"]["href"] == "/user/transactions.csv"
    source = trader_client.get("/user/orders").text
    words = {"pending": "Working", "partially_filled": "Partly filled", "filled": "Filled",
             "cancelled": "Cancelled", "rejected": "Rejected", "expired": "Expired"}  # fmt: skip
    for status, label in words.items():  # the words of the status badges
        assert f'<option value="{status}">{label}</option>' in source
    assert '<option value="">Any status</option>' in source and "Filter ignored" not in source
    assert "js/orders.js" in source
    script = trader_client.get("/static/js/orders.js")
    assert script.status_code == 200
    assert b"/cancel" in script.data


@pytest.mark.parametrize(
    ("query", "said"),
    [("status=open", "'open' is not an order status."), ("type=short", "'short' is not a side")],
)
def test_an_orders_filter_the_form_cannot_show_is_named(trader_client, query, said):
    source = unescape(trader_client.get(f"/user/orders?{query}").text)
    assert "alert-warning" in source and f"Filter ignored: {said}" in source
    assert "Showing all orders." in source


def test_stock_page_has_the_order_ticket_and_keeps_the_chart(trader_client, market):
    html = page(trader_client, "/user/stock_chart?ticker=AAPL")
    ticket_ids = [
        "ticket",
        "ticket-side-buy",
        "ticket-side-sell",
        "ticket-kind",
        "ticket-quantity",
        "ticket-amount",
        "ticket-price",
        "ticket-stop",
        "ticket-trail",
        "ticket-tif",
        "ticket-quote",
        "ticket-confirm",
        "ticket-cancel",
        "ticket-place",
        "ticket-message",
        "ticket-held-price",
    ]
    chart_ids = [
        "ticker",
        "live-price",
        "daily-chart",
        "volume-chart",
        "live-chart",
        "watch-toggle",
        "stock-search",
        "search-results",
        "watchlist",
        "periods",
    ]
    missing = [i for i in ticket_ids + chart_ids if i not in html.ids]
    assert missing == []
    ticket = html.ids["ticket"]["attrs"]
    assert (ticket["data-ticker"], ticket["data-hold-seconds"]) == ("AAPL", "60")
    kinds = trader_client.get("/user/stock_chart?ticker=AAPL").text
    for kind in ("market", "limit", "stop", "stop_limit", "trailing_stop"):
        assert f'<option value="{kind}"' in kinds
    assert "js/order_ticket.js" in kinds
    assert trader_client.get("/static/js/order_ticket.js").status_code == 200


def test_ticket_quantity_starts_at_the_default_order_size_or_one(
    app, trader_client, trader, market
):
    from extensions import db
    from models import User

    quantity = page(trader_client, "/user/stock_chart?ticker=AAPL").ids["ticket-quantity"]["attrs"]
    assert quantity["value"] == "1"  # no default set: the profile says "Leave empty for 1"
    assert "placeholder" not in quantity
    with app.app_context():
        db.session.get(User, trader).default_order_quantity = 25
        db.session.commit()
    quantity = page(trader_client, "/user/stock_chart?ticker=AAPL").ids["ticket-quantity"]["attrs"]
    assert quantity["value"] == "25"


def test_account_page_has_trade_history(trader_client):
    html = page(trader_client, "/user/account")
    history = html.ids["trade-history"]["attrs"]
    assert (history["data-url"], history["data-limit"]) == ("/user/api/transactions", "10")
    assert html.ids["fills-csv"]["attrs"]["href"] == "/user/transactions.csv"
    assert "Trade history" in html.text("trades-card")
    assert "js/orders.js" in trader_client.get("/user/account").text
