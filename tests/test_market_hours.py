"""Market hours: New York sessions, holidays and early closes (MARKET_HOURS=exchange), the
always-open practice market scaled to 24 hours, and what orders do when the market is shut.

Time is frozen and moved by the tests; no test waits for the clock.
"""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from extensions import db
from models import Order, User
from services import market_clock, orders
from services.errors import ServiceError
from services.orders import OrderSpec
from tasks.tick import TickState, run_tick
from tests.fixtures.market.fake_yf import Clock
from tests.helpers import balances
from tests.test_trading import position
from utils.market_data import SimProvider
from utils.market_data.bars import load_bars, series_stats
from utils.market_data.hours import MarketHours, is_trading_day
from utils.market_data.sim import DEFAULT_DATA_DIR

D = Decimal
WEDNESDAY = datetime(2026, 11, 25, 15, 0)  # 10:00 ET, the day before Thanksgiving
THANKSGIVING = date(2026, 11, 26)
BLACK_FRIDAY_OPEN = datetime(2026, 11, 27, 15, 0)  # 10:00 ET; the exchange closes at 13:00 ET
SATURDAY = datetime(2026, 11, 28, 12, 0)
MONDAY_OPEN = datetime(2026, 11, 30, 14, 30)  # 09:30 ET


def _exchange_sim(now, seed=5) -> SimProvider:
    return SimProvider(seed=seed, clock=Clock(now), hours=MarketHours("exchange"))


def _at(provider: SimProvider, ticker: str, now: datetime):
    provider._clock.now = now
    return provider.quotes([ticker])[ticker]


# --- the calendar -------------------------------------------------------------------


def test_exchange_sessions_skip_holidays_and_keep_early_closes():
    hours = MarketHours("exchange")

    assert not is_trading_day(THANKSGIVING) and not is_trading_day(date(2026, 12, 25))
    assert hours.is_open(WEDNESDAY) and not hours.is_open(WEDNESDAY.replace(day=26))
    friday = hours.current(BLACK_FRIDAY_OPEN)
    assert (friday.opens, friday.closes) == (
        datetime(2026, 11, 27, 14, 30),
        datetime(2026, 11, 27, 18, 0),  # 13:00 ET
    )
    assert hours.day_order_expiry(BLACK_FRIDAY_OPEN) == datetime(2026, 11, 27, 18, 0)
    assert hours.day_order_expiry(SATURDAY) == datetime(2026, 11, 30, 21, 0)
    assert hours.current(SATURDAY).opens == MONDAY_OPEN
    summer = hours.current(datetime(2026, 7, 2, 12, 0))
    assert summer.opens == datetime(2026, 7, 2, 13, 30)  # 09:30 EDT


def test_always_mode_never_closes_and_its_day_ends_at_the_cut_off():
    hours = MarketHours("always")

    for hour in range(0, 24 * 7, 5):
        assert hours.is_open(SATURDAY + timedelta(hours=hour))
    monday = hours.current(SATURDAY)
    assert (monday.day, monday.opens, monday.closes) == (
        date(2026, 11, 30),
        datetime(2026, 11, 27, 21, 0),
        datetime(2026, 11, 30, 21, 0),
    )
    # Thanksgiving trades too, as part of Friday's trading day
    assert hours.current(datetime(2026, 11, 26, 12, 0)).day == date(2026, 11, 27)


# --- the simulated market in exchange hours -----------------------------------------


def test_a_holiday_has_no_bar_and_no_price_moves():
    provider = _exchange_sim(datetime(2026, 11, 26, 14, 30))
    quotes = [
        _at(provider, "AAPL", datetime(2026, 11, 26, 0, 0) + timedelta(minutes=m))
        for m in range(0, 24 * 60, 37)
    ]
    history = provider.history("AAPL", "5d")
    wednesday_close = _at(provider, "AAPL", datetime(2026, 11, 25, 20, 59, 59))

    assert len({(q.price, q.high, q.low, q.volume, q.as_of) for q in quotes}) == 1
    assert quotes[0].as_of == datetime(2026, 11, 25, 21, 0)
    assert history[-1].date == date(2026, 11, 25) and quotes[0].price == history[-1].close
    assert abs(quotes[0].price - wednesday_close.price) <= quotes[0].price * D("0.01")
    provider._clock.now = MONDAY_OPEN
    days = [bar.date for bar in provider.history("AAPL", "1mo")]
    assert THANKSGIVING not in days and date(2026, 11, 27) in days
    assert all(day.weekday() < 5 for day in days)


def test_prices_move_only_in_the_session():
    provider = _exchange_sim(WEDNESDAY)
    inside = {_at(provider, "MSFT", WEDNESDAY + timedelta(minutes=m)).price for m in range(0, 60)}
    evening = datetime(2026, 11, 25, 21, 0)
    outside = {
        _at(provider, "MSFT", evening + timedelta(minutes=m)).price for m in range(0, 600, 7)
    }

    assert len(inside) > 30
    assert len(outside) == 1


def test_each_session_opens_at_the_previous_simulated_close():
    provider = _exchange_sim(MONDAY_OPEN)
    bars = provider.history("KO", "1mo")
    monday = _at(provider, "KO", MONDAY_OPEN)

    assert monday.open == monday.previous_close == bars[-1].close
    for earlier, later in itertools.pairwise(bars):
        assert later.open == earlier.close
    assert len({bar.close for bar in bars}) > len(bars) - 2  # not the same close each day


def test_the_close_of_a_session_is_the_next_days_bar():
    provider = _exchange_sim(WEDNESDAY)
    last_second = _at(provider, "JPM", datetime(2026, 11, 25, 20, 59, 59))
    at_close = _at(provider, "JPM", datetime(2026, 11, 25, 21, 0))  # the market has closed
    provider._clock.now = BLACK_FRIDAY_OPEN
    bar = provider.history("JPM", "5d")[-1]

    assert bar.date == date(2026, 11, 25)
    assert (at_close.price, at_close.open, at_close.volume) == (bar.close, bar.open, bar.volume)
    assert last_second.open == bar.open  # the walk that ran all day ends on that bar
    assert abs(last_second.price - bar.close) < bar.close * D("0.002")
    assert bar.volume * 0.999 < last_second.volume <= bar.volume


# --- the practice market's 24-hour scaling --------------------------------------------


@pytest.mark.parametrize("ticker", ["AAPL", "KO", "NFLX"])
def test_always_mode_days_trade_like_the_stocks_history(ticker):
    """A simulated 24-hour day's volume and range are those of a real day, not 3.7 days'."""
    bundled = load_bars(DEFAULT_DATA_DIR / f"{ticker}_data.csv")
    stats = series_stats(bundled)
    real_range = sum(float((b.high - b.low) / b.open) for b in bundled) / len(bundled)
    provider = SimProvider(seed=11, clock=Clock(datetime(2026, 3, 2)))  # always mode
    volumes, ranges = [], []
    day = datetime(2026, 3, 3, 20, 59, 59)  # the last second of Tuesday's 24-hour day
    while len(volumes) < 40:
        day += timedelta(days=1)
        if day.weekday() in (0, 5, 6):  # Monday's day runs from Friday: 72 hours
            continue
        quote = _at(provider, ticker, day)
        volumes.append(quote.volume / stats.average_volume)
        ranges.append(float((quote.high - quote.low) / quote.open))

    volume = sum(volumes) / len(volumes)
    day_range = sum(ranges) / len(ranges)
    assert 0.75 < volume < 1.35
    # A random walk's range is a little wider than real days' (no overnight gaps); scaled
    # for 6.5 hours over 24 it would be 1.9 times wider still.
    assert 0.7 < day_range / real_range < 1.7


# --- orders and the clock (exchange hours, scripted prices) ---------------------------


@pytest.fixture
def exchange(app, market, frozen_time):
    """MARKET_HOURS=exchange with the scripted market; returns the move-time function."""
    app.config["MARKET_HOURS"] = "exchange"
    app.extensions.pop("paperdesk_hours", None)
    return frozen_time


def _place(app, user_id, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    with app.app_context():
        return orders.place(db.session.get(User, user_id), spec).order_id


def _order(app, order_id) -> Order:
    with app.app_context():
        order = db.session.get(Order, order_id)
        db.session.expunge(order)
        return order


def _tick(app, state: TickState) -> dict:
    with app.app_context():
        done = run_tick(state)
        db.session.remove()
        return done


def _verify(app) -> list:
    from services.verify import verify

    with app.app_context():
        found = verify()
        db.session.remove()
        return found


@pytest.mark.usefixtures("books_balance")
def test_an_early_close_expires_day_orders_early(app, market, trader, exchange):
    exchange(BLACK_FRIDAY_OPEN)
    market.set("AAPL", "150.00")
    order_id = _place(app, trader, kind="limit", limit=D("120"), quantity=10)
    state = TickState()
    with app.app_context():
        from services import universe

        universe.seed_universe(["AAPL"])

    assert _order(app, order_id).expires_at == datetime(2026, 11, 27, 18, 0)
    exchange(datetime(2026, 11, 27, 17, 59, 59))
    _tick(app, state)
    assert _order(app, order_id).order_status == "pending"
    assert balances(app, trader)[1] == D("1201.00")  # 10 x $120 + $1 commission reserved
    exchange(datetime(2026, 11, 27, 18, 0, 1))  # 13:00:01 ET, hours before a normal close
    assert _tick(app, state)["expired"] == 1
    assert _order(app, order_id).order_status == "expired"
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))


@pytest.mark.usefixtures("books_balance")
def test_a_market_order_placed_while_closed_fills_at_the_open(app, market, trader, exchange):
    exchange(SATURDAY)
    market.set("AAPL", "150.00")
    with app.app_context():
        from services import universe

        universe.seed_universe(["AAPL"])
    order_id = _place(app, trader, quantity=10)
    waiting = _order(app, order_id)

    assert (waiting.order_status, waiting.filled_quantity, waiting.time_in_force) == (
        "pending",
        0,
        "day",
    )
    assert waiting.expires_at == datetime(2026, 11, 30, 21, 0)  # Monday's close
    assert "Mon 09:30 ET" in waiting.remark
    reserved = D("1576.00")  # 10 x $150 plus the 5% collar, and $1 commission
    assert balances(app, trader) == (D("10000.00") - reserved, reserved, D("10000.00"))
    assert _verify(app) == []  # a waiting order reserves like a resting one

    state = TickState()
    market.set("AAPL", "151.00")  # prices the worker sees on Sunday fill nothing
    exchange(datetime(2026, 11, 29, 18, 0))
    assert _tick(app, state)["fills"] == 0
    exchange(MONDAY_OPEN - timedelta(seconds=1))
    assert _tick(app, state)["fills"] == 0
    market.set("AAPL", "152.00")  # the first price of the session
    exchange(MONDAY_OPEN)
    assert _tick(app, state)["fills"] == 1

    filled = _order(app, order_id)
    assert (filled.order_status, filled.filled_quantity) == ("filled", 10)
    assert filled.average_fill_price == D("152.0000")  # the open (tests run without slippage)
    assert filled.remark is None and filled.reserved_cash == D("0.00")
    assert balances(app, trader) == (D("8479.00"), D("0.00"), D("8479.00"))


@pytest.mark.usefixtures("books_balance")
def test_a_price_fetched_before_the_open_does_not_fill_at_the_open(
    app, market, trader, exchange, monkeypatch
):
    exchange(SATURDAY)
    market.set("AAPL", "150.00")
    with app.app_context():
        from services import universe

        universe.seed_universe(["AAPL"])
    order_id = _place(app, trader, quantity=10)
    fetched_at = [MONDAY_OPEN - timedelta(seconds=1)]  # the tick spans the open
    real = market._quote
    monkeypatch.setattr(market, "_quote", lambda t, now: real(t, fetched_at[0]))
    exchange(MONDAY_OPEN)
    assert _tick(app, TickState())["fills"] == 0
    assert _order(app, order_id).order_status == "pending"
    fetched_at[0] = MONDAY_OPEN + timedelta(seconds=1)
    exchange(MONDAY_OPEN + timedelta(seconds=1))
    state = TickState()
    assert _tick(app, state)["fills"] == 1


@pytest.mark.usefixtures("books_balance")
def test_a_market_sell_placed_while_closed_holds_its_shares(app, market, trader, exchange):
    exchange(WEDNESDAY)
    market.set("AAPL", "100.00")
    _place(app, trader, quantity=20)  # filled at once: the market is open
    exchange(SATURDAY)
    sell_id = _place(app, trader, side="sell", quantity=15)

    with pytest.raises(ServiceError, match="5 shares of AAPL free"):
        _place(app, trader, side="sell", quantity=6)  # only 5 are free
    assert _verify(app) == []
    with app.app_context():
        orders.cancel(db.session.get(User, trader), sell_id)
    assert _order(app, sell_id).order_status == "cancelled"
    _place(app, trader, side="sell", quantity=20)  # all 20 free again, waiting for Monday


def test_no_resting_order_fills_while_the_market_is_closed(app, market, trader, exchange):
    exchange(SATURDAY)
    market.set("AAPL", "100.00")
    order_id = _place(app, trader, kind="limit", limit=D("120"), quantity=1)  # crosses now

    assert _order(app, order_id).order_status == "pending"
    assert _order(app, order_id).expires_at == datetime(2026, 11, 30, 21, 0)


def test_a_held_quote_is_refused_while_closed(app, market, trader, exchange):
    exchange(SATURDAY)
    market.set("AAPL", "100.00")
    from services import holds

    with app.app_context(), pytest.raises(ServiceError, match="market is closed"):
        holds.hold(db.session.get(User, trader), "AAPL", "buy", 1, None)


def test_day_change_starts_at_the_sessions_open(app, exchange):
    exchange(SATURDAY)
    with app.app_context():
        assert market_clock.session_start() == datetime(2026, 11, 27, 14, 30)
    exchange(MONDAY_OPEN + timedelta(hours=2))
    with app.app_context():
        assert market_clock.session_start() == MONDAY_OPEN


def test_always_mode_day_orders_expire_at_the_cut_off(app, market, trader, frozen_time):
    frozen_time(SATURDAY)
    app.config["SESSION_CLOSE_UTC"] = "22:30"
    app.extensions.pop("paperdesk_hours", None)
    market.set("AAPL", "100.00")
    order_id = _place(app, trader, kind="limit", limit=D("90"), quantity=1)
    market_id = _place(app, trader, quantity=1)

    assert _order(app, order_id).expires_at == datetime(2026, 11, 30, 22, 30)
    assert _order(app, market_id).order_status == "filled"  # the practice market is open


# --- the status line ------------------------------------------------------------------


def test_every_page_says_whether_the_market_is_open_and_when_it_opens(app, user_client, exchange):
    exchange(SATURDAY)
    user_pages = ["/user/dashboard", "/user/markets", "/user/orders", "/user/portfolio"]
    user_pages += ["/user/stock_chart?ticker=AAPL", "/user/account", "/user/profile"]
    visitor = app.test_client()
    for client, paths in ((visitor, ["/", "/about", "/auth/login"]), (user_client, user_pages)):
        client.set_cookie("tz", "Europe/Paris")
        for path in paths:
            response = client.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert page.count('class="market-status badge') == 1, path
            assert 'data-market-open="false"' in page and 'data-market-mode="exchange"' in page
            assert "opens Mon 09:30 ET" in page, path
            assert "2026-11-30 15:30 CET" in page, path  # the same moment in the viewer's zone


def test_the_status_line_names_the_practice_market(app, client, frozen_time):
    frozen_time(SATURDAY)
    page = client.get("/auth/login").get_data(as_text=True)

    assert 'data-market-open="true"' in page and 'data-market-mode="always"' in page
    assert "practice market, open 24 hours" in page


def test_an_unknown_market_hours_setting_is_named(app):
    app.config["MARKET_HOURS"] = "sometimes"
    app.extensions.pop("paperdesk_hours", None)
    with app.app_context(), pytest.raises(RuntimeError, match="MARKET_HOURS"):
        market_clock.mode()


def test_yfinance_defaults_to_exchange_hours(app):
    app.config["MARKET_DATA_PROVIDER"] = "yfinance"
    with app.app_context():
        assert market_clock.mode() == "exchange"
    app.config["MARKET_DATA_PROVIDER"] = "sim"
    with app.app_context():
        assert market_clock.mode() == "always"


def test_waiting_orders_are_listed_as_waiting(app, market, trader, exchange):
    exchange(SATURDAY)
    market.set("AAPL", "100.00")
    order_id = _place(app, trader, quantity=1)
    from utils.order_labels import describe

    assert describe(_order(app, order_id))["status"] == "Waiting for the open"


@pytest.mark.usefixtures("books_balance")
def test_cancel_against_the_opening_fill_has_one_outcome(app, market, trader, exchange):
    """The user cancels waiting market orders as the worker fills them at the open."""
    from services import matching
    from tests.test_races import run_together

    market.set("AAPL", "100.00")
    exchange(WEDNESDAY)
    _place(app, trader, quantity=20)  # shares to sell, bought in a session
    for _ in range(4):
        exchange(SATURDAY)
        buy_id = _place(app, trader, quantity=5)
        sell_id = _place(app, trader, side="sell", quantity=2)
        exchange(MONDAY_OPEN)
        results = run_together(
            app,
            [
                lambda o=buy_id: orders.cancel(_user(trader), o),
                lambda o=sell_id: orders.cancel(_user(trader), o),
                lambda: matching.on_price("AAPL", D("100.00")),
            ],
        )
        for index, (order_id, size) in enumerate(((buy_id, 5), (sell_id, 2))):
            order = _order(app, order_id)
            if order.order_status == "cancelled":
                assert order.filled_quantity == 0
            else:
                assert (order.order_status, order.filled_quantity) == ("filled", size)
                assert isinstance(results[index], ServiceError)
        assert _verify(app) == []
    assert balances(app, trader)[1] == D("0.00")  # nothing left reserved


def _user(user_id):
    return db.session.get(User, user_id)


def test_a_quote_names_the_trading_day_it_belongs_to(app, user_client, frozen_time):
    """The chart grows the bar of the quote's trading day, not of its calendar date."""
    app.config["MARKET_HOURS"] = "exchange"
    for built in ("paperdesk_hours", "paperdesk_provider"):
        app.extensions.pop(built, None)
    frozen_time(SATURDAY)
    closed = user_client.get("/api/price?ticker=AAPL").json
    app.config["MARKET_HOURS"] = "always"
    for built in ("paperdesk_hours", "paperdesk_provider"):
        app.extensions.pop(built, None)
    frozen_time(datetime(2026, 11, 30, 22, 0))  # Monday evening: Tuesday's practice day
    practice = user_client.get("/api/price?ticker=AAPL").json

    assert practice["trading_day"] == "2026-12-01"
    assert (closed["trading_day"], closed["last_updated"]) == ("2026-11-27", "2026-11-27T18:00:00Z")


def test_the_api_accepts_a_market_order_while_closed_and_says_it_waits(
    app, market, trader, exchange, client, auth
):
    from tests.helpers import post_json

    exchange(SATURDAY)
    market.set("AAPL", "100.00")
    auth.login("trader")
    body = {"ticker": "AAPL", "order_type": "buy", "quantity": 2}
    answer = post_json(client, "/user/api/create_order", body)

    assert answer.status_code == 200, answer.json
    assert answer.json["order"]["status"] == "pending"
    assert "Waits for the market to open (Mon 09:30 ET)" in answer.json["message"]
    page = client.get("/user/dashboard").get_data(as_text=True)
    assert "Waiting for the open" in page


def _dollar_sell_waiting_for_the_open(app, market, trader, exchange) -> int:
    """20 AAPL held, then on Saturday a $1,000 market sell: 10 shares reserved at $100."""
    exchange(WEDNESDAY)
    market.set("AAPL", "100.00")
    _place(app, trader, quantity=20)
    exchange(SATURDAY)
    sell_id = _place(app, trader, side="sell", amount=D("1000.00"))
    assert position(app, trader).reserved_quantity == 10
    with app.app_context():
        from services import universe

        universe.seed_universe(["AAPL"])
    return sell_id


@pytest.mark.usefixtures("books_balance")
def test_a_dollar_sell_opening_higher_frees_the_shares_it_no_longer_needs(
    app, market, trader, exchange
):
    sell_id = _dollar_sell_waiting_for_the_open(app, market, trader, exchange)
    market.set("AAPL", "200.00")
    exchange(MONDAY_OPEN)
    assert _tick(app, TickState())["fills"] == 1
    assert _order(app, sell_id).filled_quantity == 5  # $1,000 at $200
    held = position(app, trader)
    assert (held.quantity, held.reserved_quantity) == (15, 0)


@pytest.mark.usefixtures("books_balance")
def test_a_dollar_sell_opening_lower_sells_more_but_only_shares_that_are_free(
    app, market, trader, exchange
):
    sell_id = _dollar_sell_waiting_for_the_open(app, market, trader, exchange)
    other = _place(app, trader, side="sell", kind="limit", limit=D("300"), quantity=6)
    market.set("AAPL", "50.00")  # $1,000 would be 20 shares; 10 are reserved, 4 free
    exchange(MONDAY_OPEN)
    assert _tick(app, TickState())["fills"] == 1
    sold = _order(app, sell_id)
    assert (sold.order_status, sold.filled_quantity) == ("filled", 14)
    held = position(app, trader)
    assert (held.quantity, held.reserved_quantity) == (6, 6)  # the limit sell keeps its 6
    assert _order(app, other).order_status == "pending"


@pytest.mark.usefixtures("books_balance")
def test_a_dollar_buy_opening_lower_buys_no_more_than_one_order_may_hold(
    app, market, trader, exchange
):
    app.config["MAX_ORDER_QUANTITY"] = 12
    exchange(SATURDAY)
    market.set("AAPL", "150.00")
    buy_id = _place(app, trader, amount=D("1500.00"))  # 9 shares at $150 and the collar
    with app.app_context():
        from services import universe

        universe.seed_universe(["AAPL"])
    market.set("AAPL", "50.00")  # $1,500 would buy 29 shares at the open
    exchange(MONDAY_OPEN)
    assert _tick(app, TickState())["fills"] == 1
    bought = _order(app, buy_id)
    assert (bought.order_status, bought.order_quantity, bought.filled_quantity) == (
        "filled",
        12,
        12,
    )
    assert balances(app, trader)[1] == D("0.00")


@pytest.mark.usefixtures("books_balance")
def test_an_admin_cannot_execute_an_order_while_the_market_is_closed(
    app, market, trader, admin, exchange
):
    from models import Admin
    from services import admin_orders

    exchange(SATURDAY)
    market.set("AAPL", "150.00")
    order_id = _place(app, trader, quantity=10)  # waits for the open
    with app.app_context(), pytest.raises(ServiceError, match="market is closed until Mon"):
        admin_orders.execute(db.session.get(Admin, admin), order_id)
    assert _order(app, order_id).order_status == "pending"
    exchange(MONDAY_OPEN)
    with app.app_context():
        executed = admin_orders.execute(db.session.get(Admin, admin), order_id)
        assert (executed.order_status, executed.filled_quantity) == ("filled", 10)
