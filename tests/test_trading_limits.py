"""Order limits and semantics at their edges: the share cap on every path, a trailing
buy valued at its stop, IOC while closed, a dead day order, stops crossed after the
tick's volume is spent."""

from datetime import datetime
from decimal import Decimal

import pytest

from extensions import db
from models import Admin, Order, QuoteHold, User
from services import admin_orders, holds, matching, orders
from services.errors import ServiceError
from tests.helpers import balances, count
from tests.test_trading import order_row, place

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")
SATURDAY = datetime(2026, 11, 28, 12, 0)


def test_max_order_quantity_caps_orders_and_holds_given_in_shares(app, market, trader):
    app.config["MAX_ORDER_QUANTITY"] = 10
    market.set("AAPL", "10.00")
    with pytest.raises(ServiceError, match="more shares than one order may hold"):
        place(app, trader, amount=D("111.00"))
    with pytest.raises(ServiceError, match="at most 10 shares") as refused:
        place(app, trader, quantity=11)
    assert refused.value.field == "quantity"
    with app.app_context(), pytest.raises(ServiceError, match="at most 10 shares"):
        holds.hold(db.session.get(User, trader), "AAPL", "buy", 11, None)
    assert count(app, Order) == 0 and count(app, QuoteHold) == 0
    assert place(app, trader, quantity=10).filled_quantity == 10


def test_a_trailing_buy_is_valued_at_its_stop_for_the_order_value_limit(app, market, trader):
    app.config["RISK_MAX_ORDER_VALUE"] = D("1000.00")
    market.set("AAPL", "100.00")
    with pytest.raises(ServiceError, match="one order may be worth at most"):
        place(app, trader, kind="trailing_stop", trail_amount=D("50"), quantity=9)
    within = place(app, trader, quantity=9)  # $900 at the market: within the limit
    assert within.filled_quantity == 9


@pytest.fixture
def exchange(app, market, frozen_time):
    app.config["MARKET_HOURS"] = "exchange"
    app.extensions.pop("paperdesk_hours", None)
    return frozen_time


@pytest.mark.parametrize("tif", ["ioc", "fok"])
def test_an_ioc_or_fok_market_order_is_refused_while_closed(app, market, trader, exchange, tif):
    exchange(SATURDAY)
    market.set("AAPL", "150.00")
    with pytest.raises(ServiceError, match="market is closed") as refused:
        place(app, trader, quantity=10, time_in_force=tif)
    assert refused.value.field == "time_in_force"
    assert count(app, Order) == 0 and balances(app, trader)[1] == D("0.00")
    assert place(app, trader, quantity=10).order_status == "pending"  # a day order waits


def test_an_admin_cannot_execute_a_day_order_after_its_close(
    app, market, trader, admin, frozen_time
):
    frozen_time(datetime(2026, 3, 2, 20, 0, 0))  # the practice market's day ends at 21:00
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140"), quantity=2)
    frozen_time(datetime(2026, 3, 3, 15, 0, 0))  # the next day; no tick has run
    with app.app_context(), pytest.raises(ServiceError, match="expired at the close"):
        admin_orders.execute(db.session.get(Admin, admin), order.order_id)
    assert order_row(app, order.order_id).filled_quantity == 0


def test_a_stop_the_price_went_through_triggers_when_the_volume_is_spent(app, market, trader):
    app.config.update(PARTIAL_FILLS=True, PARTIAL_FILL_SHARE=0.1)
    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)
    buy = place(app, trader, kind="limit", limit=D("140"), quantity=10, time_in_force="gtc")
    stop = place(app, trader, side="sell", kind="stop", stop=D("140"), quantity=5)
    dollars = place(app, trader, kind="limit", limit=D("140"), amount=D("500"))
    market.set("AAPL", "139.00")
    with app.app_context():
        assert matching.on_price("AAPL", D("139.00"), 10) == 1  # 1 share, to the oldest
        db.session.remove()
    assert order_row(app, buy.order_id).filled_quantity == 1
    triggered = order_row(app, stop.order_id)
    assert triggered.stop_triggered and triggered.filled_quantity == 0
    waiting = order_row(app, dollars.order_id)  # no volume left: it waits, not rejected
    assert (waiting.order_status, waiting.filled_quantity) == ("pending", 0)
    market.set("AAPL", "145.00")  # back above the stop: the triggered stop sells at market
    with app.app_context():
        matching.on_price("AAPL", D("145.00"), 1000)
        db.session.remove()
    assert order_row(app, stop.order_id).filled_quantity == 5


def test_cancelling_a_day_order_past_its_close_records_it_expired(app, market, trader, frozen_time):
    frozen_time(datetime(2026, 3, 2, 20, 0, 0))  # the practice market's day ends at 21:00
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140"), quantity=2)
    frozen_time(datetime(2026, 3, 3, 15, 0, 0))  # the next day; the worker has not swept
    with app.app_context():
        closed = orders.cancel(db.session.get(User, trader), order.order_id)
    assert closed.order_status == "expired"
    stored = order_row(app, order.order_id)
    assert (stored.order_status, stored.remark) == ("expired", "Day order expired at the close.")
    assert balances(app, trader)[1] == D("0.00")
