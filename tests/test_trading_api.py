"""The trading JSON API: bodies validated with field-named 400s, the brief's shapes."""

from decimal import Decimal

import pytest

from tests.conftest import AuthActions
from tests.helpers import post_json

pytestmark = pytest.mark.usefixtures("books_balance")


@pytest.fixture
def trader_client(client, trader):
    AuthActions(client).login("trader")
    return client


def create(client, **body):
    return post_json(client, "/user/api/create_order", body)


BASE = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 1}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": 0}, "quantity", "greater than 0"),
        ({"quantity": -3}, "quantity", "greater than 0"),
        ({"quantity": 1.5}, "quantity", "valid integer"),
        ({"quantity": "ten"}, "quantity", "valid integer"),
        ({"quantity": True}, "quantity", "valid integer"),
        ({"quantity": 10**9}, "quantity", "less than or equal to 1000000"),
        ({"quantity": None}, "quantity", "give either quantity"),
        ({"amount": "100"}, "quantity", "give either quantity"),
        ({"order_type": "short"}, "order_type", "'buy' or 'sell'"),
        ({"execution_type": "iceberg"}, "execution_type", "Input should be"),
        ({"ticker": ""}, "ticker", "at least 1 character"),
        ({"ticker": "ZZZZ"}, "ticker", "Unknown ticker 'ZZZZ'"),
        ({"execution_type": "limit"}, "price", "needs a limit price"),
        ({"execution_type": "limit", "price": "NaN"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": "Infinity"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": "1_0"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": "\u0661\u0660"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": "1e2"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": -1}, "price", "greater than 0"),
        ({"execution_type": "limit", "price": "1.00001"}, "price", "4 decimal places"),
        ({"execution_type": "limit", "price": 10**12}, "price", "at most"),
        ({"execution_type": "limit", "price": "abc"}, "price", "plain decimal"),
        ({"execution_type": "limit", "price": [1]}, "price", "must be a number"),
        ({"execution_type": "stop"}, "stop_price", "needs a stop price"),
        ({"execution_type": "stop_limit", "stop_price": 5}, "price", "needs a limit price"),
        ({"execution_type": "trailing_stop"}, "trail_percent", "trail_percent or trail_amount"),
        ({"execution_type": "trailing_stop", "trail_percent": 150}, "trail_percent", "at most"),
        (
            {"execution_type": "stop", "stop_price": 5, "time_in_force": "ioc"},
            "time_in_force",
            "ioc and fok",
        ),
        ({"time_in_force": "forever"}, "time_in_force", "Input should be"),
        ({"execution_type": "limit", "price": 1, "stop_price": 5}, "stop_price", "takes no"),
        ({"trail_percent": 2}, "trail_percent", "market order takes no trail percent"),
        ({"quantity": None, "amount": "10.001"}, "amount", "2 decimal places"),
        (
            {
                "quantity": None,
                "amount": 5,
                "order_type": "sell",
                "execution_type": "limit",
                "price": 1,
            },
            "amount",
            "market orders and limit buys",
        ),
    ],
)
def test_bad_order_bodies_get_a_400_naming_the_field(
    app, market, trader_client, changes, field, message
):
    body = {**BASE, **changes}
    response = create(trader_client, **body)
    assert response.status_code == 400, response.json
    assert response.json["success"] is False
    assert response.json["field"] == field
    assert message in response.json["error"]
    assert trader_client.get("/user/api/orders").json["orders"] == []


def test_the_briefs_field_names_are_accepted(app, market, trader_client):
    market.set("AAPL", "150.00")
    response = create(
        trader_client,
        ticker="AAPL",
        order_type="buy",
        order_execution_type="limit",
        order_price=140,
        order_quantity=2,
    )
    body = response.json
    assert response.status_code == 200 and body["success"] is True
    assert body["order"]["execution_type"] == "limit" and body["order"]["price"] == "140.0000"
    assert body["order"]["status"] == "pending" and "working" in body["message"]


def test_refusals_are_400_with_a_reason_not_a_stored_failure(app, market, trader_client):
    market.set("AAPL", "150.00")
    response = create(trader_client, **{**BASE, "quantity": 1000})
    assert response.status_code == 400
    assert response.json["error"].startswith("Insufficient funds")
    response = create(trader_client, **{**BASE, "order_type": "sell"})
    assert response.status_code == 400 and "free to sell" in response.json["error"]
    assert trader_client.get("/user/api/orders").json["orders"] == []


def test_market_order_fills_and_portfolio_shows_it(app, market, trader_client):
    market.set("AAPL", "150.00")
    body = create(trader_client, **{**BASE, "quantity": 4}).json
    assert body["order"]["status"] == "filled" and body["message"].startswith("Buy 4 AAPL filled")
    market.set("AAPL", "155.50")
    portfolio = trader_client.get("/user/api/portfolio").json
    (position,) = portfolio["positions"]
    assert position["quantity"] == 4 and position["price"] == "155.5000"
    assert position["market_value"] == "622.00" and position["unrealized_pnl"] == "21.00"
    assert portfolio["summary"]["cash"] == "9399.00"
    assert portfolio["summary"]["total_value"] == "10021.00"


def test_orders_list_filters_and_pagination(app, market, trader_client):
    market.set("AAPL", "150.00")
    for limit in (140, 141, 142):
        create(trader_client, **{**BASE, "execution_type": "limit", "price": limit})
    create(trader_client, **{**BASE, "ticker": "MSFT"})
    page = trader_client.get("/user/api/orders?limit=2&page=1").json
    assert page["pagination"] == {"page": 1, "limit": 2, "total": 4, "pages": 2}
    assert [o["ticker"] for o in page["orders"]] == ["MSFT", "AAPL"]
    pending = trader_client.get("/user/api/orders?status=pending&ticker=aapl").json
    assert len(pending["orders"]) == 3
    assert trader_client.get("/user/api/orders?status=weird").status_code == 400
    assert trader_client.get("/user/api/orders?type=hold").status_code == 400


def test_cancel_endpoint_and_others_orders(app, market, trader_client, make_user):
    market.set("AAPL", "150.00")
    order_id = create(trader_client, **{**BASE, "execution_type": "limit", "price": 100}).json[
        "order_id"
    ]
    response = post_json(trader_client, f"/user/orders/{order_id}/cancel")
    assert response.json["order"]["status"] == "cancelled"
    assert post_json(trader_client, f"/user/orders/{order_id}/cancel").status_code == 409
    assert trader_client.get("/user/api/balance").json["data"]["frozen_balance"] == "0.00"
    make_user("mallory")
    other = AuthActions(app.test_client())
    other.login("mallory")
    assert post_json(other._client, f"/user/orders/{order_id}/cancel").status_code == 404


def test_csv_exports(app, market, trader_client):
    market.set("AAPL", "150.00")
    create(trader_client, **{**BASE, "quantity": 2})
    orders_csv = trader_client.get("/user/orders.csv")
    assert orders_csv.mimetype == "text/csv"
    lines = orders_csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("order_id,user_id,ticker") and ",AAPL,buy,market," in lines[1]
    fills = trader_client.get("/user/transactions.csv").get_data(as_text=True).splitlines()
    assert len(fills) == 2 and "150.0000" in fills[1] and ",300.00," in fills[1]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/user/orders.csv?status=done", "status"),
        ("/user/orders.csv?type=hold", "type"),
        ("/user/transactions.csv?type=hold", "type"),
    ],
)
def test_csv_exports_refuse_the_filters_the_lists_refuse(trader_client, url, field):
    refused = trader_client.get(url, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.json["field"] == field


def test_csv_exports_without_rows_still_have_their_header(app, market, trader_client):
    empty = {
        path: trader_client.get(path).text
        for path in ("/user/orders.csv", "/user/transactions.csv")
    }
    assert empty["/user/orders.csv"].startswith("order_id,user_id,ticker,order_type,")
    assert empty["/user/transactions.csv"].startswith("transaction_id,order_id,ticker,type,")
    market.set("AAPL", "150.00")
    create(trader_client, **BASE)
    for path, header in empty.items():
        lines = trader_client.get(path).text.splitlines()
        assert header.splitlines() == lines[:1] and len(lines) == 2


def test_quote_then_commit_fills_at_the_held_price(app, market, trader_client, frozen_time):
    from datetime import datetime, timedelta

    start = datetime(2026, 3, 2, 15, 0)
    frozen_time(start)
    market.set("AAPL", "150.00")
    held = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 3},
    ).json
    assert held["hold"]["price"] == "150.0000"
    assert held["hold"]["expires_at"] == "2026-03-02T15:01:00Z"
    market.set("AAPL", "170.00")
    frozen_time(start + timedelta(seconds=59))
    done = post_json(trader_client, "/user/api/quote_hold/commit", {"hold_id": held["hold_id"]})
    assert done.status_code == 200
    assert done.json["order"]["average_fill_price"] == "150.0000"
    again = post_json(trader_client, "/user/api/quote_hold/commit", {"hold_id": held["hold_id"]})
    assert again.status_code == 409


def test_an_expired_quote_is_refused(app, market, trader_client, frozen_time):
    from datetime import datetime

    frozen_time(datetime(2026, 3, 2, 15, 0))
    market.set("AAPL", "150.00")
    hold_id = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 3},
    ).json["hold_id"]
    frozen_time(datetime(2026, 3, 2, 15, 1, 1))
    response = post_json(trader_client, "/user/api/quote_hold/commit", {"hold_id": hold_id})
    assert response.status_code == 400 and "expired" in response.json["error"]
    assert trader_client.get("/user/api/portfolio").json["positions"] == []


def test_a_cancelled_quote_cannot_be_committed(app, market, trader_client):
    market.set("AAPL", "150.00")
    hold_id = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 1},
    ).json["hold_id"]
    assert post_json(trader_client, "/user/api/quote_hold/cancel", {"hold_id": hold_id}).json[
        "success"
    ]
    response = post_json(trader_client, "/user/api/quote_hold/commit", {"hold_id": hold_id})
    assert response.status_code == 409 and "cancelled" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticker": "AAPL", "order_type": "buy"}, "quantity"),
        ({"ticker": "AAPL", "order_type": "buy", "quantity": 0}, "quantity"),
        ({"ticker": "AAPL", "order_type": "hold", "quantity": 1}, "order_type"),
    ],
)
def test_bad_quote_requests(app, market, trader_client, body, field):
    response = post_json(trader_client, "/user/api/quote_hold", body)
    assert response.status_code == 400 and response.json["field"] == field


@pytest.mark.parametrize("path", ["/user/api/quote_hold/commit", "/user/api/quote_hold/cancel"])
def test_a_hold_id_beyond_any_column_is_a_400_naming_it(app, market, trader_client, path):
    response = post_json(trader_client, path, {"hold_id": 2**64})
    assert response.status_code == 400 and response.json["field"] == "hold_id"


def test_quote_for_more_than_the_cash_is_refused(app, market, trader_client):
    market.set("AAPL", "150.00")
    response = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "buy", "amount": "20000"},
    )
    assert response.status_code == 400 and "Insufficient funds" in response.json["error"]
    assert Decimal(trader_client.get("/user/api/balance").json["data"]["frozen_balance"]) == 0


def test_a_quote_says_what_the_commit_would_do(app, market, trader_client):
    market.set("AAPL", "150.00")
    hold = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "buy", "amount": "1000"},
    ).json["hold"]
    assert (hold["shares"], hold["gross"], hold["commission"], hold["total"]) == (
        6,
        "900.00",
        "1.00",
        "901.00",
    )
    assert hold["hold_seconds"] == 60


def test_a_sell_quote_for_shares_not_held_is_refused_at_once(app, market, trader_client):
    market.set("AAPL", "150.00")
    response = post_json(
        trader_client,
        "/user/api/quote_hold",
        {"ticker": "AAPL", "order_type": "sell", "quantity": 1},
    )
    assert response.status_code == 400 and response.json["field"] == "quantity"
    assert "0 shares of AAPL free to sell" in response.json["error"]
