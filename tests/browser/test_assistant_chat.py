"""The assistant in the browser: ask about the portfolio and watch the answer stream in,
follow a proposed order to the filled-in ticket, and "Explain this" from Monte Carlo."""

import pytest

from tests.assistant.conftest import make_holder
from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser

COUNT_UPDATES = """() => {
  window.__updates = 0;
  new MutationObserver((list) => { window.__updates += list.length; })
    .observe(document.getElementById('chat-log'),
             {subtree: true, characterData: true, childList: true});
}"""


def test_ask_about_the_portfolio_then_open_the_proposed_order(
    live_server, page, screenshot, client, trader, market
):
    make_holder(client, market)
    sign_in(page, live_server, "trader")
    page.goto(f"{live_server}/user/assistant")
    assert page.inner_text("#assistant-mode") == "Offline assistant"
    page.evaluate(COUNT_UPDATES)
    page.get_by_role("button", name="What is in my portfolio?").click()
    answer = page.locator(".chat-assistant").last
    answer.locator("table").wait_for()
    assert page.evaluate("window.__updates") > 5  # the text arrived in pieces, then the HTML
    row = answer.locator("tbody tr").first
    assert row.locator("td").all_inner_texts() == [
        "AAPL", "3", "$150.33", "$160.00", "$480.00", "+$29.00 (6.43 %)",
    ]  # fmt: skip
    assert "Offline assistant" in answer.locator(".chat-meta").first.inner_text()
    assert page.locator("#chat-list button").first.inner_text() == "What is in my portfolio?"
    screenshot("1-portfolio-answer")

    page.fill("#chat-input", "Buy 2 shares of Apple")
    page.click("#chat-send")
    card = page.locator(".chat-proposal").last
    card.wait_for()
    assert card.inner_text().startswith("Proposed: buy 2 AAPL (market)")
    screenshot("2-proposal")
    card.locator(".proposal-open").click()
    page.wait_for_url("**/user/stock_chart?ticker=AAPL&side=buy&quantity=2&kind=market")
    page.locator("#ticket-prefilled").wait_for()
    assert page.input_value("#ticket-quantity") == "2"
    assert page.get_attribute("#ticket-side-buy", "aria-pressed") == "true"
    assert page.input_value("#ticket-kind") == "market"
    screenshot("3-filled-ticket")

    page.goto(f"{live_server}/user/assistant")  # the conversation is kept
    page.locator("#chat-list button").first.click()
    page.locator(".chat-proposal").wait_for()
    assert page.locator(".chat-user").all_inner_texts() == [
        "What is in my portfolio?", "Buy 2 shares of Apple",
    ]  # fmt: skip
    page.click("#chat-clear")
    page.wait_for_function("document.querySelectorAll('#chat-list button').length === 0")
    assert page.locator(".chat-msg").count() == 0


def test_explain_this_sends_the_monte_carlo_figures(live_server, page, screenshot, make_user):
    make_user("alice")
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/monte-carlo?ticker=AAPL")
    page.locator("#mc-stats .card").first.wait_for()
    shown = page.locator("#mc-stats .card-body").nth(5).inner_text().split("\n")  # VaR card
    page.get_by_role("button", name="Explain this").click()
    page.wait_for_url("**/user/assistant")
    answer = page.locator(".chat-assistant").last
    answer.locator("ul").wait_for()
    assert page.locator(".chat-user").inner_text() == "Explain these Monte Carlo results."
    text = answer.inner_text()
    assert f"{shown[0]} = {shown[1]}" in text
    assert "the figures from the Monte Carlo page" in text
    assert "The loss from the start value that 95 % of simulated paths do not exceed." in text
    screenshot("explained")


def test_a_question_refused_by_the_rate_limit_goes_back_into_the_input(
    live_server, page, app, make_user
):
    make_user("alice")
    app.config.update(ASSISTANT_RATE_LIMIT=1, ASSISTANT_RATE_WINDOW=600)
    sign_in(page, live_server)
    page.goto(f"{live_server}/user/assistant")
    page.fill("#chat-input", "What is a limit order?")
    page.click("#chat-send")
    page.locator(".chat-assistant .chat-meta").last.wait_for()

    page.fill("#chat-input", "What is a stop order?")
    page.click("#chat-send")
    page.wait_for_function("document.getElementById('chat-error').textContent !== ''")
    assert page.input_value("#chat-input") == "What is a stop order?"
    assert page.locator(".chat-user").all_inner_texts() == ["What is a limit order?"]
    assert not page.is_disabled("#chat-send")
