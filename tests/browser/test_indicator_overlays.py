"""Indicators on the stock page: overlays and panels switch on and off and are remembered."""

import pytest

from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser


def test_overlays_and_panels_are_remembered_per_user(live_server, page, screenshot, make_user):
    make_user("alice")
    make_user("bob")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.wait_for_function("PaperDeskCharts.daily.getDatasetMeta(0).data.length > 100")
    page.wait_for_selector("#indicator-panel[data-ready=true]", state="attached")
    assert page.is_checked("#ind-volume")
    page.click("label[for=ind-sma]")
    page.click("label[for=ind-bbands]")
    page.click("label[for=ind-rsi]")
    page.click("label[for=ind-macd]")
    page.wait_for_function("PaperDeskCharts.daily.data.datasets.length === 5")
    page.wait_for_function("PaperDeskCharts.indicators.macd && PaperDeskCharts.indicators.rsi")
    labels = page.evaluate("PaperDeskCharts.daily.data.datasets.map(d => d.label)")
    assert labels[1:] == [
        "SMA 20",
        "Bollinger upper 20/2\u03c3",
        "Bollinger middle 20",
        "Bollinger lower 20/2\u03c3",
    ]
    panel = "PaperDeskCharts.indicators.{}.data.datasets.map(d => d.label)"
    assert page.evaluate(panel.format("macd")) == ["MACD 12/26", "MACD signal 9", "MACD histogram"]
    assert page.evaluate(panel.format("rsi")) == ["RSI 14"]
    first_sma = page.evaluate("PaperDeskCharts.daily.data.datasets[1].data.find(p => p.y !== null)")
    assert first_sma is not None
    page.click("label[for=ind-volume]")
    page.wait_for_selector("#volume-chart", state="hidden")
    screenshot("light")
    page.click("#theme-toggle")
    screenshot("dark")

    page.wait_for_selector("#indicator-panel[data-saved=true]", state="attached")
    page.reload()
    page.wait_for_selector("#indicator-panel[data-ready=true]", state="attached")
    page.wait_for_function("PaperDeskCharts.daily.data.datasets.length === 5")
    assert page.is_checked("#ind-sma") and page.is_checked("#ind-rsi")
    assert not page.is_checked("#ind-volume") and not page.is_checked("#ind-ema")

    other = page.context.browser.new_context(bypass_csp=True)  # see the page fixture
    bob = other.new_page()
    sign_in(bob, live_server, "bob")
    bob.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    bob.wait_for_function("PaperDeskCharts.daily.getDatasetMeta(0).data.length > 100")
    bob.wait_for_selector("#indicator-panel[data-ready=true]", state="attached")
    assert bob.is_checked("#ind-volume") and not bob.is_checked("#ind-sma")
    assert bob.evaluate("PaperDeskCharts.daily.data.datasets.length") == 1
    other.close()


def test_a_bad_parameter_is_named_as_the_panel_names_it(live_server, page, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.wait_for_selector("#indicator-panel[data-ready=true]", state="attached")
    page.click("label[for=ind-rsi]")
    page.wait_for_selector("#indicator-panel[data-saved=true]", state="attached")  # RSI on
    page.fill("#ind-rsi_period", "0")
    page.dispatch_event("#ind-rsi_period", "change")
    page.wait_for_selector("#indicator-panel[data-saved=true]", state="attached")
    expected = "RSI days must be a whole number from 2 to 100."
    page.wait_for_function(
        f"document.getElementById('indicator-error').textContent === {expected!r}"
    )
    assert "is-invalid" in page.get_attribute("#ind-rsi_period", "class")
    page.fill("#ind-rsi_period", "14")
    page.dispatch_event("#ind-rsi_period", "change")
    page.wait_for_function("document.getElementById('indicator-error').textContent === ''")
    assert "is-invalid" not in page.get_attribute("#ind-rsi_period", "class")
