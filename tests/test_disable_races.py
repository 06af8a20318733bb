"""Disabling a user while their order or rule trade is in flight: the placement's lock
reads the owner's state as the disable committed it, so nothing is left open."""

import os
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import OPEN_STATUSES, Admin, AuditLog, Order, User
from services import accounts, resets, sessions
from services import market as market_service
from services import orders as order_service
from services.orders import OrderSpec
from tests.helpers import balances
from tests.test_races import run_together

D = Decimal


def _user(user_id):
    return db.session.get(User, user_id)


def _open_orders(app, user_id):
    with app.app_context():
        return db.session.scalars(
            select(Order).where(Order.user_id == user_id, Order.order_status.in_(OPEN_STATUSES))
        ).all()


def _pause_first_quote(monkeypatch, released: threading.Event):
    """The first get_quote (an order in flight, its user already authenticated) waits
    until ``released`` is set: it widens the window between the request's check of the
    user and the placement's account lock, which exists in every request."""
    real = market_service.get_quote
    arrived = threading.Event()
    first = [True]

    def paused(ticker):
        quote = real(ticker)
        if first[0]:
            first[0] = False
            arrived.set()
            released.wait(10)
        return quote

    monkeypatch.setattr(market_service, "get_quote", paused)
    return arrived


def _disable_when(arrived: threading.Event, disabled: threading.Event, admin, trader):
    """A job: once the other thread has ``arrived``, the admin disables ``trader``; then
    ``disabled`` lets the other thread go on."""

    def disable():
        arrived.wait(10)
        try:
            accounts.set_user_enabled(db.session.get(Admin, admin), trader, False)
        finally:
            disabled.set()
        return "disabled"

    return disable


def test_disabling_a_user_while_their_order_is_placed_leaves_no_open_order(
    app, market, trader, admin, monkeypatch
):
    # set_user_enabled promises that a disabled user has no open order (and nothing
    # reserved). An order whose request authenticated before the disable but takes the
    # account lock after it is still stored, reserving cash, for a disabled user.
    market.set("AAPL", "150.00")
    disabled = threading.Event()
    arrived = _pause_first_quote(monkeypatch, disabled)

    def place():
        spec = OrderSpec(ticker="AAPL", side="buy", kind="limit", limit=D("100"), quantity=10)
        return order_service.place(_user(trader), spec).order_id

    results = run_together(app, [place, _disable_when(arrived, disabled, admin, trader)])
    assert results[1] == "disabled"
    with app.app_context():
        assert db.session.get(User, trader).is_enabled is False
    open_orders = _open_orders(app, trader)
    assert open_orders == [], f"disabled user still has open orders: {results[0]}"
    assert "disabled" in str(results[0]) and results[0].status_code == 409
    assert balances(app, trader)[1] == D("0.00")  # nothing frozen for a disabled user


def test_a_rule_does_not_trade_for_a_user_disabled_meanwhile(app, market, trader, admin):
    # trade.decide checks user.is_enabled on the worker's copy of the user before it
    # locks the account; an admin's disable committed in between is not seen.
    from services.rules import store, trade
    from utils.streams.signals import Signal

    market.set("AAPL", "150.00")
    with app.app_context():
        rule_id = store.create(
            _user(trader),
            {
                "ticker": "AAPL",
                "window_seconds": 5,
                "buy_below_pct": "1",
                "sell_above_pct": "1",
                "quantity": 2,
            },
        ).rule_id
    disabled = threading.Event()
    arrived = threading.Event()

    def decide():
        user = db.session.get(User, trader)  # the worker's read (tasks/streams.py)
        quote = market_service.get_quote("AAPL")
        assert user.is_enabled
        db.session.expunge(user)  # the copy stays as read; the read transaction ends
        db.session.rollback()  # (on SQLite it would hold the write lock the disable needs)
        arrived.set()
        disabled.wait(10)
        return trade.decide(rule_id, user, Signal("buy", 150.0, 160.0, -6.25), quote)

    results = run_together(app, [decide, _disable_when(arrived, disabled, admin, trader)])
    from models import Transaction

    with app.app_context():
        fills = db.session.scalars(select(Transaction).where(Transaction.user_id == trader)).all()
    assert fills == [], f"a disabled user's rule traded: {results[0]}"
    assert results[0].outcome == "skipped" and "disabled" in results[0].reason


def test_a_reset_in_flight_does_not_reset_an_account_disabled_meanwhile(
    app, market, trader, admin, monkeypatch
):
    # The request authenticated its user before the disable; the reset takes the account
    # lock after it, and must read the owner's state as the disable committed it.
    market.set("AAPL", "150.00")
    with app.app_context():
        spec = OrderSpec(ticker="AAPL", side="buy", kind="market", quantity=10)
        order_service.place(_user(trader), spec)
    disabled, arrived = threading.Event(), threading.Event()
    real = resets.settings.reset_allowed

    def paused():
        arrived.set()
        disabled.wait(10)
        return real()

    monkeypatch.setattr(resets.settings, "reset_allowed", paused)

    def reset():
        user = db.session.get(User, trader)
        db.session.expunge(user)  # the request's copy, read before the disable
        db.session.rollback()
        return resets.reset(user)

    results = run_together(app, [reset, _disable_when(arrived, disabled, admin, trader)])
    assert results[1] == "disabled"
    assert "disabled" in str(results[0]) and results[0].status_code == 409
    assert balances(app, trader) == (D("8499.00"), D("0.00"), D("8499.00"))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="row locks need MariaDB")
def test_a_disable_and_an_enable_at_once_leave_the_last_decision(app, trader, admin, monkeypatch):
    # Each admin is told their decision was applied; the one that commits last must be
    # the state the user is left in (and what the audit log shows last).
    with app.app_context():
        second = accounts.create_admin("second_admin", "admin-pass-2024x").admin_id
        accounts.set_user_enabled(db.session.get(Admin, admin), trader, False)
    paused, enabled = threading.Event(), threading.Event()
    real = sessions.mark_all_ended

    def slow(account, keep=None):  # the disable, after it has read the user
        paused.set()
        enabled.wait(2)
        return real(account, keep)

    monkeypatch.setattr(sessions, "mark_all_ended", slow)

    def enable():
        paused.wait(5)
        try:
            return accounts.set_user_enabled(db.session.get(Admin, admin), trader, True)
        finally:
            enabled.set()

    def disable():
        return accounts.set_user_enabled(db.session.get(Admin, second), trader, False)

    run_together(app, [disable, enable])
    with app.app_context():
        last = db.session.scalar(
            select(AuditLog.action)
            .where(AuditLog.target_type == "user", AuditLog.target_id == trader)
            .where(AuditLog.action.in_(("user.enable", "user.disable")))
            .order_by(AuditLog.audit_id.desc())
            .limit(1)
        )
        assert db.session.get(User, trader).is_enabled is (last == "user.enable")
