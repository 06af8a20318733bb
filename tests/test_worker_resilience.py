"""The worker under a degraded market: an unknown ticker, a provider that is down,
a ticker Yahoo has nothing for."""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from extensions import db
from models import LatestQuote, MarketTicker, Order, User
from services import orders, universe
from services.orders import OrderSpec
from services.upsert import upsert
from tasks.tick import TickState, run_tick
from tasks.worker import LEASE_NAME, Worker
from utils.market_data import ProviderUnavailable

D = Decimal
T0 = datetime(2026, 3, 2, 14, 30, 0)


def test_one_unknown_ticker_in_the_universe_does_not_stop_every_other_price(app, frozen_time):
    """A ticker the provider cannot price (a typo, or one another provider knew) is not
    seeded, and one already in the universe does not stop the others' prices."""
    frozen_time(T0)
    with app.app_context():
        universe.seed_universe(["AAPL", "TSLA"])  # e.g. MARKET_UNIVERSE=AAPL,TSLA
        assert [t.ticker for t in universe.universe()] == ["AAPL"]
        upsert(MarketTicker, [{"ticker": "ZZZZ", "in_universe": True}], ["ticker"])
        db.session.commit()  # kept from a provider that knew it
        db.session.remove()
    worker = Worker(app, "proc-a")
    worker.step()
    with app.app_context():
        from services import lease

        status = lease.status(LEASE_NAME)
        priced = db.session.scalars(select(LatestQuote.ticker)).all()
    assert status.errors == 0, status.last_error
    assert "AAPL" in priced


def test_a_new_lease_holder_does_not_fill_at_a_stale_stored_price(
    app, market, trader, frozen_time, monkeypatch
):
    """Like orders.place, the worker never fills from a stale quote, even as a new holder
    (fresh TickState) that has not seen the stored price before."""
    frozen_time(T0)
    market.set("AAPL", "95.00")
    with app.app_context():
        universe.seed_universe(["AAPL"])
        run_tick(TickState())  # an earlier holder stored AAPL at 95
        db.session.remove()

    def down(_tickers):
        raise ProviderUnavailable("provider down")

    monkeypatch.setattr(market, "quotes", down)
    frozen_time(T0 + timedelta(hours=3))  # hours later, the provider still down
    with app.app_context():
        user = db.session.get(User, trader)
        order = orders.place(
            user, OrderSpec(ticker="AAPL", side="buy", kind="limit", limit=D("100"), quantity=5)
        )
        order_id = order.order_id
        assert order.order_status != "filled"  # placement refuses the stale price
        db.session.remove()
        done = run_tick(TickState())  # a new lease holder's first tick
        db.session.remove()
        status = db.session.get(Order, order_id).order_status
    assert done["fills"] == 0 and status != "filled", "filled at a 3-hour-old stale price"


def test_one_listed_ticker_yahoo_has_no_data_for_does_not_freeze_the_others(app, frozen_time):
    """With yfinance, a listed ticker Yahoo answers nothing for (KO here) is served
    from its stored quote, and the others' fresh prices are kept."""
    from tests.fixtures.market.fake_yf import Clock, FakeYF
    from utils.market_data.yahoo import YFinanceProvider

    clock = Clock()
    app.extensions["paperdesk_provider"] = YFinanceProvider(
        yf_module=FakeYF(("AAPL", "MSFT")), clock=clock, sleep=lambda s: None, cache_ttl=1
    )
    frozen_time(T0)
    with app.app_context():
        universe.seed_universe(["AAPL"])
        run_tick(TickState())
        first = db.session.get(LatestQuote, "AAPL").fetched_at
        universe.set_in_universe(None, "KO", True)  # an admin adds KO
        clock.advance(5)
        frozen_time(T0 + timedelta(seconds=5))
        run_tick(TickState())
        db.session.expire_all()
        row = db.session.get(LatestQuote, "AAPL")
    assert row.fetched_at > first and not row.stale, "AAPL frozen because KO has no data"
