"""The dashboard as a desk, the markets overview, and day change across days."""

from datetime import datetime
from html.parser import HTMLParser

import pytest

from tests.conftest import AuthActions
from tests.helpers import post_json

pytestmark = pytest.mark.usefixtures("books_balance")


class Elements(HTMLParser):
    """Text of elements by id, and of [data-col] cells per [data-ticker] row, per table id."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: dict[str, dict] = {}
        self.rows: dict[tuple[str, str], dict] = {}
        self._stack: list[tuple[str, list]] = []
        self._table = None
        self._ticker = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        targets = []
        if tag in ("table", "ul") and attrs.get("id"):
            self._table = attrs["id"]
        if tag in ("tr", "li") and "data-ticker" in attrs:
            self._ticker = attrs["data-ticker"]
            self.rows[(self._table, self._ticker)] = {"_attrs": attrs}
        if attrs.get("id"):
            targets.append(self.ids.setdefault(attrs["id"], {"attrs": attrs, "text": ""}))
        if self._ticker and "data-col" in attrs:
            row = self.rows[(self._table, self._ticker)]
            targets.append(row.setdefault(attrs["data-col"], {"attrs": attrs, "text": ""}))
        if tag in ("input", "meta", "link", "br", "img", "polyline"):
            return
        self._stack.append((tag, targets))

    def handle_endtag(self, tag):
        if tag in ("tr", "li"):
            self._ticker = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, targets in self._stack:
            for target in targets:
                target["text"] += data

    def text(self, element_id: str) -> str:
        return " ".join(self.ids[element_id]["text"].split())

    def cell(self, table: str, ticker: str, col: str) -> str:
        return " ".join(self.rows[(table, ticker)][col]["text"].split())


@pytest.fixture
def trader_client(client, trader):
    AuthActions(client).login("trader")
    return client


def get(client, path: str) -> Elements:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return Elements(response.get_data(as_text=True))


def order(client, **fields):
    body = {"ticker": "AAPL", "order_type": "buy", "quantity": 1, **fields}
    response = post_json(client, "/user/api/create_order", body)
    assert response.status_code == 200, response.json
    return response.json["order"]


def test_account_value_counts_positions_so_a_buy_is_not_a_loss(trader_client, market):
    market.set("AAPL", "150.00")
    order(trader_client, quantity=10)  # $1,500 + $1 commission
    page = get(trader_client, "/user/dashboard")
    # 8,499 cash + 1,500 in AAPL: only the commission is gone
    assert page.text("desk-account-value") == "$9,999.00"
    assert page.text("desk-cash") == "$8,499.00"
    assert page.text("desk-buying-power") == "$8,499.00"
    portfolio = get(trader_client, "/user/portfolio")
    assert portfolio.text("summary-total-value") == "$9,999.00"  # the same figure, same name
    assert "Account value" in trader_client.get("/user/portfolio").text


def test_desk_lists_positions_orders_fills_and_the_days_pnl(trader_client, market):
    market.set("AAPL", "150.00")
    order(trader_client, quantity=10)
    working = order(
        trader_client, quantity=2, execution_type="limit", price="120.00", time_in_force="gtc"
    )
    market.set("AAPL", "153.00")
    page = get(trader_client, "/user/dashboard")

    assert page.cell("desk-positions", "AAPL", "quantity") == "10"
    assert page.cell("desk-positions", "AAPL", "price") == "$153.00"
    assert page.cell("desk-positions", "AAPL", "market_value") == "$1,530.00"
    assert page.cell("desk-positions", "AAPL", "day_change") == "+$30.00"  # from the $150 fill
    assert page.text("desk-todays-pnl") == "+$30.00"
    assert "text-success" in page.ids["desk-todays-pnl"]["attrs"]["class"]
    # the limit buy reserves 2 x 120 + 1: buying power is cash less that
    assert page.text("desk-buying-power") == "$8,258.00"
    html = trader_client.get("/user/dashboard").text
    assert f'data-order-id="{working["order_id"]}"' in html
    assert f"/user/orders/{working['order_id']}/cancel" in html
    assert "Limit · GTC" in html and "2 shares" in html
    assert page.text("desk-fills").startswith("buy 10 shares")
    assert "10 shares AAPL at $150.00" in page.text("desk-fills")
    assert "desk-next-step" not in page.ids


def test_desk_watchlist_has_prices_and_sparklines(trader_client, market):
    market.set("MSFT", "310.50")
    assert post_json(trader_client, "/user/api/watchlist", {"ticker": "MSFT"}).status_code == 200
    page = get(trader_client, "/user/dashboard")
    assert page.cell("desk-watchlist", "MSFT", "price") == "$310.50"
    html = trader_client.get("/user/dashboard").text
    row = html[html.index('data-ticker="MSFT"') :]
    assert '<svg class="sparkline' in row[:800]
    assert row[:800].count(",") > 20  # 30 closes drawn as points


def test_next_step_guides_a_new_user(client, auth, app, admin):
    auth.register("newbie")
    page = get(client, "/user/dashboard")
    assert page.ids["desk-next-step"]["attrs"]["data-step"] == "fund"
    assert page.text("desk-account-value") == "$0.00"
    from models import User
    from services import funds

    with app.app_context():
        from extensions import db

        user = db.session.scalar(db.select(User).filter_by(user_name="newbie"))
        request_id = funds.request_deposit(user, "500.00").transaction_id
    assert get(client, "/user/dashboard").ids["desk-next-step"]["attrs"]["data-step"] == "wait"
    with app.app_context():
        from models import Admin

        funds.approve(db.session.get(Admin, admin), request_id)
    page = get(client, "/user/dashboard")
    assert page.ids["desk-next-step"]["attrs"]["data-step"] == "trade"
    assert "/user/markets" in client.get("/user/dashboard").text


def test_markets_lists_every_tradable_stock_with_links(trader_client, market):
    market.set("AAPL", "110.00")  # +10%
    market.set("KO", "95.00")  # -5%
    page = get(trader_client, "/user/markets")
    html = trader_client.get("/user/markets").text
    tickers = market.tickers()
    for ticker in tickers:
        assert ("markets-table", ticker) in page.rows
        assert f'href="/user/stock_chart?ticker={ticker}"' in html
    assert page.text("markets-count") == str(len(tickers))
    assert page.cell("markets-table", "AAPL", "price") == "$110.00"
    assert page.cell("markets-table", "AAPL", "change") == "+$10.00 (+10.00%)"
    assert page.cell("markets-table", "KO", "sector") == "Consumer Staples"
    assert page.cell("markets-table", "AAPL", "volume") == "1,000,000"
    assert page.rows[("markets-table", "AAPL")]["_attrs"]["data-change"] == "10.0000"


def test_markets_movers_are_ordered(trader_client, market):
    for ticker, price in [("AAPL", "110"), ("MSFT", "105"), ("KO", "95"), ("XOM", "90")]:
        market.set(ticker, price)
    page = get(trader_client, "/user/markets")
    html = trader_client.get("/user/markets").text
    gainers = html[html.index('id="top-gainers"') : html.index('id="top-losers"')]
    losers = html[html.index('id="top-losers"') : html.index('id="most-active"')]
    assert gainers.index('data-ticker="AAPL"') < gainers.index('data-ticker="MSFT"')
    assert 'data-ticker="KO"' not in gainers
    assert losers.index('data-ticker="XOM"') < losers.index('data-ticker="KO"')
    assert 'data-ticker="AAPL"' not in losers
    assert "Open" in page.text("markets-status")


def test_day_change_of_shares_bought_yesterday_and_today(trader_client, market, frozen_time):
    market.set("AAPL", "150.00")
    order(trader_client, quantity=10)  # day 1 at $150
    frozen_time(datetime(2026, 3, 3, 15, 0))
    market.set("AAPL", "160.00")
    order(trader_client, quantity=5)  # day 2 at $160; the scripted close is $100
    market.set("AAPL", "170.00")
    page = get(trader_client, "/user/portfolio")
    # 10 old shares from the $100 close (+700) and 5 new from $160 (+50)
    assert page.cell("positions-table", "AAPL", "day_change") == "+$750.00"
    response = trader_client.get("/user/api/portfolio")
    assert response.json["positions"][0]["day_change"] == "750.00"


def test_market_status_says_what_kind_of_market_runs(app, frozen_time):
    from services import market_clock

    frozen_time(datetime(2026, 11, 28, 12, 0))  # a Saturday
    with app.test_request_context():
        practice = market_clock.status()
        app.config["MARKET_DATA_PROVIDER"] = "yfinance"
        app.extensions.pop("paperdesk_hours", None)
        live = market_clock.status()
        app.extensions.pop("paperdesk_hours", None)
    assert (practice["open"], practice["mode"]) == (True, "always")
    assert practice["detail"].startswith("practice market, open 24 hours")
    assert (live["open"], live["mode"], live["label"]) == (False, "exchange", "Closed")
    assert live["detail"] == "exchange hours (NYSE); opens Mon 09:30 ET"
