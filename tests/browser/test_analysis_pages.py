"""The analysis pages: risk analysis, Monte Carlo and backtest draw their charts, light and dark."""

import re

import pytest

from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser


def _dark(page):
    page.click("#theme-toggle")
    page.wait_for_function("document.documentElement.dataset.bsTheme === 'dark'")


def test_risk_analysis_page(live_server, page, screenshot, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/analysis")
    page.wait_for_selector(".metric-card", timeout=60000)
    assert page.locator(".metric-card").count() == 3
    assert "Equal-weight index" in page.inner_text("#analysis-benchmark")
    assert page.locator("#correlation-table td").count() == 9
    # percentages as on every other page: "13.50%", never "13.5 %"
    cells = page.locator(".metric-card tr").filter(has_text="Volatility").locator("td.text-end")
    assert re.fullmatch(r"\d[\d,]*\.\d\d%", cells.first.inner_text())
    assert re.search(r"risk-free rate -?\d+\.\d\d%$", page.inner_text("#analysis-benchmark"))
    screenshot("light")
    page.fill("#analysis-tickers", "AAPL,NOPE")
    page.click("#analysis-run")
    page.wait_for_selector(".job-error:not(.d-none)")
    assert "Unknown ticker 'NOPE'" in page.inner_text(".job-error")
    # the earlier run's cards (and their CSV and Explain buttons) are not left under the error
    assert page.locator("#analysis-results").is_hidden()
    assert page.locator("#analysis-csv").is_hidden()
    page.fill("#analysis-tickers", "NVDA,XOM")
    page.click("#analysis-run")
    page.wait_for_function("document.querySelectorAll('.metric-card').length === 2")
    _dark(page)
    screenshot("dark")


# The Seed box's room for text (its width less padding and the number spinner) and the
# width its placeholder needs in the box's font.
SEED_ROOM = """() => {
  const box = document.getElementById('mc-seed'), css = getComputedStyle(box);
  const context = document.createElement('canvas').getContext('2d');
  context.font = css.font;
  const padding = parseFloat(css.paddingLeft) + parseFloat(css.paddingRight);
  const room = box.clientWidth - padding - 20;  // 20: the spinner
  return [room, context.measureText(box.placeholder).width];
}"""


def test_monte_carlo_page(live_server, page, screenshot, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/monte-carlo?ticker=MSFT")
    page.wait_for_selector("#mc-results:not(.d-none)", timeout=30000)
    bands = page.evaluate("PaperDeskAnalysis.charts[0].data.datasets.length")
    assert bands == 6
    assert page.evaluate("PaperDeskAnalysis.charts[1].data.datasets[0].data.length") == 40
    assert "10,000 paths over 252 trading days" in page.inner_text("#mc-note")
    screenshot("light")
    page.set_viewport_size({"width": 1366, "height": 900})  # the Seed placeholder fits
    room, needed = page.evaluate(SEED_ROOM)
    assert needed <= room, (needed, room)
    tops = page.evaluate(
        "['mc-target', 'mc-seed', 'mc-run']"
        ".map(i => document.getElementById(i).getBoundingClientRect().top)"
    )
    assert tops[0] == tops[1] and abs(tops[2] - tops[1]) < 5, tops  # still one row
    page.fill("#mc-days", "900")
    page.click("#mc-run")
    page.wait_for_selector(".job-error:not(.d-none)")
    assert "Trading days must be a whole number from 1 to 756" in page.inner_text(".job-error")
    page.fill("#mc-days", "60")
    page.fill("#mc-seed", "5")
    page.click("#mc-run")
    page.wait_for_function("document.getElementById('mc-note').textContent.includes('seed 5')")
    _dark(page)
    screenshot("dark")


def test_monte_carlo_spinner_can_cancel(live_server, page, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/monte-carlo?ticker=AAPL")
    page.wait_for_selector("#mc-results:not(.d-none)", timeout=30000)
    page.route("**/user/api/monte-carlo/**", lambda route: None)  # never answers
    page.click("#mc-run")
    page.wait_for_selector(".job-spinner:not(.d-none)", timeout=5000)
    page.click(".job-cancel")
    page.wait_for_selector(".job-error:not(.d-none)")
    assert page.inner_text(".job-error") == "Cancelled."
    assert page.locator(".job-spinner.d-none").count() == 1


def test_backtest_page_with_csv(live_server, page, screenshot, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/backtest?ticker=AAPL")
    page.wait_for_selector("#bt-results:not(.d-none)", timeout=30000)
    assert page.locator("#bt-metrics tbody tr").count() == 2
    page.select_option("#bt-strategy", "dip_rise")
    page.click("#bt-run")
    page.wait_for_function(
        "document.querySelector('#bt-metrics tbody th').textContent.startsWith('Buy the dip')"
    )
    assert page.locator("#bt-trades tbody tr").count() > 3
    with page.expect_download() as info:
        page.click("#bt-trades-csv")
    assert info.value.suggested_filename == "backtest-AAPL-dip_rise-trades.csv"
    screenshot("light")
    _dark(page)
    screenshot("dark")
