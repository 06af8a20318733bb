"""The stock page: the daily candlestick chart draws, the live badge and 10 s candles move."""

import pytest

from extensions import db
from models import User
from tasks.worker import Worker
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def running_worker(app):
    worker = Worker(app)
    worker.start()
    yield worker
    worker.stop()


def sign_in(page, live_server, username="alice"):
    page.goto(f"{live_server}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/user/dashboard")


def test_chart_draws_and_live_badge_changes(
    app, live_server, page, screenshot, make_user, running_worker
):
    user_id = make_user("alice")
    with app.app_context():  # a zone half an hour off the browser's (UTC)
        db.session.get(User, user_id).time_zone = "Asia/Kolkata"
        db.session.commit()
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")

    page.wait_for_function(
        "PaperDeskCharts.daily.getDatasetMeta(0).data.length > 100", timeout=15000
    )
    # one evaluation reads both: a quote may grow today's bar between two of them
    drawn, bars = page.evaluate(
        "[PaperDeskCharts.volume.getDatasetMeta(0).data.length,"
        " PaperDeskCharts.daily.data.datasets[0].data.length]"
    )
    assert drawn == bars
    assert "simulated market" in page.inner_text("body")

    page.wait_for_function("document.getElementById('live-price').dataset.price !== ''")
    first = page.get_attribute("#live-price", "data-price")
    page.wait_for_function(
        f"document.getElementById('live-price').dataset.price !== '{first}'", timeout=15000
    )
    assert page.get_attribute("#live-price", "data-price") != first
    assert "source: sim" in page.inner_text("#live-source")
    page.wait_for_function("PaperDeskCharts.live.getDatasetMeta(0).data.length >= 1")
    assert page.evaluate("PaperDeskCharts.live.options.scales.x.display") is True
    # the axis labels are in the profile's zone, as the page's other times are
    label = page.evaluate("PaperDeskCharts.live.options.scales.x.ticks.callback(1796654650000)")
    assert label == "20:14:10"  # 14:44:10 UTC in Asia/Kolkata, whatever the browser runs in
    screenshot("stock-page")

    page.click('#periods [data-period="1mo"]')
    page.wait_for_function("PaperDeskCharts.daily.data.datasets[0].data.length < 30")


def test_search_and_watchlist(live_server, page, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.fill("#stock-search", "micro")
    page.get_by_role("link", name="MSFT · Microsoft").click()
    page.wait_for_url("**ticker=MSFT")
    page.click("#watch-toggle")
    page.wait_for_function("document.getElementById('watch-toggle').dataset.watched === 'true'")
    page.reload()
    assert page.locator('#watchlist [data-ticker="MSFT"]').count() == 1
    page.fill("#stock-search", "nvid")  # Enter opens the first match
    page.get_by_role("link", name="NVDA · Nvidia").wait_for()
    page.press("#stock-search", "Enter")
    page.wait_for_url("**ticker=NVDA")
