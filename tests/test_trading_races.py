"""Trading under concurrency: threads with their own sessions act on the same rows.

After every test `books_balance` runs `audit verify`: no negative balance or holding,
no double fill, no lost update, and every ledger sums to its cash.
"""

import os
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Admin, Order, QuoteHold, Transaction, User
from services import funds, holds, matching, orders, resets
from services.errors import ServiceError
from services.execution import lock_for_order
from services.orders import OrderSpec
from tests.helpers import balances
from tests.test_races import run_together

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def _user(user_id):
    return db.session.get(User, user_id)


def _place(user_id, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    return orders.place(_user(user_id), spec).order_id


def _count(app, *criteria) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Transaction).where(*criteria))


def _status(app, order_id) -> str:
    with app.app_context():
        return db.session.get(Order, order_id).order_status


def _race_cancel_against_fill(app, market, trader, order_id: int, price: str) -> None:
    """The owner's cancel and a fill at ``price`` at once: exactly one of them happens."""
    market.set("AAPL", price)
    results = run_together(
        app,
        [
            lambda: orders.cancel(_user(trader), order_id),
            lambda: matching.on_price("AAPL", D(price)),
        ],
    )
    market.set("AAPL", "150.00")
    status = _status(app, order_id)
    fills = _count(app, Transaction.order_id == order_id)
    if status == "cancelled":
        assert fills == 0 and results[1] == 0
    else:
        assert status == "filled" and fills == 1 and isinstance(results[0], ServiceError)


def test_cancel_against_fill_has_one_outcome(app, market, trader):
    market.set("AAPL", "150.00")
    for _ in range(6):
        with app.app_context():
            order_id = _place(trader, kind="limit", limit=D("140"), quantity=5)
        _race_cancel_against_fill(app, market, trader, order_id, "139.00")


def test_cancel_of_a_resting_sell_against_its_fill_has_one_outcome(app, market, trader):
    # The cancel finds the position by the order's ticker inside its locking statement;
    # it must take its locks in the fixed order like the fill does, or they deadlock.
    market.set("AAPL", "150.00")
    with app.app_context():
        _place(trader, quantity=30)
    for _ in range(6):
        with app.app_context():
            order_id = _place(trader, side="sell", kind="limit", limit=D("160"), quantity=5)
        _race_cancel_against_fill(app, market, trader, order_id, "161.00")


def test_two_fills_of_one_order_apply_once(app, market, trader):
    market.set("AAPL", "150.00")
    with app.app_context():
        order_id = _place(trader, kind="limit", limit=D("140"), quantity=5)
    results = run_together(app, [lambda: matching.on_price("AAPL", D("139.00"))] * 4)
    assert sorted(results) == [0, 0, 0, 1]
    assert _count(app, Transaction.order_id == order_id) == 1
    assert balances(app, trader) == (D("9304.00"), D("0.00"), D("9304.00"))


def test_many_buys_that_together_exceed_the_cash(app, market, trader):
    market.set("AAPL", "150.00")
    results = run_together(app, [lambda: _place(trader, quantity=10)] * 8)
    filled = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(filled) == 6 and len(refused) == 2  # 6 x 1,501 fits in 10,000; 7 does not
    assert all("Insufficient funds" in r.message for r in refused)
    assert balances(app, trader)[2] == D("10000.00") - 6 * D("1501.00")


def test_resting_buys_that_together_exceed_the_cash(app, market, trader):
    market.set("AAPL", "150.00")
    jobs = [lambda: _place(trader, kind="limit", limit=D("100"), quantity=30)] * 6
    results = run_together(app, jobs)
    assert sum(isinstance(r, int) for r in results) == 3  # 3 x 3,001 reserved
    assert balances(app, trader) == (D("997.00"), D("9003.00"), D("10000.00"))


def test_many_sells_that_together_exceed_the_shares(app, market, trader):
    market.set("AAPL", "150.00")
    with app.app_context():
        _place(trader, quantity=10)
    jobs = [lambda: _place(trader, side="sell", quantity=3)] * 3
    jobs += [lambda: _place(trader, side="sell", kind="limit", limit=D("200"), quantity=3)] * 3
    results = run_together(app, jobs)
    assert sum(isinstance(r, int) for r in results) == 3  # 10 shares hold three lots of 3
    with app.app_context():
        sold = (
            db.session.scalar(
                select(func.sum(Transaction.transaction_quantity)).where(
                    Transaction.transaction_type == "sell"
                )
            )
            or 0
        )
        resting = (
            db.session.scalar(
                select(func.sum(Order.order_quantity)).where(Order.order_status == "pending")
            )
            or 0
        )
    assert sold + resting == 9


def test_committing_one_quote_twice_at_once_fills_once(app, market, trader):
    market.set("AAPL", "150.00")
    with app.app_context():
        hold_id = holds.hold(_user(trader), "AAPL", "buy", 2, None).hold_id
    results = run_together(app, [lambda: holds.commit(_user(trader), hold_id).order_id] * 3)
    assert sum(isinstance(r, int) for r in results) == 1
    assert _count(app) == 1
    with app.app_context():
        assert db.session.get(QuoteHold, hold_id).status == "committed"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="row locks need MariaDB")
def test_a_reset_waits_on_no_other_users_orders(app, market, trader, admin, make_user):
    # A fill holds its user's account and orders and may go on to the next user's
    # account (a batch locks them in ascending user_id). A reset that locked the
    # orders it cancels by a search could scan, and wait on, that first user's
    # orders while holding its own account: the two deadlock, and the reset fails.
    other = make_user("bob")
    market.set("AAPL", "150.00")
    with app.app_context():
        request = funds.request_deposit(_user(other), "10000.00")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
        mine = [_place(trader, kind="limit", limit=D("140"), quantity=1) for _ in range(4)]
        for _ in range(4):
            _place(other, kind="limit", limit=D("140"), quantity=1)
    locked, reset_done = threading.Event(), threading.Event()

    def hold_the_first_users_rows():
        lock_for_order(mine[0])
        locked.set()
        finished_meanwhile = reset_done.wait(5)
        db.session.rollback()
        return finished_meanwhile

    def reset_the_other():
        locked.wait(5)
        try:
            return resets.reset(_user(other)).reset_id
        finally:
            reset_done.set()

    results = run_together(app, [hold_the_first_users_rows, reset_the_other])
    assert results == [True, 1]
    assert _status(app, mine[0]) == "pending"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="row locks need MariaDB")
def test_a_late_lower_price_does_not_pull_a_trailing_stop_back(app, market, trader, monkeypatch):
    # Two workers at once (a holder that lost its lease mid-tick): one moves a trailing
    # sell to a new high of 120 between the other's read of the stops (at 110) and its
    # write. The stop must stay at the high: 117, not the late 110's 107.
    market.set("AAPL", "100.00")
    with app.app_context():
        _place(trader, quantity=10)
        order_id = _place(
            trader, side="sell", kind="trailing_stop", trail_amount=D("3"), quantity=10
        )
    real = matching.trailing_stop
    overtaken = []

    def newer_worker_first(*args):
        if not overtaken:
            overtaken.append(True)
            with app.app_context():
                matching.follow_trailing_stops("AAPL", D("120.00"))
                db.session.remove()
        return real(*args)

    monkeypatch.setattr(matching, "trailing_stop", newer_worker_first)
    with app.app_context():
        matching.follow_trailing_stops("AAPL", D("110.00"))
        db.session.remove()
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.water_mark, order.stop_price) == (D("120.0000"), D("117.0000"))
