"""Admin views: the user page shows what that user did, the audit log filters and exports,
order labels read like the user's, decisions are explained to the user."""

import csv
import io

import pytest

from tests.conftest import AuthActions
from tests.test_admin_orders import JSON, execute, reject, resting_buy

pytestmark = pytest.mark.usefixtures("books_balance")


def test_user_page_lists_positions_orders_and_the_full_trail(
    app, client, admin_client, market, trader
):
    market.set("AAPL", "150.00")
    AuthActions(client).login("trader", "wrong-password-1")  # a failed sign-in
    from tests.test_admin_orders import place

    place(app, trader, quantity=4)
    rejected = resting_buy(app, trader, quantity=2)
    reject(admin_client, rejected, "Too large")

    page = admin_client.get(f"/admin/users/{trader}").text

    positions = page[page.index('id="user-positions"') : page.index('id="user-orders"')]
    assert 'data-ticker="AAPL"' in positions and "$600.00" in positions
    orders = page[page.index('id="user-orders"') :]
    assert f'data-order-id="{rejected}"' in orders and "Limit · GTC" in orders
    trail = page[page.index('id="user-audit"') :]
    for action in (
        "user.register",
        "fund.request_deposit",
        "fund.approve",
        "user.login_failed",
        "order.place",
        "order.reject",
    ):
        assert f"<code>{action}</code>" in trail, action
    assert ">root_admin</span>" in trail  # the admin who decided, by name
    assert f'href="/admin/users/{trader}"' in trail and ">trader</a>" in trail
    assert "user #" not in trail


def test_last_sign_in_counts_the_registration(app, client, auth, admin_client):
    auth.register("newcomer")
    from models import User

    with app.app_context():
        from extensions import db

        user = db.session.scalar(db.select(User).filter_by(user_name="newcomer"))
        assert user.last_login_at is not None
        user_id = user.user_id
    page = admin_client.get(f"/admin/users/{user_id}").text
    last = page[page.index('id="last-sign-in"') :][:80]
    assert "never" not in last


def test_audit_log_filters_by_who_what_and_when(frozen_time, app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    order_id = resting_buy(app, trader)
    reject(admin_client, order_id, "Policy")

    def ids(query):
        page = admin_client.get("/admin/audit" + query).text
        return page.count("data-audit-id=")

    everything = ids("")
    assert everything >= 5
    assert ids("?who=root_admin") == 3  # signed in, approved the deposit, rejected the order
    assert ids("?who=trader&what=order.place") == 1
    assert ids("?what=fund.") == 2
    assert ids("?since=2026-03-02&until=2026-03-02") == everything
    assert ids("?since=2026-03-03") == 0
    assert ids("?until=2026-03-01") == 0
    assert ids("?until=9999-12-31") == everything  # the last day there is
    assert admin_client.get("/admin/audit.csv?until=9999-12-31").status_code == 200
    bad = admin_client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 400 and "since must be a date" in bad.text


def test_audit_csv_carries_names_and_follows_the_filter(app, admin_client, market, trader):
    market.set("AAPL", "150.00")
    reject(admin_client, resting_buy(app, trader), "Policy")
    response = admin_client.get("/admin/audit.csv?who=root_admin")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["action"] for r in rows} == {"admin.login", "fund.approve", "order.reject"}
    assert {r["actor_name"] for r in rows} == {"root_admin"}
    assert all(r["time_utc"].endswith("Z") for r in rows)


def test_an_audit_csv_that_matches_nothing_still_has_its_header(admin_client):
    response = admin_client.get("/admin/audit.csv?who=nobody-at-all")
    assert response.status_code == 200
    header = admin_client.get("/admin/audit.csv?who=root_admin").text.splitlines()[0]
    assert header.startswith("audit_id,time_utc,actor_type,")
    assert response.text.splitlines() == [header]


def test_admin_decisions_are_explained_to_the_user(app, client, admin_client, market, trader):
    market.set("AAPL", "150.00")
    executed = resting_buy(app, trader)
    rejected = resting_buy(app, trader, quantity=1)
    market.set("AAPL", "145.00")
    execute(admin_client, executed)
    reject(admin_client, rejected, "Outside policy")
    AuthActions(client).login("trader")
    orders = {o["order_id"]: o for o in client.get("/user/api/orders").json["orders"]}
    assert orders[executed]["decided_by"] == "admin" and orders[executed]["status"] == "filled"
    assert orders[rejected]["decided_by"] == "admin" and orders[rejected]["status"] == "rejected"
    assert orders[rejected]["remark"] == "Outside policy"


def test_fund_queue_json_carries_the_user(app, admin_client, trader):
    rows = admin_client.get("/admin/fund-transactions", headers=JSON).json["data"]
    assert rows and rows[0]["user_id"] == trader and rows[0]["user_name"] == "trader"
    assert rows[0]["created_at"].endswith("Z")


def test_the_fund_requests_menu_entry_covers_its_queues(admin_client):
    """app.js marks the entry whose href or data-nav-also names the page's path."""
    page = admin_client.get("/admin/deposits").text
    entry = page.split(">Fund requests</a>")[0].rsplit("<a ", 1)[1]
    assert 'href="/admin/fund-transactions?status=pending"' in entry
    assert 'data-nav-also="/admin/deposits /admin/withdrawals"' in entry
