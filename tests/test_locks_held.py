"""Rows locked in a transaction are not read again: services.locks answers a second
lock of them from the values services.rows keeps (as locked, then as last written),
and forgets them when a savepoint ends or the transaction does."""

from decimal import Decimal

import pytest

from extensions import db
from services import locks
from services.rows import pending
from utils.dbcount import RoundTrips

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def _selects(work):
    with RoundTrips(db.engine) as trips:
        found = work()
    return found, sum(n for kind, n in trips.counts.items() if kind.startswith("SELECT"))


def _lock(user_id, ticker="AAPL"):
    return locks.lock_trader(db.session, user_id, ticker)


def test_a_second_lock_in_the_transaction_reads_nothing_and_sees_what_was_written(app, trader):
    with app.app_context():
        (account, position, _), sent = _selects(lambda: _lock(trader))
        assert sent == 1 and position is None
        account.available_balance -= D("100.00")
        account.frozen_balance += D("100.00")
        pending(db.session).flush(db.session)
        (again, position, _), sent = _selects(lambda: _lock(trader))
        assert sent == 0 and position is None
        assert again is not account  # a record of its own, from the stored values
        assert (again.available_balance, again.frozen_balance) == (D("9900.00"), D("100.00"))
        only, sent = _selects(lambda: locks.lock_account(db.session, trader))
        assert sent == 0 and only.frozen_balance == D("100.00")
        db.session.rollback()
        (fresh, _, _), sent = _selects(lambda: _lock(trader))
        assert sent == 1 and fresh.frozen_balance == D("0.00")  # a new transaction reads
        db.session.rollback()


def test_a_change_not_written_is_not_kept(app, trader):
    with app.app_context():
        account, _, _ = _lock(trader)
        account.available_balance -= D("1.00")
        pending(db.session).records.clear()  # a failed DTS command drops its records
        (again, _, _), sent = _selects(lambda: _lock(trader))
        assert sent == 0 and again.available_balance == D("10000.00")
        db.session.rollback()


def test_a_savepoint_rolled_back_makes_the_next_lock_read_the_database(app, trader):
    with app.app_context():
        _lock(trader)
        savepoint = db.session.begin_nested()
        account, _, _ = _lock(trader)
        account.available_balance -= D("5.00")
        account.frozen_balance += D("5.00")
        pending(db.session).flush(db.session)
        savepoint.rollback()
        (again, _, _), sent = _selects(lambda: _lock(trader))
        assert sent == 1 and again.frozen_balance == D("0.00")
        db.session.rollback()


def test_a_position_created_in_the_transaction_is_locked_from_the_database(app, trader):
    with app.app_context():
        _, position, _ = _lock(trader, "MSFT")
        assert position is None
        created = pending(db.session).track(
            locks.PositionRecord.new(user_id=trader, ticker="MSFT", quantity=0, reserved_quantity=0)
        )
        assert created.is_new
        pending(db.session).flush(db.session)
        (_, position, _), sent = _selects(lambda: _lock(trader, "MSFT"))
        assert sent == 1 and position is not None and position.id is not None
        (_, again, _), sent = _selects(lambda: _lock(trader, "MSFT"))
        assert sent == 0 and again.id == position.id
        db.session.rollback()


def test_an_order_is_found_in_memory_only_for_its_owner(app, trader, make_user):
    from models import User
    from services import orders
    from services.orders import OrderSpec

    other = make_user("other")
    with app.app_context():
        user = db.session.get(User, trader)
        placed = orders.place(user, OrderSpec("AAPL", "buy", "limit", quantity=1, limit=D("1")))
        order_id = placed.order_id
        db.session.remove()
        _, _, order = locks.lock_trader(db.session, trader, "AAPL", order_id)
        assert order is not None and order.order_id == order_id
        (_, _, mine), sent = _selects(
            lambda: locks.lock_trader(db.session, trader, "AAPL", order_id)
        )
        assert sent == 0 and mine.order_status == "pending"
        (_, _, theirs), sent = _selects(
            lambda: locks.lock_trader(db.session, other, "AAPL", order_id)
        )
        assert sent == 1 and theirs is None
        db.session.rollback()
