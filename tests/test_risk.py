"""Risk limits: order value, daily traded value per user, and the fat-finger band.

Each refusal is a 400 naming its field, and stores nothing.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Order, User
from services import holds, orders
from services.errors import ServiceError
from services.orders import OrderSpec
from tests.helpers import balances, post_json
from tests.test_races import run_together

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def _place(app, user_id, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    with app.app_context():
        return orders.place(db.session.get(User, user_id), spec).order_status


def _orders(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order))


def test_an_order_worth_more_than_the_limit_is_refused(app, market, trader):
    app.config["RISK_MAX_ORDER_VALUE"] = D("1000.00")
    market.set("AAPL", "150.00")
    before = balances(app, trader)
    with pytest.raises(ServiceError, match=r"worth about \$1,500.00.*at most \$1,000.00") as exc:
        _place(app, trader, quantity=10)
    assert exc.value.field == "quantity" and exc.value.status_code == 400
    with pytest.raises(ServiceError) as exc:
        _place(app, trader, amount=D("1200.00"))
    assert exc.value.field == "amount"
    with pytest.raises(ServiceError):  # a resting order counts at its limit price
        _place(app, trader, kind="limit", limit=D("120"), quantity=9)
    assert _orders(app) == 0 and balances(app, trader) == before
    assert _place(app, trader, quantity=6) == "filled"  # $900 fits


def test_an_order_is_valued_at_the_price_it_fills_at(app, market, trader):
    app.config["RISK_MAX_ORDER_VALUE"] = D("1000.00")
    market.set("AAPL", "150.00")
    with pytest.raises(ServiceError, match=r"worth about \$1,200.00"):  # fills now, at 150
        _place(app, trader, kind="stop", stop=D("1.00"), quantity=8)
    assert _place(app, trader, quantity=6) == "filled"
    with pytest.raises(ServiceError, match=r"worth about \$1,050.00"):  # sells now, at 150
        _place(app, trader, side="sell", kind="limit", limit=D("100"), quantity=7)
    assert _place(app, trader, kind="limit", limit=D("200"), quantity=6) == "filled"  # $900
    assert _orders(app) == 2


def test_a_stray_price_on_a_market_order_is_a_400_naming_it(app, market, user_client):
    app.config["RISK_MAX_ORDER_VALUE"] = D("1000.00")
    market.set("AAPL", "150.00")
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 8}
    response = post_json(user_client, "/user/api/create_order", {**body, "price": "113.00"})
    assert response.status_code == 400 and response.json["field"] == "price"
    assert "market order takes no price" in response.json["error"]
    assert _orders(app) == 0


def test_open_orders_count_toward_the_daily_limit(app, market, trader):
    app.config["RISK_MAX_DAILY_VALUE"] = D("2000.00")
    market.set("AAPL", "150.00")
    assert _place(app, trader, kind="limit", limit=D("140"), quantity=10) == "pending"
    with pytest.raises(ServiceError, match=r"\(and \$1,400.00 in open orders\)") as exc:
        _place(app, trader, kind="limit", limit=D("140"), quantity=10)
    assert "needs more than the $600.00 left" in exc.value.message
    assert _place(app, trader, kind="limit", limit=D("140"), quantity=4) == "pending"  # $560
    assert _orders(app) == 2


def test_the_daily_traded_value_counts_buys_and_sells_and_resets_at_midnight(
    app, market, trader, frozen_time
):
    app.config["RISK_MAX_DAILY_VALUE"] = D("2000.00")
    market.set("AAPL", "150.00")
    assert _place(app, trader, quantity=10) == "filled"  # $1,500 traded
    with pytest.raises(ServiceError, match=r"traded \$1,500.00 today of \$2,000.00"):
        _place(app, trader, side="sell", quantity=4)  # $600 more would make $2,100
    assert _place(app, trader, side="sell", quantity=3) == "filled"  # $450: $1,950
    frozen_time(datetime(2026, 3, 3, 0, 0, 1))
    assert _place(app, trader, side="sell", quantity=7) == "filled"  # a new day


def test_two_orders_at_once_cannot_both_slip_under_the_daily_limit(app, market, trader):
    app.config["RISK_MAX_DAILY_VALUE"] = D("2000.00")
    market.set("AAPL", "150.00")
    spec = OrderSpec("AAPL", "buy", "market", quantity=8)  # $1,200 each
    results = run_together(
        app, [lambda: orders.place(db.session.get(User, trader), spec) for _ in range(4)]
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 3 and all("Daily trading limit" in r.message for r in refused)


def test_a_limit_price_outside_the_band_is_refused(app, market, trader):
    app.config["RISK_PRICE_BAND_PERCENT"] = D("10")
    market.set("AAPL", "150.00")
    _place(app, trader, quantity=10)
    for side, limit in (("buy", "170"), ("buy", "120"), ("sell", "130")):
        with pytest.raises(ServiceError, match=r"within 10% \(\$135.00 to \$165.00\)") as exc:
            _place(app, trader, side=side, kind="limit", limit=D(limit), quantity=1)
        assert exc.value.field == "price"
    assert _place(app, trader, kind="limit", limit=D("140"), quantity=1) == "pending"
    assert _place(app, trader, kind="stop", stop=D("200"), quantity=1) == "pending"


def test_the_api_answers_400_with_the_field_and_stores_nothing(app, market, user_client):
    app.config.update(RISK_PRICE_BAND_PERCENT=D("10"), RISK_MAX_ORDER_VALUE=D("100.00"))
    market.set("AAPL", "150.00")
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "limit", "quantity": 1}
    far = post_json(user_client, "/user/api/create_order", {**body, "price": "100.00"})
    assert far.status_code == 400
    assert far.json["success"] is False and far.json["field"] == "price"
    assert "from the market" in far.json["error"]
    big = post_json(user_client, "/user/api/create_order", {**body, "price": "150.00"})
    assert big.status_code == 400 and big.json["field"] == "quantity"
    assert _orders(app) == 0


def test_a_quote_commit_is_held_to_the_limits_too(app, market, trader):
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        held = holds.hold(user, "AAPL", "buy", 10, None)
        app.config["RISK_MAX_ORDER_VALUE"] = D("1000.00")
        with pytest.raises(ServiceError, match="at most"):
            holds.commit(user, held.hold_id)
    assert _orders(app) == 0
