"""Live pages over the quote stream: the orders page shows a resting order fill, the
dashboard and portfolio follow prices and fills, the Watch button updates the watchlist
card at once, and the stock page's big price and today's bar follow the quotes."""

import itertools
from decimal import Decimal

import pytest

from extensions import db
from models import User
from services import market_clock, matching, orders
from services.orders import OrderSpec
from tests.browser.test_stock_page import sign_in
from utils.clock import utcnow

pytestmark = pytest.mark.browser


def _place(app, user_id, **fields):
    with app.app_context():
        spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
        order_id = orders.place(db.session.get(User, user_id), spec).order_id
        db.session.remove()
    return order_id


def _tick(app, market, price: str) -> None:
    """The market moves: the scripted price changes and the worker's matching runs."""
    market.set("AAPL", price)
    with app.app_context():
        matching.on_price("AAPL", Decimal(price))
        db.session.remove()


def test_orders_page_shows_a_resting_order_fill(app, live_server, page, market, trader):
    market.set("AAPL", "150.00")
    waiting = _place(app, trader, kind="limit", limit=Decimal("140.00"), quantity=5,
                     time_in_force="gtc")  # fmt: skip
    sign_in(page, live_server, "trader")
    with page.expect_response(lambda r: "/stream/quotes" in r.url):
        page.goto(f"{live_server}/user/orders")
    row = page.locator(f'#orders-table tr[data-order-id="{waiting}"]')
    row.locator('[data-status="pending"]').wait_for()
    page.wait_for_timeout(1500)  # the stream has taken its first look at the account

    _tick(app, market, "139.00")  # crosses the limit while the page is open

    row.locator('[data-status="filled"]').wait_for(timeout=15000)
    assert "5 @ $139.00" in row.inner_text()
    page.locator(
        "#fills-table tr[data-order-id], #fills-table tr[data-transaction-id]"
    ).first.wait_for()
    assert "$139.00" in page.inner_text("#fills-table")


def test_dashboard_follows_prices_and_fills(app, live_server, page, market, trader):
    market.set("AAPL", "150.00")
    _place(app, trader, quantity=10)
    waiting = _place(app, trader, kind="limit", limit=Decimal("140.00"), quantity=2,
                     time_in_force="gtc")  # fmt: skip
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/dashboard")
    assert page.locator(f'#desk-orders tr[data-order-id="{waiting}"]').count() == 1
    assert (
        page.inner_text('#desk-positions tr[data-ticker="AAPL"] [data-col="day_change"]') == "$0.00"
    )

    market.set("AAPL", "160.00")
    cell = '#desk-positions tr[data-ticker="AAPL"] [data-col="day_change"]'
    page.wait_for_function(
        f"document.querySelector('{cell}').textContent.trim() === '+$100.00'", timeout=15000
    )
    assert page.inner_text("#desk-todays-pnl") == "+$100.00"

    _tick(app, market, "139.00")  # the resting buy fills
    page.locator(f'#desk-orders tr[data-order-id="{waiting}"]').wait_for(
        state="detached", timeout=15000
    )
    page.wait_for_function(
        'document.querySelector(\'#desk-positions tr[data-ticker="AAPL"] [data-col="quantity"]\')'
        ".textContent.trim() === '12'",
        timeout=15000,
    )
    assert "2 shares AAPL at $139.00" in page.inner_text("#desk-fills")


def test_portfolio_follows_the_price(app, live_server, page, market, trader):
    market.set("AAPL", "150.00")
    _place(app, trader, quantity=10)
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/portfolio")
    value = '#positions-table tr[data-ticker="AAPL"] [data-col="market_value"]'
    assert page.inner_text(value) == "$1,500.00"
    market.set("AAPL", "155.00")
    page.wait_for_function(
        f"document.querySelector('{value}').textContent.trim() === '$1,550.00'", timeout=15000
    )
    assert page.inner_text("#summary-total-value") == "$10,049.00"  # 8,499 cash + 1,550
    page.wait_for_function("PaperDeskCharts.allocation.data.datasets[0].data[1] === 1550")


def test_the_live_chart_has_no_time_axis_before_its_first_candle(live_server, page, market, trader):
    market.set("MSFT", "310.00")
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=MSFT")
    page.wait_for_function("document.getElementById('live-price').dataset.price !== ''")
    assert page.evaluate("PaperDeskCharts.live.data.datasets[0].data.length") == 0
    assert page.evaluate("PaperDeskCharts.live.options.scales.x.display") is False
    assert "Waiting for the market" in page.inner_text("#live-note")


def test_watch_button_updates_the_watchlist_card_at_once(live_server, page, market, trader):
    market.set("MSFT", "310.00")
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=MSFT")
    assert page.locator("#watchlist-empty").count() == 1
    page.click("#watch-toggle")
    page.locator('#watchlist [data-ticker="MSFT"]').wait_for()
    assert page.locator("#watchlist-empty").count() == 0
    page.click("#watch-toggle")
    page.locator("#watchlist-empty").wait_for()
    assert page.locator('#watchlist [data-ticker="MSFT"]').count() == 0


def test_big_price_takes_the_days_colour_and_todays_bar_grows(
    app, live_server, page, market, trader
):
    market.set("AAPL", "95.00")  # the scripted close is $100: down on the day
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.wait_for_function("document.getElementById('live-price').dataset.price !== ''")
    assert page.get_attribute("#live-price", "class").split()[-1] == "down"
    assert page.inner_text("#live-price") == "$95.00"
    assert page.inner_text("#live-change") == "-$5.00 (-5.00%)"
    page.wait_for_function("PaperDeskCharts.daily.data.datasets[0].data.length > 20")
    with app.app_context():  # the quote's trading day: after the cut-off, the next one
        day = market_clock.trading_day(utcnow()).isoformat()
    today = f"Date.parse('{day}')"
    page.wait_for_function(
        f"PaperDeskCharts.daily.data.datasets[0].data.slice(-1)[0].x === {today}", timeout=15000
    )
    market.set("AAPL", "104.00")
    page.wait_for_function(
        "PaperDeskCharts.daily.data.datasets[0].data.slice(-1)[0].c === 104", timeout=15000
    )
    assert page.get_attribute("#live-price", "class").split()[-1] == "up"
    bars = page.evaluate("PaperDeskCharts.volume.data.datasets[0].data.length")
    assert bars == page.evaluate("PaperDeskCharts.daily.data.datasets[0].data.length")
    axis = page.evaluate(
        "[PaperDeskCharts.daily.scales.y.width, PaperDeskCharts.volume.scales.y.width]"
    )
    assert axis[0] == axis[1]  # the volume bars line up under their candles


def test_daily_axis_labels_every_month(live_server, page, market, trader):
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.wait_for_function("PaperDeskCharts.daily.data.datasets[0].data.length > 100")
    labels = page.evaluate("PaperDeskCharts.daily.scales.x.ticks.map(t => t.label)")
    months = [label for label in labels if label]
    assert len(months) >= 6 and len(set(months)) == len(months)  # 6 months, each labelled once
    assert all(len(m.split()) == 2 for m in months)  # one format: "Jan 2026"
    page.click('#periods [data-period="5y"]')
    page.wait_for_function("PaperDeskCharts.daily.data.datasets[0].data.length > 1000")
    years = [
        t for t in page.evaluate("PaperDeskCharts.daily.scales.x.ticks.map(t => t.label)") if t
    ]
    assert len(years) >= 5 and all(y.isdigit() for y in years)


# The labelled ticks of the daily chart's x axis: their text, their x in pixels and the
# width their text takes in the axis's font.
_MONTH_LABELS = """() => {
  const s = PaperDeskCharts.daily.scales.x, ctx = document.createElement("canvas").getContext("2d");
  ctx.font = Chart.helpers.toFont(s.options.ticks.font).string;
  return s.ticks.map((t, i) => [t.label, s.getPixelForTick(i)]).filter(([l]) => l)
    .map(([l, x]) => [l, x, ctx.measureText(l).width]);
}"""


def test_month_labels_do_not_run_into_each_other_on_a_phone(
    live_server, page, market, trader, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    for period, bars in (("6mo", 100), ("1y", 200), ("2y", 400)):
        page.click(f'#periods [data-period="{period}"]')
        page.wait_for_function(f"PaperDeskCharts.daily.data.datasets[0].data.length > {bars}")
        page.wait_for_timeout(300)  # the axis laid out for the period's bars
        labels = page.evaluate(_MONTH_LABELS)
        assert len(labels) >= 2, (period, labels)
        assert len({label for label, _, _ in labels}) == len(labels)  # none twice
        for (left, x1, w1), (right, x2, w2) in itertools.pairwise(labels):
            assert x2 - x1 > (w1 + w2) / 2, (period, left, right)  # centred: no overlap
    screenshot("2y")


def test_on_a_phone_the_stock_page_leads_straight_to_the_ticket(live_server, page, market, trader):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    jump = page.locator("#jump-to-ticket")
    assert jump.is_visible() and jump.bounding_box()["y"] < 844  # on the first screen
    assert page.locator("#ticket").bounding_box()["y"] > 844  # the ticket is far below
    jump.click()
    page.wait_for_function("document.getElementById('ticket').getBoundingClientRect().top < 400")
    page.set_viewport_size({"width": 1366, "height": 900})  # beside the chart: no link
    assert jump.is_hidden()


def test_orders_page_says_an_administrator_decided(app, live_server, page, market, trader, admin):
    from models import Admin
    from services import admin_orders

    market.set("AAPL", "150.00")
    rejected = _place(app, trader, kind="limit", limit=Decimal("140.00"), quantity=1,
                      time_in_force="gtc")  # fmt: skip
    executed = _place(app, trader, kind="limit", limit=Decimal("140.00"), quantity=1,
                      time_in_force="gtc")  # fmt: skip
    with app.app_context():
        admin_orders.reject(db.session.get(Admin, admin), rejected, "Outside policy")
        admin_orders.execute(db.session.get(Admin, admin), executed)
        db.session.remove()
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/orders")
    row = page.locator(f'#orders-table tr[data-order-id="{rejected}"]')
    row.locator('[data-status="rejected"]').wait_for()
    assert "Rejected by an administrator: Outside policy" in row.inner_text()
    done = page.locator(f'#orders-table tr[data-order-id="{executed}"]')
    assert "Executed by an administrator at $150.00." in done.inner_text()
