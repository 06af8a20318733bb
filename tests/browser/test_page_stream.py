"""One Server-Sent Events stream per page: the page's live data and the bell share it,
pages without live data still get notifications, and two tabs of one person both
stream within the default slots."""

import time

import pytest

from config import Config
from extensions import db
from routes.market.slots import slots
from services import notifications
from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser

PAGES = {
    "/user/dashboard": ("notify=1", "account=1"),
    "/user/orders": ("notify=1", "account=1"),
    "/user/portfolio": ("notify=1", "account=1"),
    "/user/stock_chart?ticker=AAPL": ("notify=1", "tickers=AAPL"),
    "/user/rules": ("notify=1",),  # no live data of its own: the bell only
    "/user/notifications": ("notify=1",),
    "/user/alerts": ("notify=1",),
    "/user/assistant": ("notify=1",),  # an answer streams on its own only while it is asked
}


def _streams(page) -> list[str]:
    opened = []
    page.on("request", lambda r: opened.append(r.url) if r.resource_type == "eventsource" else None)
    return opened


def _opened(page) -> None:
    page.wait_for_function("document.documentElement.dataset.streamOpens === '1'")
    page.wait_for_timeout(1000)  # late scripts would have opened a second one by now


def test_every_page_opens_exactly_one_stream(live_server, page, market, trader):
    market.set("AAPL", "150.00")
    opened = _streams(page)
    sign_in(page, live_server, "trader")
    _opened(page)  # the dashboard, where signing in lands
    for path, parts in PAGES.items():
        before = len(opened)
        page.goto(f"{live_server}{path}")
        _opened(page)
        mine = opened[before:]
        assert len(mine) == 1, (path, mine)
        assert all(part in mine[0] for part in parts), (path, mine[0])
        assert "/stream/quotes?" in mine[0]


def _drained(owner: str) -> None:
    """Wait for streams of earlier tests to notice their closed pages and free their slots
    (the owner's all, and the process's enough to leave room for this test's two tabs)."""
    for _ in range(300):
        room = slots.open_streams() <= Config.STREAM_SLOTS - 2
        if room and slots.held_by(owner) == 0:
            return
        time.sleep(0.1)
    pytest.fail(f"{slots.open_streams()} streams of earlier tests still open")


def test_two_tabs_both_stream_and_show_a_notification_live(
    app, live_server, page, screenshot, market, trader
):
    market.set("AAPL", "150.00")
    owner = f"user:{trader}"
    _drained(owner)
    app.config.update(
        STREAM_SLOTS=Config.STREAM_SLOTS,
        STREAM_SLOTS_PER_USER=Config.STREAM_SLOTS_PER_USER,
        STREAM_MAX_SECONDS=30,
    )
    sign_in(page, live_server, "trader")
    other = page.context.new_page()  # the same person's second tab
    page.goto(f"{live_server}/user/orders")
    other.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    for tab in (page, other):
        _opened(tab)
    # one slot per tab, where the bell used to take a second (the dashboard that signing in
    # landed on frees its slot at the stream's next keep-alive)
    for _ in range(150):
        if slots.held_by(owner) <= 2:
            break
        time.sleep(0.1)
    assert slots.held_by(owner) == 2
    with app.app_context():
        notifications.add(trader, "rule", "Rule #7 on AAPL: buy 3 at market.")
        db.session.commit()
    for tab in (page, other):
        tab.locator(".bell-toast", has_text="Rule #7 on AAPL").wait_for(timeout=10_000)
        tab.wait_for_selector("#bell-count:not(.d-none)")
        assert tab.inner_text("#bell-count") == "1"
        assert tab.evaluate("document.documentElement.dataset.streamBusy") is None
    market.set("AAPL", "151.00")  # the stock page's quotes still arrive on the same stream
    other.wait_for_function(
        "document.getElementById('live-price').textContent.trim() === '$151.00'", timeout=15_000
    )
    screenshot("1-first-tab")
    screenshot("2-second-tab", other)
