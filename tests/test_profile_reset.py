"""The profile (display name, time zone, default order size) and the account reset."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import AccountReset, AuditLog, CashLedger, Order, Portfolio, User
from tests.conftest import AuthActions, csrf_token
from tests.helpers import balances, ledger_sum, post_json

pytestmark = pytest.mark.usefixtures("books_balance")


@pytest.fixture
def trader_client(client, trader):
    AuthActions(client).login("trader")
    return client


def save_profile(client, **fields):
    data = {"display_name": "", "time_zone": "", "default_order_quantity": "", **fields}
    data["csrf_token"] = csrf_token(client, "/user/profile")
    return client.post("/user/profile", data=data)


def reset(client, confirm="RESET"):
    token = csrf_token(client, "/user/profile")
    return client.post("/user/account/reset", data={"confirm": confirm, "csrf_token": token})


def test_profile_saves_and_shows_the_display_name(trader_client, app, trader):
    response = save_profile(
        trader_client, display_name="Ada L.", time_zone="Asia/Tokyo", default_order_quantity="25"
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, trader)
        assert (user.display_name, user.time_zone, user.default_order_quantity) == (
            "Ada L.",
            "Asia/Tokyo",
            25,
        )
        assert db.session.scalar(select(AuditLog).filter_by(action="user.profile")) is not None
    html = trader_client.get("/user/dashboard").text
    assert "Hello, Ada L." in html
    assert '<meta name="time-zone" content="Asia/Tokyo">' in html


def test_profile_reports_every_problem_at_once_and_changes_nothing(trader_client, app, trader):
    response = save_profile(
        trader_client,
        display_name="x" * 65,
        time_zone="Mars/Olympus",
        default_order_quantity="1_0",
    )
    assert response.status_code == 400
    html = response.text
    assert 'id="display_name-error"' in html and "at most 64 characters" in html
    assert 'id="time_zone-error"' in html
    assert 'id="default_order_quantity-error"' in html
    with app.app_context():
        user = db.session.get(User, trader)
        assert (user.display_name, user.time_zone, user.default_order_quantity) == (None,) * 3


def test_times_follow_the_profile_zone_then_the_browser(trader_client, app, market, frozen_time):
    market.set("AAPL", "150.00")
    post_json(
        trader_client,
        "/user/api/create_order",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 1},
    )
    trader_client.set_cookie("tz", "America%2FNew_York")  # as static/js/app.js writes it
    assert "2026-03-02 09:30 EST" in trader_client.get("/user/dashboard").text  # 14:30 UTC
    trader_client.set_cookie("tz", "America/New_York")
    assert "2026-03-02 09:30 EST" in trader_client.get("/user/dashboard").text
    save_profile(trader_client, time_zone="Europe/Paris")
    assert "2026-03-02 15:30 CET" in trader_client.get("/user/dashboard").text
    trader_client.set_cookie("tz", "Not/AZone")
    save_profile(trader_client, time_zone="")
    assert "2026-03-02 14:30 UTC" in trader_client.get("/user/dashboard").text


def test_order_ticket_starts_with_the_default_order_size(trader_client):
    save_profile(trader_client, default_order_quantity="40")
    html = trader_client.get("/user/stock_chart?ticker=AAPL").text
    assert 'id="ticket-quantity"' in html
    tag = html[html.index('id="ticket-quantity"') - 200 : html.index('id="ticket-quantity"') + 300]
    assert 'value="40"' in tag


def test_reset_cancels_orders_closes_positions_and_is_ledgered(trader_client, app, trader, market):
    market.set("AAPL", "150.00")
    post_json(
        trader_client,
        "/user/api/create_order",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 10},
    )
    body = {
        "ticker": "AAPL",
        "order_type": "sell",
        "quantity": 4,
        "execution_type": "limit",
        "price": "200.00",
        "time_in_force": "gtc",
    }
    post_json(trader_client, "/user/api/create_order", body)
    body = {
        "ticker": "MSFT",
        "order_type": "buy",
        "quantity": 2,
        "execution_type": "limit",
        "price": "50.00",
        "time_in_force": "gtc",
    }
    post_json(trader_client, "/user/api/create_order", body)
    assert balances(app, trader)[1] == Decimal("101.00")  # the MSFT limit's reservation

    response = reset(trader_client)
    assert response.status_code == 302 and response.location.endswith("/user/dashboard")

    assert balances(app, trader) == (Decimal("100000.00"),) * 1 + (
        Decimal("0.00"),
        Decimal("100000.00"),
    )
    assert ledger_sum(app, trader) == Decimal("100000.00")
    with app.app_context():
        entry = db.session.scalars(select(CashLedger).order_by(CashLedger.entry_id.desc())).first()
        assert (entry.kind, entry.amount, entry.balance_after) == (
            "reset",
            Decimal("91501.00"),
            Decimal("100000.00"),
        )  # from 8,499.00
        assert entry.reference_type == "reset"
        statuses = set(
            db.session.scalars(
                select(Order.order_status).where(Order.order_execution_type == "limit")
            )
        )
        assert statuses == {"cancelled"}
        position = db.session.scalar(select(Portfolio).filter_by(user_id=trader, ticker="AAPL"))
        assert (position.quantity, position.reserved_quantity, position.total_cost) == (0, 0, 0)
        record = db.session.scalar(select(AccountReset))
        assert record.previous_total == Decimal("8499.00")
        audit = db.session.scalar(select(AuditLog).filter_by(action="account.reset"))
        assert audit.actor_type == "user" and audit.actor_id == trader
    page = trader_client.get("/user/dashboard").text
    assert 'id="desk-positions-empty"' in page
    # trading after the reset keeps the books balanced (checked by books_balance)
    post_json(
        trader_client,
        "/user/api/create_order",
        {"ticker": "AAPL", "order_type": "buy", "quantity": 3},
    )
    assert balances(app, trader)[2] == Decimal("100000.00") - Decimal("451.00")


def test_reset_refused_when_an_admin_forbids_it(trader_client, app, trader, admin_client):
    token = csrf_token(admin_client, "/admin/dashboard")
    response = admin_client.post(
        "/admin/settings/account-reset", data={"allowed": "false", "csrf_token": token}
    )
    assert response.status_code == 302
    assert 'id="reset-state">forbidden' in admin_client.get("/admin/dashboard").text
    assert 'id="reset-forbidden"' in trader_client.get("/user/profile").text

    response = reset(trader_client)
    assert response.status_code == 302
    assert "switched off" in trader_client.get("/user/profile").text
    assert balances(app, trader) == (Decimal("10000.00"), Decimal("0.00"), Decimal("10000.00"))
    with app.app_context():
        assert db.session.scalar(select(AccountReset)) is None
        assert db.session.scalar(select(AuditLog).filter_by(action="settings.reset_forbidden"))

    admin_client.post(
        "/admin/settings/account-reset", data={"allowed": "true", "csrf_token": token}
    )
    reset(trader_client)
    assert balances(app, trader)[2] == Decimal("100000.00")


def test_reset_needs_its_confirmation_and_waits_for_a_pending_withdrawal(
    trader_client, app, trader
):
    reset(trader_client, confirm="reset")
    assert balances(app, trader)[2] == Decimal("10000.00")
    from services import funds

    with app.app_context():
        funds.request_withdrawal(db.session.get(User, trader), "100.00")
    reset(trader_client)
    assert balances(app, trader) == (Decimal("9900.00"), Decimal("100.00"), Decimal("10000.00"))
    assert "withdrawal awaits approval" in trader_client.get("/user/profile").text


def test_the_admin_toggle_reads_json_and_refuses_what_is_neither_true_nor_false(app, admin_client):
    from services import settings

    token = csrf_token(admin_client, "/admin/dashboard")
    admin_client.post(
        "/admin/settings/account-reset", data={"allowed": "false", "csrf_token": token}
    )
    headers = {"X-CSRFToken": token}
    admin_client.post("/admin/settings/account-reset", json={"allowed": True}, headers=headers)
    with app.app_context():
        assert settings.reset_allowed() is True
    for body in ({"allowed": "maybe"}, {}):
        answer = admin_client.post("/admin/settings/account-reset", json=body, headers=headers)
        assert answer.status_code == 400 and answer.json["field"] == "allowed"
    with app.app_context():
        assert settings.reset_allowed() is True  # nothing was switched off


def test_a_user_cannot_reset_the_admin_toggle(trader_client):
    token = csrf_token(trader_client, "/user/profile")
    response = trader_client.post(
        "/admin/settings/account-reset", data={"allowed": "true", "csrf_token": token}
    )
    assert response.status_code in (302, 403)


def test_reset_against_a_resting_fill_has_one_outcome(app, trader, market):
    """A reset and the worker filling the user's resting buy at once, on their own
    sessions: either the fill lands first and the reset wipes it, or the reset cancels
    the order first and nothing fills. The books balance either way (books_balance)."""
    from services import matching, orders, resets
    from services.orders import OrderSpec
    from tests.test_races import run_together

    for _ in range(4):
        market.set("AAPL", "150.00")
        with app.app_context():
            spec = OrderSpec(
                ticker="AAPL",
                side="buy",
                kind="limit",
                quantity=5,
                limit=Decimal("149.00"),
                time_in_force="gtc",
            )
            order_id = orders.place(db.session.get(User, trader), spec).order_id
        market.set("AAPL", "148.00")
        run_together(
            app,
            [
                lambda: resets.reset(db.session.get(User, trader)),
                lambda: matching.on_price("AAPL", Decimal("148.00")),
            ],
        )
        assert balances(app, trader) == (
            Decimal("100000.00"),
            Decimal("0.00"),
            Decimal("100000.00"),
        )
        with app.app_context():
            assert db.session.get(Order, order_id).order_status in ("filled", "cancelled")
            held = db.session.scalar(
                select(Portfolio.quantity).filter_by(user_id=trader, ticker="AAPL")
            )
            assert held in (None, 0)  # no row when the reset cancelled the order first
