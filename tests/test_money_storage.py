"""Money is exact in the database too: no binary floats on SQLite, DECIMAL on MariaDB."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from extensions import db
from models import Admin, CashLedger, User
from services import funds, orders
from services.orders import OrderSpec
from tests.helpers import balances

D = Decimal


def test_sums_and_checks_are_exact(app, make_user, admin):
    user_id = make_user("zed")
    with app.app_context():
        user, boss = db.session.get(User, user_id), db.session.get(Admin, admin)
        for amount in ("0.10", "0.20", "9899.01"):
            funds.approve(boss, funds.request_deposit(user, amount).transaction_id)
        funds.request_withdrawal(user, "0.30")  # 0.1 + 0.2 == 0.3, exactly
        total = db.session.scalar(select(func.sum(CashLedger.amount)))
        assert total == D("9899.31")
        if db.engine.dialect.name == "sqlite":
            kinds = db.session.execute(text("SELECT DISTINCT typeof(amount) FROM cash_ledger"))
            assert [k for (k,) in kinds] == ["integer"]
    assert balances(app, user_id) == (D("9899.01"), D("0.30"), D("9899.31"))


@pytest.mark.usefixtures("books_balance")
def test_a_limit_buy_that_once_broke_a_float_check(app, market, make_user, admin):
    user_id = make_user("zed")
    with app.app_context():
        boss = db.session.get(Admin, admin)
        request = funds.request_deposit(db.session.get(User, user_id), "9899.01")
        funds.approve(boss, request.transaction_id)
        market.set("AAPL", "150.00")
        spec = OrderSpec(ticker="AAPL", side="buy", kind="limit", quantity=1, limit=D("0.05"))
        order = orders.place(db.session.get(User, user_id), spec)
        assert order.reserved_cash == D("1.05")
    assert balances(app, user_id) == (D("9897.96"), D("1.05"), D("9899.01"))
