"""The fast engine's own rules: batched fills keep arrival order and per-user balances,
the pool rolls back what was left open, a lost connection answers 503."""

from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from extensions import db
from models import Admin, AuditLog, Order, User
from services import funds, matching, orders
from services.orders import OrderSpec
from tests.helpers import balances

D = Decimal


def _resting(app, user_id, quantity=1, limit="140.00"):
    spec = OrderSpec("AAPL", "buy", "limit", quantity, limit=D(limit), time_in_force="gtc")
    with app.app_context():
        return orders.place(db.session.get(User, user_id), spec).order_id


def _statuses(app, ids):
    with app.app_context():
        rows = db.session.execute(
            select(Order.order_id, Order.order_status, Order.filled_quantity).where(
                Order.order_id.in_(ids)
            )
        )
        return {r.order_id: (r.order_status, r.filled_quantity) for r in rows}


@pytest.mark.usefixtures("books_balance")
def test_batches_fill_in_arrival_order_within_the_budget(app, market, trader, make_user, admin):
    app.config.update(FILL_BATCH_SIZE=2, PARTIAL_FILLS=True, PARTIAL_FILL_SHARE=0.1)
    other = make_user("other")
    with app.app_context():
        request = funds.request_deposit(db.session.get(User, other), "10000.00")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
    market.set("AAPL", "150.00")
    owners = [trader, other, trader, other, trader]
    ids = [_resting(app, user, quantity=3) for user in owners]
    market.set("AAPL", "139.00")
    with app.app_context():
        filled = matching.on_price("AAPL", D("139.00"), volume=100)  # a budget of 10 shares
    # oldest first, three batches of two: 3 + 3 + 3 shares, then 1 of the fourth order
    assert filled == 4
    assert [_statuses(app, ids)[i] for i in ids] == [
        ("filled", 3),
        ("filled", 3),
        ("filled", 3),
        ("partially_filled", 1),
        ("pending", 0),
    ]
    # the trader paid for 6 shares at 139 plus 2 commissions; the reserve of the rest stays
    assert balances(app, trader)[2] == D("10000.00") - 6 * D("139.00") - 2


def test_a_connection_left_in_a_transaction_is_rolled_back_on_return(app):
    with app.app_context():
        raw = db.engine.raw_connection()  # no SQLAlchemy Connection: no commit event
        cursor = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # its driver runs in autocommit mode (app.configure_sqlite)
        cursor.execute(
            "INSERT INTO audit_log (actor_type, action, created_at)"
            " VALUES ('system', 'left.open', '2026-01-01 00:00:00')"
        )
        cursor.close()
        raw.close()  # back to the pool without a commit
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "left.open")) is None


def test_a_lost_connection_answers_503_and_changes_nothing(app, market, trader, monkeypatch):
    from tests.conftest import PASSWORD, AuthActions
    from tests.helpers import post_json

    client = app.test_client()
    AuthActions(client).login("trader", PASSWORD)
    market.set("AAPL", "150.00")

    def lost(*_args, **_kwargs):
        orig = Exception(2013, "Lost connection to server during query")
        raise OperationalError("SELECT 1", {}, orig, connection_invalidated=True)

    monkeypatch.setattr("services.orders.lock_trader", lost)
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 1}
    response = post_json(client, "/user/api/create_order", body)
    assert response.status_code == 503
    assert response.json["success"] is False and "try again" in response.json["error"]
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))
