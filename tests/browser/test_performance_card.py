"""The portfolio page's performance card: a curve from the first deposit, TWR and risk."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from extensions import db
from models import AccountBalance, CashLedger, MarketData, Order, Portfolio, Transaction
from services import history
from tests.browser.test_stock_page import sign_in
from utils.clock import utcnow

pytestmark = pytest.mark.browser


def _history(app, user_id):
    """A deposit 80 weekdays ago and a buy of 20 AAPL at a close 60 weekdays ago."""
    with app.app_context():
        history.sync(["AAPL"])
        bars = db.session.scalars(
            select(MarketData).where(MarketData.ticker == "AAPL").order_by(MarketData.date.desc())
        ).all()
        deposit_day, buy_bar = bars[80].date, bars[60]
        cost = buy_bar.close * 20
        account = db.session.scalar(select(AccountBalance).where(AccountBalance.user_id == user_id))
        account.available_balance = account.total_balance = Decimal("10000.00") - cost
        order = Order(user_id=user_id, ticker="AAPL", order_type="buy",
                      order_execution_type="market", order_quantity=20, filled_quantity=20,
                      order_status="filled")  # fmt: skip
        db.session.add(order)
        db.session.flush()
        at = datetime.combine(buy_bar.date, datetime.min.time()) + timedelta(hours=15)
        for amount, kind, when in (
            (Decimal("10000.00"), "deposit", datetime.combine(deposit_day, datetime.min.time())),
            (-cost, "buy", at),
        ):
            db.session.add(CashLedger(user_id=user_id, amount=amount, kind=kind,
                                      reference_type="test", reference_id=1,
                                      balance_after=Decimal("0"), created_at=when))  # fmt: skip
        db.session.add(Transaction(order_id=order.order_id, user_id=user_id, ticker="AAPL",
                                   transaction_type="buy", transaction_price=buy_bar.close,
                                   transaction_quantity=20, transaction_amount=cost,
                                   transaction_time=at))  # fmt: skip
        db.session.add(Portfolio(user_id=user_id, ticker="AAPL", quantity=20,
                                 average_price=buy_bar.close, total_cost=cost))  # fmt: skip
        db.session.commit()
    assert utcnow()


def test_performance_card_draws_the_curve(live_server, page, screenshot, app, make_user):
    user_id = make_user("alice")
    _history(app, user_id)
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/portfolio")
    page.wait_for_selector("#performance-body:not(.d-none)", timeout=60000)
    stats = page.inner_text("#performance-stats")
    assert "Time-weighted return" in stats and "Deposits\n$10,000.00" in stats
    assert "n/a" not in stats.split("Volatility")[1].split("\n")[1]
    annualised = stats.split("Annualised\n")[1].split("\n")[0]  # 80 valued days: shown
    assert re.fullmatch(r"-?[\d,]+\.\d\d%", annualised), annualised
    days = page.evaluate("PaperDeskAnalysis.charts[0].data.labels.length")
    assert days >= 80
    screenshot("light")
    page.click("#theme-toggle")
    screenshot("dark")
