"""The admin orders console: filters, manual execution, rejection with a reason, audit rows."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import Admin, AuditLog, CashLedger, Order, Transaction, User
from routes.trade_shapes import order_json
from services import funds, orders
from services.orders import OrderSpec
from tests.conftest import csrf_token
from tests.helpers import balances, count, post_json
from tests.test_trading import order_row, position

D = Decimal
JSON = {"Accept": "application/json"}
pytestmark = pytest.mark.usefixtures("books_balance")


def place(app, user_id, **fields) -> int:
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    with app.app_context():
        order = orders.place(db.session.get(User, user_id), spec)
        order_id = order.order_id
        db.session.remove()
        return order_id


def resting_buy(app, user_id, quantity=10, limit="140.00", ticker="AAPL") -> int:
    return place(
        app, user_id, ticker=ticker, kind="limit", limit=D(limit), quantity=quantity,
        time_in_force="gtc",
    )  # fmt: skip


def resting_sell(app, user_id, quantity=6, limit="200.00") -> int:
    return place(
        app, user_id, side="sell", kind="limit", limit=D(limit), quantity=quantity,
        time_in_force="gtc",
    )  # fmt: skip


def audit_rows(app, action: str) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditLog.actor_type,
                AuditLog.actor_id,
                AuditLog.target_type,
                AuditLog.target_id,
                AuditLog.detail,
            ).where(AuditLog.action == action)
        ).all()
        return [tuple(r) for r in rows]


def funded_user(app, admin, name: str, amount="5000.00") -> int:
    with app.app_context():
        from services import accounts

        user = accounts.register_user(name, f"{name}@example.com", "correct-horse-42")
        request = funds.request_deposit(user, amount)
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
        user_id = user.user_id
        db.session.remove()
        return user_id


def execute(client, order_id):
    return post_json(client, f"/admin/orders/{order_id}/execute")


def reject(client, order_id, reason="Outside the desk's risk policy"):
    return post_json(client, f"/admin/orders/{order_id}/reject", {"reason": reason})


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"/admin/orders{query}", headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [o["order_id"] for o in response.json["orders"]]


def test_listing_filters_and_json_shape(app, admin_client, admin, market, trader):
    market.set("AAPL", "150.00")
    market.set("MSFT", "300.00")
    filled = place(app, trader, quantity=10)
    waiting = resting_buy(app, trader, ticker="MSFT", limit="290.00", quantity=2)
    selling = resting_sell(app, trader)
    bob = funded_user(app, admin, "bob")
    bobs = resting_buy(app, bob, quantity=1)

    response = admin_client.get("/admin/orders", headers=JSON)
    body = response.json
    assert body["success"] is True
    assert [o["order_id"] for o in body["orders"]] == [bobs, selling, waiting, filled]
    assert body["pagination"] == {"page": 1, "limit": 25, "total": 4, "pages": 1}
    with app.app_context():
        assert body["orders"][2] == order_json(db.session.get(Order, waiting))
    assert body["orders"][2]["status"] == "pending" and body["orders"][2]["price"] == "290.0000"

    assert listed(admin_client, "?status=pending") == [bobs, selling, waiting]
    assert listed(admin_client, "?status=filled") == [filled]
    assert listed(admin_client, "?ticker=msft") == [waiting]
    assert listed(admin_client, "?side=sell") == [selling]
    assert listed(admin_client, "?user=BOB") == [bobs]
    assert listed(admin_client, f"?user={trader}") == [selling, waiting, filled]
    assert listed(admin_client, f"?user_id={bob}") == [bobs]
    assert listed(admin_client, "?user=nobody") == []
    assert listed(admin_client, "?status=pending&ticker=AAPL&user=trader") == [selling]
    bad = admin_client.get("/admin/orders?status=bogus", headers=JSON)
    assert bad.status_code == 400 and "status must be one of" in bad.json["error"]


def test_page_lists_orders_with_actions_only_for_open_ones(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    filled = place(app, trader, quantity=10)
    waiting = resting_buy(app, trader)
    page = admin_client.get("/admin/orders").get_data(as_text=True)
    assert f'data-id="{filled}"' in page and f'data-id="{waiting}"' in page
    assert f'href="/admin/users/{trader}"' in page and 'title="trader">trader</a>' in page
    assert 'data-status="filled"' in page and 'data-status="pending"' in page
    # labelled as on the user's pages
    assert "Limit · DAY</span>" in page or "Limit · GTC</span>" in page
    assert '<div class="small text-body-secondary">$140.00</div>' in page
    assert f'action="/admin/orders/{waiting}/execute"' in page
    assert f'action="/admin/orders/{waiting}/reject"' in page
    assert f'action="/admin/orders/{filled}/execute"' not in page
    assert "js/admin_orders.js" in page
    pending_only = admin_client.get("/admin/orders?status=pending").get_data(as_text=True)
    assert f'data-id="{waiting}"' in pending_only and f'data-id="{filled}"' not in pending_only


def test_pagination_is_25_per_page(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    ids = [resting_buy(app, trader, quantity=1, limit="10.00") for _ in range(26)]
    first = admin_client.get("/admin/orders", headers=JSON).json
    second = admin_client.get("/admin/orders?page=2", headers=JSON).json
    assert [o["order_id"] for o in first["orders"]] == ids[::-1][:25]
    assert [o["order_id"] for o in second["orders"]] == [ids[0]]
    assert second["pagination"] == {"page": 2, "limit": 25, "total": 26, "pages": 2}
    page = admin_client.get("/admin/orders?status=pending").get_data(as_text=True)
    assert "/admin/orders?page=2" in page and "status=pending" in page


def test_execute_fills_a_resting_buy_at_the_current_price(app, admin_client, admin, market, trader):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)  # reserves 10 x 140 + 1 commission
    assert balances(app, trader) == (D("8599.00"), D("1401.00"), D("10000.00"))
    market.set("AAPL", "145.00")  # above the limit: the worker would not fill it

    response = execute(admin_client, order_id)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["success"] is True and f"Order #{order_id} executed" in body["message"]
    assert body["order"]["status"] == "filled"
    assert body["order"]["average_fill_price"] == "145.0000"
    order = order_row(app, order_id)
    assert (order.order_status, order.filled_quantity, order.reserved_cash) == (
        "filled",
        10,
        D("0.00"),
    )
    assert order.executed_at is not None
    assert order.decided_by == "admin"  # the user sees who did it
    assert balances(app, trader) == (D("8549.00"), D("0.00"), D("8549.00"))
    held = position(app, trader)
    assert (held.quantity, held.total_cost) == (10, D("1451.00"))
    assert count(app, Transaction, Transaction.order_id == order_id) == 1
    [(actor_type, actor_id, target_type, target_id, detail)] = audit_rows(app, "order.execute")
    assert (actor_type, actor_id, target_type, target_id) == ("admin", admin, "order", order_id)
    assert D(json.loads(detail)["price"]) == D("145")


def test_execute_a_resting_sell_hands_over_the_reserved_shares(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)  # 8,499.00 left
    order_id = resting_sell(app, trader)
    assert position(app, trader).reserved_quantity == 6
    market.set("AAPL", "160.00")
    assert execute(admin_client, order_id).json["order"]["status"] == "filled"
    held = position(app, trader)
    assert (held.quantity, held.reserved_quantity) == (4, 0)
    assert balances(app, trader) == (D("9458.00"), D("0.00"), D("9458.00"))  # + 960 - 1


def test_execute_refused_when_the_fill_cannot_be_paid(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader, quantity=60)  # reserves 8,401.00
    market.set("AAPL", "200.00")  # 12,001.00 > 10,000.00
    response = execute(admin_client, order_id)
    assert response.status_code == 400 and "Not enough cash" in response.json["error"]
    assert order_row(app, order_id).order_status == "pending"
    assert balances(app, trader) == (D("1599.00"), D("8401.00"), D("10000.00"))
    assert audit_rows(app, "order.execute") == []


def test_reject_a_buy_releases_the_reserved_cash(app, admin_client, admin, market, trader):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)
    response = reject(admin_client, order_id, "  Outside the desk's risk policy ")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["success"] is True and f"Order #{order_id} rejected" in body["message"]
    assert body["order"]["status"] == "rejected"
    assert body["order"]["remark"] == "Outside the desk's risk policy"
    assert body["order"]["decided_by"] == "admin"
    order = order_row(app, order_id)
    assert (order.order_status, order.reserved_cash, order.filled_quantity) == (
        "rejected",
        D("0.00"),
        0,
    )
    assert order.remark == "Outside the desk's risk policy" and order.closed_at is not None
    assert order.decided_by == "admin"  # the user's pages say an administrator rejected it
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))
    assert count(app, CashLedger, CashLedger.reference_type == "order") == 0
    [(actor_type, actor_id, target_type, target_id, detail)] = audit_rows(app, "order.reject")
    assert (actor_type, actor_id, target_type, target_id) == ("admin", admin, "order", order_id)
    assert json.loads(detail) == {"reason": "Outside the desk's risk policy"}


def test_reject_a_sell_releases_the_reserved_shares(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)
    order_id = resting_sell(app, trader)
    assert reject(admin_client, order_id, "Wash trade").json["order"]["status"] == "rejected"
    held = position(app, trader)
    assert (held.quantity, held.reserved_quantity) == (10, 0)
    assert balances(app, trader) == (D("8499.00"), D("0.00"), D("8499.00"))
    assert order_row(app, order_id).remark == "Wash trade"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 256}])
def test_reject_without_a_reason_is_400_and_changes_nothing(
    app, admin_client, market, trader, body
):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)
    response = post_json(admin_client, f"/admin/orders/{order_id}/reject", body)
    assert response.status_code == 400
    assert response.json["success"] is False and "reason" in response.json["error"]
    order = order_row(app, order_id)
    assert (order.order_status, order.reserved_cash, order.remark) == (
        "pending",
        D("1401.00"),
        None,
    )
    assert balances(app, trader) == (D("8599.00"), D("1401.00"), D("10000.00"))
    assert audit_rows(app, "order.reject") == []


def test_closed_orders_are_409_for_both_actions(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    filled = place(app, trader, quantity=10)
    rejected = resting_buy(app, trader)
    assert reject(admin_client, rejected).status_code == 200
    before = balances(app, trader)
    for order_id, status in ((filled, "filled"), (rejected, "rejected")):
        for response in (execute(admin_client, order_id), reject(admin_client, order_id)):
            assert response.status_code == 409
            assert f"already {status}" in response.json["error"]
        assert order_row(app, order_id).order_status == status
    assert balances(app, trader) == before
    assert position(app, trader).quantity == 10
    assert audit_rows(app, "order.execute") == [] and len(audit_rows(app, "order.reject")) == 1


def test_unknown_orders_are_404(app, admin_client, market):
    assert execute(admin_client, 999).status_code == 404
    response = reject(admin_client, 999)
    assert response.status_code == 404 and response.json["success"] is False


def test_users_and_anonymous_clients_are_refused(app, client, user_client, market, trader):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)
    assert user_client.get("/admin/orders", headers=JSON).status_code == 403
    assert execute(user_client, order_id).status_code == 403
    assert reject(user_client, order_id).status_code == 403
    anonymous = app.test_client()
    assert execute(anonymous, order_id).status_code == 401
    assert anonymous.get("/admin/orders").status_code == 302  # to the admin sign-in
    order = order_row(app, order_id)
    assert (order.order_status, order.reserved_cash) == ("pending", D("1401.00"))
    assert balances(app, trader) == (D("8599.00"), D("1401.00"), D("10000.00"))


def test_page_forms_execute_and_reject_with_flash_messages(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    executed = resting_buy(app, trader, quantity=2)
    rejected = resting_buy(app, trader, quantity=3)
    token = csrf_token(admin_client, "/admin/orders")

    page = admin_client.post(
        f"/admin/orders/{executed}/execute", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"Order #{executed} executed" in page
    assert order_row(app, executed).order_status == "filled"

    empty = admin_client.post(
        f"/admin/orders/{rejected}/reject", data={"csrf_token": token, "reason": " "}
    )
    assert empty.status_code == 302 and order_row(app, rejected).order_status == "pending"

    page = admin_client.post(
        f"/admin/orders/{rejected}/reject",
        data={"csrf_token": token, "reason": "Duplicate"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Order #{rejected} rejected: Duplicate" in page
    assert order_row(app, rejected).order_status == "rejected"

    again = admin_client.post(
        f"/admin/orders/{executed}/execute", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "already filled" in again
    assert balances(app, trader) == (D("9699.00"), D("0.00"), D("9699.00"))  # 2 x 150 + 1


def test_execute_is_refused_when_the_price_is_stale(app, admin_client, market, trader, monkeypatch):
    from utils.market_data import ProviderUnavailable

    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)

    def down(_tickers):
        raise ProviderUnavailable("the feed is down")

    monkeypatch.setattr(market, "quotes", down)
    response = execute(admin_client, order_id)
    assert response.status_code == 503 and "No current price" in response.json["error"]
    assert order_row(app, order_id).order_status == "pending"
