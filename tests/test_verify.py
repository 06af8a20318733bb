"""`flask audit verify`: each invariant, corrupted on its own, is reported with its account.

A small but complete set of books is built through the services (market and resting
orders, a partial sale, a cancel, a quote commit, a pending withdrawal); then one row
is changed behind the services' back and the check that owns the rule must name it.
"""

import json
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select, update

from extensions import db
from models import (
    AccountBalance,
    CashLedger,
    FundTransaction,
    Order,
    Portfolio,
    QuoteHold,
    Transaction,
    User,
)
from services import funds, holds, orders
from services.orders import OrderSpec
from services.verify import Problem, report, verify
from services.verify.cash import _account

D = Decimal


def _place(user, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    return orders.place(user, spec).order_id


@pytest.fixture
def books(app, market, trader):
    """Balanced books for the trader and a second user; returns the ids that tests corrupt."""
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        ids = {"user": trader}
        ids["bought"] = _place(user, quantity=10)
        ids["sold"] = _place(user, side="sell", quantity=4)
        ids["resting_buy"] = _place(user, kind="limit", limit=D("120"), quantity=3)
        ids["resting_sell"] = _place(user, side="sell", kind="limit", limit=D("190"), quantity=2)
        ids["cancelled"] = _place(user, kind="limit", limit=D("100"), quantity=1)
        orders.cancel(user, ids["cancelled"])
        held = holds.hold(user, "AAPL", "buy", 2, None)
        ids["hold"] = held.hold_id
        ids["quoted"] = holds.commit(user, held.hold_id).order_id
        funds.request_withdrawal(user, "100.00")
        db.session.remove()
    with app.app_context():
        assert verify() == []
    return ids


def _change(app, *statements):
    with app.app_context():
        for statement in statements:
            db.session.execute(statement)
        db.session.commit()


def _problems(app) -> list[Problem]:
    with app.app_context():
        return verify()


def _position(user):
    return update(Portfolio).where(Portfolio.user_id == user, Portfolio.ticker == "AAPL")


def _deposit(user):
    return update(FundTransaction).where(
        FundTransaction.user_id == user, FundTransaction.transaction_type == "deposit"
    )


def _account_row(user):
    return update(AccountBalance).where(AccountBalance.user_id == user)


CORRUPTIONS = {
    "cash without a ledger row": (
        lambda ids: [
            _account_row(ids["user"]).values(
                total_balance=AccountBalance.total_balance + 1,
                available_balance=AccountBalance.available_balance + 1,
            )
        ],
        "cash",
        "!= ledger",
    ),
    "frozen cash with no reason": (
        lambda ids: [
            _account_row(ids["user"]).values(
                frozen_balance=AccountBalance.frozen_balance + 1,
                available_balance=AccountBalance.available_balance - 1,
            )
        ],
        "cash",
        "!= reservations",
    ),
    "a share from nowhere": (
        lambda ids: [_position(ids["user"]).values(quantity=Portfolio.quantity + 1)],
        "positions",
        "holds 9 != fills 8",
    ),
    "a cost that the fills do not give": (
        lambda ids: [_position(ids["user"]).values(total_cost=Portfolio.total_cost + 1)],
        "positions",
        "!= fills' cost",
    ),
    "an average cost that the fills do not give": (
        lambda ids: [_position(ids["user"]).values(average_price=Portfolio.average_price + 1)],
        "positions",
        "!= fills' average",
    ),
    "realised P&L that the sales do not give": (
        lambda ids: [_position(ids["user"]).values(realized_pnl=Portfolio.realized_pnl + 1)],
        "positions",
        "realised P&L",
    ),
    "a sale whose recorded P&L the fills do not give": (
        lambda ids: [
            update(Transaction)
            .where(Transaction.order_id == ids["sold"])
            .values(realized_pnl=Transaction.realized_pnl + 1)
        ],
        "positions",
        "sales record P&L",
    ),
    "shares reserved by no order": (
        lambda ids: [
            _position(ids["user"]).values(reserved_quantity=Portfolio.reserved_quantity + 1)
        ],
        "positions",
        "reserved 3 != open sells 2",
    ),
    "a filled order with shares left": (
        lambda ids: [
            update(Order)
            .where(Order.order_id == ids["bought"])
            .values(order_quantity=Order.order_quantity + 1)
        ],
        "orders",
        "filled but 1 shares remain",
    ),
    "an order charged a commission its fills do not give": (
        lambda ids: [
            update(Order)
            .where(Order.order_id == ids["bought"])
            .values(total_commission=Order.total_commission + 1)
        ],
        "orders",
        "!= its fills'",
    ),
    "a filled order shown as still working (it could fill again)": (
        lambda ids: [
            update(Order).where(Order.order_id == ids["bought"]).values(order_status="pending")
        ],
        "orders",
        "pending with nothing left to fill",
    ),
    "a fill without its ledger rows": (
        lambda ids: [
            delete(CashLedger).where(
                CashLedger.reference_id == ids["sold"], CashLedger.kind == "commission"
            )
        ],
        "orders",
        "ledger",
    ),
    "a fill booked to someone else": (
        lambda ids: [
            update(Transaction)
            .where(Transaction.order_id == ids["sold"])
            .values(transaction_type="buy")
        ],
        "orders",
        "does not match order",
    ),
    "a credited deposit shown as still pending (it could be approved again)": (
        lambda ids: [_deposit(ids["user"]).values(status="pending", decided_at=None)],
        "cash",
        "pending deposit",
    ),
    "an approved deposit whose money came from elsewhere": (
        lambda ids: [
            update(CashLedger)
            .where(CashLedger.reference_type == "fund_transaction")
            .values(reference_type="adjustment")
        ],
        "cash",
        "moved 0.00 in 0 ledger rows",
    ),
    "a fill whose amount is not its price times its shares": (
        lambda ids: [
            update(Transaction)
            .where(Transaction.order_id == ids["sold"])
            .values(transaction_amount=Transaction.transaction_amount + 1)
        ],
        "orders",
        "!= 4 x 150",
    ),
    "a cancelled order still reserving cash": (
        lambda ids: [
            update(Order).where(Order.order_id == ids["cancelled"]).values(reserved_cash=5)
        ],
        "orders",
        "cancelled but still reserves 5",
    ),
    "a used quote hold shown as still held (it could be committed again)": (
        lambda ids: [
            update(QuoteHold).where(QuoteHold.hold_id == ids["hold"]).values(status="held")
        ],
        "holds",
        "held but names order",
    ),
    "a committed hold whose order did not fill at the held price": (
        lambda ids: [
            update(QuoteHold)
            .where(QuoteHold.hold_id == ids["hold"])
            .values(price=QuoteHold.price + 1)
        ],
        "holds",
        "but its order filled at 150",
    ),
    "a committed hold with no order": (
        lambda ids: [
            update(QuoteHold).where(QuoteHold.hold_id == ids["hold"]).values(order_id=None)
        ],
        "holds",
        "committed without an order",
    ),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_each_corruption_is_reported_with_its_account(app, books, name):
    statements, check, words = CORRUPTIONS[name]
    _change(app, *statements(books))
    found = [p for p in _problems(app) if p.check == check and words in p.message]
    assert found, f"{name}: not reported"
    assert all(p.user_id == books["user"] for p in found)


def test_a_fill_applied_twice_is_reported(app, books):
    with app.app_context():
        fill = db.session.scalar(select(Transaction).where(Transaction.order_id == books["bought"]))
        columns = {c.key: getattr(fill, c.key) for c in Transaction.__table__.columns}
        columns.pop("transaction_id")
        db.session.add(Transaction(**columns))
        db.session.commit()
    messages = [p.message for p in _problems(app)]
    assert f"order {books['bought']}: filled 10 != its fills 20" in messages
    assert any("holds 8 != fills 18" in m for m in messages)


def test_a_fill_after_a_cancel_is_reported(app, books):
    with app.app_context():
        closed = db.session.get(Order, books["cancelled"]).closed_at
        late = Transaction(
            order_id=books["cancelled"],
            user_id=books["user"],
            ticker="AAPL",
            transaction_type="buy",
            transaction_price=D("100"),
            transaction_quantity=1,
            transaction_amount=D("100.00"),
            commission=D("0.00"),
            transaction_time=closed + timedelta(minutes=5),
        )
        db.session.add(late)
        db.session.commit()
    messages = [p.message for p in _problems(app)]
    assert any("came after the order was cancelled" in m for m in messages)


def test_a_quote_hold_used_twice_is_reported(app, books, market):
    with app.app_context():
        first = db.session.get(QuoteHold, books["hold"])
        db.session.add(
            QuoteHold(
                user_id=first.user_id,
                ticker="AAPL",
                order_type="buy",
                quantity=2,
                price=first.price,
                source=first.source,
                status="committed",
                expires_at=first.expires_at,
                order_id=first.order_id,
            )
        )
        user = db.session.get(User, books["user"])
        orders.place(user, OrderSpec("AAPL", "buy", "market", quantity=1, source="quote"))
        db.session.commit()
    messages = [p.message for p in _problems(app)]
    assert f"order {books['quoted']}: placed by 2 quote holds" in messages
    assert any("placed from a quote but no committed hold names it" in m for m in messages)


def test_rules_the_schema_also_guards_are_still_checked():
    # The database's CHECK constraints refuse these rows, so they are tried on a plain object.
    split = SimpleNamespace(
        user_id=9, total_balance=D("10.00"), available_balance=D("4.00"), frozen_balance=D("5.00")
    )
    negative = SimpleNamespace(
        user_id=9, total_balance=D("-1.00"), available_balance=D("-1.00"), frozen_balance=D("0")
    )
    ledger = {9: D("10.00")}
    assert "available + frozen != total" in str(_account(split, ledger, {9: D("5.00")}, {}))
    assert "a negative balance" in str(_account(negative, {9: D("-1.00")}, {}, {}))


def test_the_command_lists_failing_accounts_and_exits_non_zero(app, books, runner):
    clean = runner.invoke(args=["audit", "verify"])
    assert clean.exit_code == 0 and "OK: every account balances." in clean.output
    assert "Checked 1 accounts, 1 positions, 6 orders: 0 problem(s)." in clean.output
    _change(app, _position(books["user"]).values(quantity=Portfolio.quantity + 1))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"Failing accounts (1): {books['user']}" in broken.output
    assert "FAIL [positions]" in broken.output
    as_json = runner.invoke(args=["audit", "verify", "--json"])
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)
    assert data["ok"] is False and data["failing_accounts"] == [books["user"]]
    assert data["problems_by_check"] == {"positions": 1}
    assert data["checked"] == {"accounts": 1, "positions": 1, "orders": 6}


def test_the_report_of_clean_books(app, books):
    with app.app_context():
        result = report()
    assert result.ok and result.failing_accounts == [] and result.as_dict()["problem_count"] == 0
