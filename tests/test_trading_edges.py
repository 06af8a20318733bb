"""Edge cases found in review: each would have broken the books or answered wrongly."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from extensions import db
from models import Order, QuoteHold, User
from services import holds, matching
from services.errors import Conflict, ServiceError, Unavailable
from tasks.tick import TickState, run_tick
from tests.helpers import balances, count
from tests.test_trading import order_row, place, tick
from utils.market_data import ProviderUnavailable
from utils.trading import Costs, buy_cost, shares_for_amount

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def test_a_dollar_limit_buy_fills_in_one_piece_within_its_amount(app, market, trader):
    app.config.update(PARTIAL_FILLS=True, PARTIAL_FILL_SHARE=0.1)
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("100"), amount=D("1000.00"))
    tick(app, market, "50.00", volume=10)  # a budget of 1 share would split it
    filled = order_row(app, order.order_id)
    assert (filled.order_status, filled.filled_quantity) == ("filled", 19)  # 19 x 50 + 1
    assert balances(app, trader) == (D("9049.00"), D("0.00"), D("9049.00"))


def test_a_buy_stop_already_crossed_is_reserved_at_the_quote_and_refused_if_unaffordable(
    app, market, trader
):
    market.set("AAPL", "150.00")
    with pytest.raises(ServiceError, match="Insufficient funds"):
        place(app, trader, kind="stop", stop=D("1.00"), quantity=100)
    assert count(app, Order) == 0
    order = place(app, trader, kind="stop", stop=D("1.00"), quantity=10)
    assert order.order_status == "filled" and order.average_fill_price == D("150.0000")


@pytest.fixture
def provider_down(app, market, trader, monkeypatch):
    """AAPL's quote stored at 150, then the provider down: the stored quote is stale."""
    market.set("AAPL", "150.00")
    place(app, trader, quantity=1)

    def down(_tickers):
        raise ProviderUnavailable("down")

    monkeypatch.setattr(market, "quotes", down)


@pytest.mark.usefixtures("provider_down")
def test_a_stale_price_never_fills_a_resting_order(app, trader):
    order = place(app, trader, kind="limit", limit=D("200"), quantity=1)
    assert order.order_status == "pending"  # it would have crossed the stale 150
    with pytest.raises(Unavailable):
        place(app, trader, side="sell", kind="trailing_stop", trail_amount=D("5"), quantity=1)


@pytest.mark.usefixtures("provider_down")
def test_no_price_is_held_while_the_quote_is_stale(app, trader):
    with app.app_context():
        user = db.session.get(User, trader)
        with pytest.raises(Unavailable, match="No current price for AAPL"):
            holds.hold(user, "AAPL", "buy", 1, None)
    assert count(app, QuoteHold) == 0


def test_a_day_order_does_not_fill_after_the_close(app, market, trader, frozen_time):
    frozen_time(datetime(2026, 3, 2, 20, 59, 0))
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140"), quantity=2)
    frozen_time(datetime(2026, 3, 2, 21, 0, 5))
    market.set("AAPL", "130.00")
    with app.app_context():
        run_tick(TickState())
    assert order_row(app, order.order_id).order_status == "expired"
    with app.app_context():
        assert matching.on_price("AAPL", D("130.00")) == 0


def test_an_amount_too_large_for_one_order_is_a_400(app, market, trader):
    market.set("AAPL", "150.00")
    with pytest.raises(ServiceError, match="more shares than one order") as error:
        place(app, trader, kind="limit", limit=D("0.0001"), amount=D("9000.00"))
    assert error.value.field == "amount"


def test_a_trail_larger_than_the_price_is_refused(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=1)
    with pytest.raises(ServiceError, match="trail is larger than the price"):
        place(app, trader, side="sell", kind="trailing_stop", trail_amount=D("450"), quantity=1)


def test_committing_a_used_quote_after_expiry_is_a_conflict(app, market, trader, frozen_time):
    start = datetime(2026, 3, 2, 15, 0)
    frozen_time(start)
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        hold_id = holds.hold(user, "AAPL", "buy", 1, None).hold_id
        holds.commit(user, hold_id)
        frozen_time(start + timedelta(minutes=5))
        with pytest.raises(Conflict, match="already committed"):
            holds.commit(user, hold_id)
        assert db.session.get(QuoteHold, hold_id).status == "committed"


def test_a_failed_commit_leaves_the_quote_usable(app, market, trader, monkeypatch):
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        hold_id = holds.hold(user, "AAPL", "buy", 1, None).hold_id

        def broken(*_args, **_kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr("services.holds.place_locked", broken)
        with pytest.raises(RuntimeError):
            holds.commit(user, hold_id)
        assert db.session.get(QuoteHold, hold_id).status == "held"


def test_shares_for_amount_is_exact_and_fast_with_basis_points():
    costs = Costs(fixed=D("0"), bps=D("10"), minimum=D("1.00"))
    amount, price = D("1000000.00"), D("0.0001")
    shares = shares_for_amount(amount, price, costs, "buy")  # about 10^10 shares: no loop
    assert buy_cost(price, shares, costs) <= amount < buy_cost(price, shares + 1, costs)


def test_one_failing_order_does_not_stop_the_others(app, market, trader, monkeypatch):
    market.set("AAPL", "150.00")
    first = place(app, trader, kind="limit", limit=D("140"), quantity=1)
    second = place(app, trader, kind="limit", limit=D("140"), quantity=1)
    real_act = matching.act

    def flaky(account, position, order, *args, **kwargs):
        if order.order_id == first.order_id:
            raise RuntimeError("lock wait timeout")
        return real_act(account, position, order, *args, **kwargs)

    monkeypatch.setattr(matching, "act", flaky)
    assert tick(app, market, "139.00") == 1
    assert order_row(app, first.order_id).order_status == "pending"
    assert order_row(app, second.order_id).order_status == "filled"
