"""A rule's page backtests the rule on the stored daily bars: metrics, curves and trades."""

from pathlib import Path

import pytest

from extensions import db
from models import User
from services.rules import store
from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser

RULE = {
    "ticker": "KO",
    "window_seconds": 5,
    "buy_below_pct": "2",
    "sell_above_pct": "2",
    "amount": "2000",
    "max_position": 100,
    "max_trades_per_day": 5,
    "cooldown_seconds": 60,
}


def test_a_rule_page_runs_its_backtest(app, live_server, page, screenshot, make_user):
    user_id = make_user("alice")
    with app.app_context():
        rule_id = store.create(db.session.get(User, user_id), RULE).rule_id
        db.session.remove()
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/rules/{rule_id}")
    assert "last <strong>5</strong> closes" in page.inner_html("#rbt-mapping")
    page.fill("#rbt-start", "2020-01-01")
    page.click("#rbt-run")
    page.wait_for_selector("#rbt-results:not(.d-none)", timeout=60_000)
    assert page.locator("#rbt-metrics tbody tr").count() == 2
    rows = page.locator("#rbt-trades tbody tr[data-side]")
    assert rows.count() > 2
    assert page.evaluate("PaperDeskAnalysis.charts[0].data.datasets.length") == 2
    screenshot("rule-backtest")
    with page.expect_download() as download:
        page.click("#rbt-trades-csv")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "date,side,price,shares,commission,pnl,position,cash"
    total = len(lines) - 1
    assert total > 50, "a backtest long enough to have more trades than the table starts with"
    assert rows.count() == 50  # the first 50; the CSV has them all
    assert f"Show all {total} trades" == page.inner_text("#rbt-trades-all")
    page.click("#rbt-trades-all")
    assert rows.count() == total and page.locator("#rbt-trades-more").is_hidden()
    page.fill("#rbt-window", "1")
    page.click("#rbt-run")
    page.wait_for_selector(".job-error:not(.d-none)")
    assert "Average over (closes) must be a whole number from 2 to" in page.inner_text(".job-error")
