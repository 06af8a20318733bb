"""Daily account valuation from the ledger, fills and bars; time-weighted return."""

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest

from extensions import db
from models import AccountValuation, CashLedger, MarketData, Order, Transaction
from services.analysis import valuation
from tests.helpers import count
from utils import clock
from utils.analysis import performance

D = Decimal
CLOSES = {2: "100", 3: "110", 4: "110", 5: "99", 6: "108.9"}  # AAPL, 2-6 March 2026


def _ledger(user_id, day, amount, kind, hour=15):
    db.session.add(
        CashLedger(
            user_id=user_id,
            amount=D(amount),
            kind=kind,
            reference_type="test",
            reference_id=1,
            balance_after=D("0"),
            created_at=datetime(2026, 3, day, hour),
        )
    )


def _account(app, user_id, bars=True):
    """Deposit 1,000 on Monday and buy 10 AAPL at 100; deposit 1,100 on Wednesday."""
    with app.app_context():
        for day, close in CLOSES.items() if bars else ():
            price = D(close)
            db.session.add(MarketData(ticker="AAPL", date=date(2026, 3, day), open=price,
                                      high=price, low=price, close=price, adj_close=price,
                                      volume=1000))  # fmt: skip
        order = Order(user_id=user_id, ticker="AAPL", order_type="buy",
                      order_execution_type="market", order_quantity=10)  # fmt: skip
        db.session.add(order)
        db.session.flush()
        _ledger(user_id, 2, "1000", "deposit", 14)
        _ledger(user_id, 2, "-1000", "buy")
        db.session.add(Transaction(order_id=order.order_id, user_id=user_id, ticker="AAPL",
                                   transaction_type="buy", transaction_price=D("100"),
                                   transaction_quantity=10, transaction_amount=D("1000"),
                                   transaction_time=datetime(2026, 3, 2, 15)))  # fmt: skip
        _ledger(user_id, 4, "1100", "deposit")
        db.session.commit()


def test_daily_values_and_time_weighted_return_by_hand(app, make_user):
    user_id = make_user()
    _account(app, user_id)
    with app.app_context():
        frame = valuation.compute(user_id, through=date(2026, 3, 6))
    assert [d.day for d in frame.index] == [2, 3, 4, 5, 6]
    np.testing.assert_allclose(frame["positions_value"], [1000, 1100, 1100, 990, 1089])
    np.testing.assert_allclose(frame["cash"], [0, 0, 1100, 1100, 1100])
    np.testing.assert_allclose(frame["total_value"], [1000, 1100, 2200, 2090, 2189])
    np.testing.assert_allclose(frame["net_flow"], [1000, 0, 1100, 0, 0])
    values, flows = frame["total_value"].to_numpy(), frame["net_flow"].to_numpy()
    daily = performance.daily_returns(values, flows)
    np.testing.assert_allclose(daily, [0, 0.1, 0, 2090 / 2200 - 1, 2189 / 2090 - 1])
    twr = performance.time_weighted_return(values, flows)
    # the Wednesday deposit is no gain: 1.1 x (2090/2200) x (2189/2090) - 1 = 9.45 %
    assert twr == pytest.approx(1.1 * 2189 / 2200 - 1)
    naive = (values[-1] - flows.sum()) / flows.sum()
    assert naive == pytest.approx(89 / 2100) and abs(twr - naive) > 0.05


def test_withdrawal_is_no_loss():
    values = np.array([1000.0, 1050.0, 577.5, 606.375])  # +5 % a day, 500 out on day 2
    flows = np.array([1000.0, 0.0, -500.0, 0.0])
    assert performance.time_weighted_return(values, flows) == pytest.approx(1.05**3 - 1)
    assert performance.annualised(0.1, 252) == pytest.approx(0.1)


def test_weekend_events_count_on_monday_and_today_uses_the_quote(app, make_user):
    user_id = make_user()
    _account(app, user_id)
    with app.app_context():
        _ledger(user_id, 7, "50", "deposit")  # Saturday
        db.session.commit()
        frame = valuation.compute(user_id, through=date(2026, 3, 9))
    assert frame.index[-1].day == 9 and frame["net_flow"].iloc[-1] == 50
    assert frame["positions_value"].iloc[-1] == pytest.approx(1089)  # no quote: last close


def test_rebuild_stores_the_rows_and_replaces_them(app, make_user):
    user_id = make_user()
    _account(app, user_id)
    with app.app_context():
        assert valuation.rebuild(user_id, through=date(2026, 3, 6)) == 5
        assert valuation.rebuild(user_id, through=date(2026, 3, 6)) == 5
        row = db.session.get(AccountValuation, (user_id, date(2026, 3, 5)))
        assert row.total_value == D("2090.00") and row.cash == D("1100.00")
    assert count(app, AccountValuation, AccountValuation.user_id == user_id) == 5


def test_worker_values_every_account_once_a_day_in_batches(app, make_user, monkeypatch):
    from tasks import worker as worker_module

    monkeypatch.setattr(worker_module, "VALUATION_BATCH", 1)
    users = [make_user(name) for name in ("alice", "bob")]
    for i, user_id in enumerate(users):
        _account(app, user_id, bars=i == 0)
    clock.freeze(datetime(2026, 3, 6, 22, 0))
    worker = worker_module.Worker(app, holder="test-worker")
    assert worker.step()
    assert worker.valued_on is None  # one account a tick: not done yet
    assert count(app, AccountValuation) == 5
    worker.step()
    worker.step()
    assert worker.valued_on == date(2026, 3, 6)
    for user_id in users:
        assert count(app, AccountValuation, AccountValuation.user_id == user_id) == 5
    with app.app_context():
        db.session.execute(db.delete(AccountValuation))
        db.session.commit()
    worker.step()  # same day: not again
    assert count(app, AccountValuation) == 0


def test_performance_endpoint_builds_the_curve_on_demand(app, user_client):
    with app.app_context():
        user_id = db.session.scalar(db.select(db.func.max(CashLedger.user_id))) or 1
        db.session.add(CashLedger(user_id=user_id, amount=D("1000"), kind="deposit",
                                  reference_type="test", reference_id=1,
                                  balance_after=D("1000")))  # fmt: skip
        db.session.commit()
    body = user_client.get("/user/api/performance").json
    assert body["success"] and body["days"] >= 1, body
    assert body["value"][-1] == 1000 and body["deposits"] == 1000
    assert body["time_weighted_return"] == 0 and body["metrics"] is None
    assert body["benchmark"].startswith("Equal-weight index")
    assert count(app, AccountValuation, AccountValuation.user_id == user_id) == body["days"]
    assert user_client.get("/user/api/performance?rebuild=1").json["value"] == body["value"]


def test_a_withdrawal_on_the_day_of_a_deposit_still_counts_as_one(app, trader, admin):
    from models import Admin, User
    from services import funds
    from services.analysis import performance as account_performance

    with app.app_context():  # the trader's 10,000 came in today, and 200 go out
        request = funds.request_withdrawal(db.session.get(User, trader), "200.00")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
        body = account_performance.account(trader, rebuild=True)
    assert body["net_flow"][-1] == 9800  # the day's flows, netted for the returns
    assert (body["deposits"], body["withdrawals"]) == (10000, 200)


def test_concurrent_rebuilds_of_one_account_all_succeed(app, make_user):
    from tests.test_races import run_together

    user_id = make_user()
    _account(app, user_id)
    results = run_together(app, [lambda: valuation.rebuild(user_id, date(2026, 3, 6))] * 4)
    assert results == [5, 5, 5, 5]
    assert count(app, AccountValuation, AccountValuation.user_id == user_id) == 5


def test_after_a_reset_the_curve_starts_again_at_the_starting_balance(app, make_user, frozen_time):
    from models import User
    from services import resets

    user_id = make_user()
    _account(app, user_id)  # 10 AAPL bought on Monday, 1,100 deposited on Wednesday
    frozen_time(datetime(2026, 3, 4, 16, 0))  # Wednesday, after the deposit
    with app.app_context():
        resets.reset(db.session.get(User, user_id))
        start = float(resets.starting_balance())
        frozen_time(datetime(2026, 3, 5, 15, 0))
        _ledger(user_id, 5, "-500", "buy")  # the new life's first trade, by Thursday
        db.session.commit()
        frame = valuation.compute(user_id, through=date(2026, 3, 6))
    assert [d.day for d in frame.index] == [4, 5, 6]
    np.testing.assert_allclose(frame["positions_value"], [0, 0, 0])  # the old shares are gone
    np.testing.assert_allclose(frame["cash"], [start, start - 500, start - 500])
    np.testing.assert_allclose(frame["net_flow"], [start, 0, 0])  # the reset: a fresh deposit
    values, flows = frame["total_value"].to_numpy(), frame["net_flow"].to_numpy()
    # the only change of the new life is the 500 that left cash: no gain from the reset
    assert performance.time_weighted_return(values, flows) == pytest.approx(-500 / start)


def test_the_annualised_return_waits_for_the_risk_metrics_days(app, make_user, frozen_time):
    import pandas as pd

    from services.analysis import performance as account_performance

    user_id = make_user()
    _account(app, user_id)
    frozen_time(datetime(2026, 3, 6, 16, 0))
    with app.app_context():
        short = account_performance.account(user_id, rebuild=True)
    assert short["days"] == 5 and short["time_weighted_return"] != 0
    assert short["annualised_twr"] is None and short["metrics"] is None

    def valued(days: int) -> pd.DataFrame:
        dates = pd.bdate_range("2026-01-05", periods=days)
        values = 1000 * np.cumprod(1 + 0.01 * np.sin(np.arange(days)))
        flows = np.r_[1000.0, np.zeros(days - 1)]
        frame = {"total_value": values, "cash": values, "net_flow": flows}
        return pd.DataFrame(frame, index=dates.date)

    limit = account_performance.MIN_RISK_DAYS
    with app.app_context():
        at_limit = account_performance._figures(valued(limit), (1000.0, 0.0))
        past_it = account_performance._figures(valued(limit + 1), (1000.0, 0.0))
    assert at_limit["annualised_twr"] is None and at_limit["metrics"] is None
    assert past_it["annualised_twr"] is not None and past_it["metrics"] is not None


def test_money_moved_after_the_day_was_valued_shows_without_a_rebuild(
    app, frozen_time, trader, admin
):
    from models import Admin, User
    from services import funds
    from services.analysis import performance as account_performance

    frozen_time(datetime(2026, 3, 4, 9, 0))  # 10,000 came in on Monday
    with app.app_context():
        morning = account_performance.account(trader)  # valued now, as the worker does
        frozen_time(datetime(2026, 3, 4, 15, 0))
        request = funds.request_deposit(db.session.get(User, trader), "2000.00")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
        later = account_performance.account(trader)
    assert morning["value"][-1] == 10000
    assert morning["dates"][0] == "2026-03-02" and morning["dates"][-1] == "2026-03-04"
    assert (later["value"][-1], later["net_flow"][-1], later["deposits"]) == (12000, 2000, 12000)
    assert later["time_weighted_return"] == 0  # a deposit is no gain


def test_exchange_holidays_are_no_valued_days(app, make_user, frozen_time, monkeypatch):
    from services.analysis import performance as account_performance

    user_id = make_user()
    with app.app_context():
        for when, amount in (
            (datetime(2025, 12, 24, 15), "1000"),
            (datetime(2025, 12, 25, 15), "50"),
        ):
            db.session.add(CashLedger(user_id=user_id, amount=D(amount), kind="deposit",
                                      reference_type="test", reference_id=1,
                                      balance_after=D("0"), created_at=when))  # fmt: skip
        db.session.commit()
        frame = valuation.compute(user_id, through=date(2026, 1, 2))
        frozen_time(datetime(2026, 1, 1, 12, 0))  # New Year's Day: Wednesday is the last session
        account_performance.account(user_id)
        stored = valuation.stored(user_id)
        rebuilds = []
        monkeypatch.setattr(valuation, "rebuild", lambda *args: rebuilds.append(args))
        account_performance.account(user_id)  # not behind: nothing to rebuild
    # Christmas and New Year's Day trade nothing: the deposit on Christmas counts on Friday
    days = [d.date().isoformat() for d in frame.index]
    assert days == ["2025-12-24", "2025-12-26", "2025-12-29", "2025-12-30", "2025-12-31",
                    "2026-01-02"]  # fmt: skip
    np.testing.assert_allclose(frame["net_flow"], [1000, 50, 0, 0, 0, 0])
    assert stored.index[-1] == date(2025, 12, 31) and rebuilds == []


def test_dts_holdings_are_valued_at_their_cost_as_on_the_portfolio_page(app, make_user):
    user_id = make_user()
    with app.app_context():
        order = Order(user_id=user_id, ticker="~ABC", order_type="buy",
                      order_execution_type="market", order_quantity=10)  # fmt: skip
        db.session.add(order)
        db.session.flush()
        _ledger(user_id, 2, "1000", "deposit")
        for day, side, quantity, amount in ((3, "buy", 10, "200"), (4, "sell", 4, "100")):
            db.session.add(Transaction(order_id=order.order_id, user_id=user_id, ticker="~ABC",
                                       transaction_type=side, transaction_quantity=quantity,
                                       transaction_price=D(amount) / quantity,
                                       transaction_amount=D(amount), commission=D("1"),
                                       transaction_time=datetime(2026, 3, day, 15)))  # fmt: skip
            _ledger(user_id, day, amount if side == "sell" else f"-{amount}", side)
            _ledger(user_id, day, "-1", "commission")
        db.session.commit()
        frame = valuation.compute(user_id, through=date(2026, 3, 5))
    # 10 bought for 200 + 1 commission; 4 sold: 6 left at 201 x 6 / 10 = 120.60
    np.testing.assert_allclose(frame["positions_value"], [0, 201, 120.6, 120.6])
    np.testing.assert_allclose(frame["total_value"], [1000, 1000, 1018.6, 1018.6])


def test_an_account_that_never_lost_a_day_has_no_sortino_rather_than_infinity(app):
    import json

    import pandas as pd

    from services.analysis import performance as account_performance

    dates = pd.bdate_range("2026-01-05", periods=30)  # one winning day, then cash
    values = np.r_[1000.0, np.full(29, 1010.0)]
    flows = np.r_[1000.0, np.zeros(29)]
    frame = pd.DataFrame({"total_value": values, "cash": values, "net_flow": flows}, dates.date)
    with app.app_context():
        figures = account_performance._figures(frame, (1000.0, 0.0))
    assert figures["metrics"]["sortino"] is None and figures["metrics"]["sharpe"] > 0
    json.dumps(figures, allow_nan=False)  # Infinity is not JSON: the page could not read it
