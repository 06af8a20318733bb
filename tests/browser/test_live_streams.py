"""Live views: the admin dashboard's activity charts move while the traffic generator
runs, and a notification appears on an open page when a resting order fills."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from extensions import db
from models import User
from services import orders
from services.orders import OrderSpec
from tasks.tick import TickState, run_tick
from tests.conftest import ADMIN_PASSWORD, PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, base, username, password, path="/auth/login"):
    page.goto(f"{base}{path}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_activity_charts_move_while_the_generator_runs(
    app, live_server, page, screenshot, admin, runner
):
    app.config["STREAM_MAX_SECONDS"] = 40
    _sign_in(page, live_server, "root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    page.wait_for_url("**/admin/dashboard")
    page.locator("#activity").wait_for()
    args = ["simulate", "traders", "--users", "4", "--rate", "15", "--seconds", "14"]
    done = {}
    generator = threading.Thread(
        target=lambda: done.update(result=runner.invoke(args=[*args, "--seed", "3"]))
    )
    generator.start()
    page.wait_for_selector("#activity[data-windows]", timeout=30_000)
    first = int(page.get_attribute("#activity", "data-windows"))
    screenshot("1-first-window")
    page.wait_for_function(
        f"Number(document.getElementById('activity').dataset.windows) > {first}", timeout=30_000
    )
    generator.join(timeout=60)
    assert done["result"].exit_code == 0, done["result"].output
    assert int(page.get_attribute("#activity", "data-orders")) > 0
    assert page.inner_text("#activity-tickers") != "\u2013"  # the placeholder dash
    users = page.inner_text("#activity-users")
    assert users.startswith("sim") and "#" not in users  # usernames, not ids
    screenshot("2-charts-moved")
    value = "Chart.getChart(document.getElementById('activity-value')).data.labels.length"
    assert page.evaluate(value) > 0
    # Six minutes on with no new windows: "last 5 min" no longer counts these trades.
    page.evaluate("(() => { const n = Date.now(); Date.now = () => n + 360000; })()")
    page.wait_for_function(f"{value} === 0", timeout=10_000)


def test_a_notification_appears_when_a_resting_order_fills(
    app, live_server, page, screenshot, trader, market, frozen_time
):
    app.config["STREAM_MAX_SECONDS"] = 30
    state, at = TickState(), datetime(2026, 3, 2, 14, 30, 0)

    def tick(price):
        nonlocal at
        at += timedelta(seconds=1)
        frozen_time(at)
        market.set("AAPL", price)
        with app.app_context():
            run_tick(state)
            db.session.remove()

    tick("100")  # the worker joins the event stream
    with app.app_context():
        user = db.session.get(User, trader)
        orders.place(user, OrderSpec("AAPL", "buy", "limit", quantity=4, limit=Decimal("95")))
        db.session.remove()
    _sign_in(page, live_server, "trader", PASSWORD)
    page.goto(f"{live_server}/user/orders")
    page.wait_for_timeout(1500)  # the bell's stream is open
    assert page.inner_text("#bell-count") == ""
    screenshot("1-order-resting")
    tick("94.50")  # fills the limit
    tick("94.50")  # the worker's consumer turns the fill into a notification
    toast = page.locator(".bell-toast", has_text="filled: 4 at $94.50")
    toast.wait_for(timeout=10_000)
    page.wait_for_selector("#bell-count:not(.d-none)")
    assert page.inner_text("#bell-count") == "1"
    screenshot("2-notified")
    page.click("#bell")
    page.wait_for_url("**/user/notifications")
    assert page.locator('#notifications [data-read="no"]').count() == 1
    screenshot("3-notifications-list")
