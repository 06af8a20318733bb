"""Trading in the browser: buy through the ticket's quote-then-commit, see the position and
the allocation doughnut, place a resting limit order and cancel it on the orders page."""

import pytest

from tests.browser.test_stock_page import sign_in

pytestmark = pytest.mark.browser


def open_ticket(page, live_server):
    page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    page.wait_for_function("document.getElementById('ticket-holding').textContent !== ''")


def test_buy_through_the_ticket_then_see_and_cancel_orders(
    live_server, page, screenshot, market, trader, books_balance
):
    market.set("AAPL", "150.00")
    sign_in(page, live_server, "trader")
    open_ticket(page, live_server)
    assert page.inner_text("#ticket-holding") == "$10,000.00 available · 0 AAPL held"

    page.fill("#ticket-quantity", "3")
    page.click("#ticket-quote")
    page.locator("#ticket-held").wait_for(state="visible")
    assert page.inner_text("#ticket-held-price") == "$150.00"  # the scripted price, held
    assert page.inner_text("#ticket-estimate") == "$451.00"  # 3 x 150 + $1 commission
    assert page.inner_text("#ticket-confirm") == "Confirm buy at $150.00"
    assert 0 < int(page.inner_text("#ticket-countdown")) <= 60
    screenshot("1-quote-held")

    market.set("AAPL", "155.00")  # the market moves; the held price still stands
    page.click("#ticket-confirm")
    page.locator("#ticket-message .alert-success").wait_for()
    assert page.inner_text("#ticket-message").startswith("Buy 3 AAPL filled at $150.00.")
    assert page.locator("#ticket-held").is_hidden()
    page.wait_for_function(
        "document.getElementById('ticket-holding').textContent.includes('3 AAPL')"
    )
    assert page.inner_text("#ticket-holding") == "$9,549.00 available · 3 AAPL held"
    screenshot("2-filled")

    page.click("#ticket-portfolio-link")
    page.wait_for_url("**/user/portfolio")
    row = page.locator('#positions-table tr[data-ticker="AAPL"]')
    assert row.locator('[data-col="quantity"]').inner_text() == "3"
    assert row.locator('[data-col="average_price"]').inner_text() == "$150.33"  # 451 / 3
    assert row.locator('[data-col="market_value"]').inner_text() == "$465.00"
    page.wait_for_function("PaperDeskCharts.allocation.getDatasetMeta(0).data.length === 2")
    drawn = page.evaluate("PaperDeskCharts.allocation.data.datasets[0].data")
    assert drawn == [9549.0, 465.0]
    assert page.evaluate("PaperDeskCharts.allocation.data.labels") == ["Cash", "AAPL"]
    screenshot("3-portfolio")
    page.click("#theme-toggle")  # the legend follows the theme
    page.wait_for_function(
        "PaperDeskCharts.allocation.options.plugins.legend.labels.color !== 'rgb(33, 37, 41)'"
    )
    screenshot("3-portfolio-dark")
    page.click("#theme-toggle")

    open_ticket(page, live_server)
    page.select_option("#ticket-kind", "limit")
    assert page.locator("#ticket-quote").is_hidden()
    assert page.locator("#ticket-stop").is_hidden()
    page.fill("#ticket-quantity", "2")
    page.fill("#ticket-price", "120.00")
    page.select_option("#ticket-tif", "gtc")
    page.click("#ticket-place")
    page.locator("#ticket-message .alert-info").wait_for()
    message = page.inner_text("#ticket-message")
    assert message.startswith("Order #2 is working.")
    screenshot("4-limit-working")

    page.click("#ticket-orders-link")
    page.wait_for_url("**/user/orders")
    order = page.locator('#orders-table tr[data-order-id="2"]')
    order.locator('[data-status="pending"]').wait_for()
    assert "Limit · GTC" in order.inner_text()
    assert "$120.00" in order.inner_text()
    filled = page.locator('#orders-table tr[data-order-id="1"]')
    assert filled.locator('[data-status="filled"]').count() == 1
    assert "3 @ $150.00" in filled.inner_text()
    page.locator('#fills-table tr[data-transaction-id="1"]').wait_for()
    assert "$450.00" in page.inner_text("#fills-table")
    screenshot("5-orders")

    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    order.get_by_role("button", name="Cancel").click()  # asked first; saying no keeps it
    assert asked == ["Cancel order #2?"]
    assert order.locator('[data-status="pending"]').count() == 1
    page.once("dialog", lambda d: d.accept())
    order.get_by_role("button", name="Cancel").click()
    order.locator('[data-status="cancelled"]').wait_for()
    assert order.get_by_role("button", name="Cancel").count() == 0
    assert "Order #2 cancelled." in page.inner_text("#orders-message")
    screenshot("6-cancelled")

    page.select_option("#filter-status", "cancelled")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_function(
        "document.querySelectorAll('#orders-table tr[data-order-id]').length === 1"
    )
    assert page.get_attribute("#orders-csv", "href") == "/user/orders.csv?status=cancelled"
    assert "status=cancelled" in page.url

    page.goto(f"{live_server}/user/account")
    page.locator('#trade-history tr[data-transaction-id="1"]').wait_for()
    assert "AAPL" in page.inner_text("#trade-history")
    screenshot("7-account")


def test_an_expired_quote_cannot_be_confirmed(live_server, page, screenshot, app, market, trader):
    app.config["QUOTE_HOLD_SECONDS"] = 2
    market.set("AAPL", "150.00")
    sign_in(page, live_server, "trader")
    open_ticket(page, live_server)
    page.click("#ticket-size-dollars")
    page.fill("#ticket-amount", "1000")
    page.click("#ticket-quote")
    page.locator("#ticket-held").wait_for(state="visible")
    assert page.inner_text("#ticket-held-shares") == "6 (estimated)"  # 6 x 150 + 1 <= 1,000

    page.wait_for_function("document.getElementById('ticket-confirm').disabled", timeout=5000)
    assert "expired" in page.inner_text("#ticket-message")
    screenshot("quote-expired")
    page.click("#ticket-quote")  # a new quote can be confirmed again
    page.wait_for_function("!document.getElementById('ticket-confirm').disabled")


def test_ticket_fields_follow_the_order_type_and_errors_show_inline(
    live_server, page, screenshot, market, trader
):
    market.set("AAPL", "150.00")
    sign_in(page, live_server, "trader")
    open_ticket(page, live_server)

    page.select_option("#ticket-kind", "stop_limit")
    assert page.locator("#ticket-price").is_visible() and page.locator("#ticket-stop").is_visible()
    assert page.is_disabled("#ticket-size-dollars")
    assert page.evaluate("document.querySelector('#ticket-tif option[value=ioc]').disabled")
    page.select_option("#ticket-kind", "trailing_stop")
    assert page.locator("#ticket-trail").is_visible() and page.locator("#ticket-price").is_hidden()

    page.click("#ticket-side-sell")
    page.select_option("#ticket-kind", "market")
    page.fill("#ticket-quantity", "5")
    page.click("#ticket-quote")  # the trader holds no AAPL: refused at the quote
    page.locator("#ticket-message .alert-danger", has_text="free to sell").wait_for()
    assert "0 shares of AAPL free to sell" in page.inner_text("#ticket-message")
    assert page.locator("#ticket-held").is_hidden()

    page.click("#ticket-side-buy")
    page.select_option("#ticket-kind", "limit")
    page.fill("#ticket-quantity", "1")
    page.click("#ticket-place")  # no limit price
    page.locator("#ticket-message .alert-danger", has_text="limit price").wait_for()
    assert page.inner_text("#ticket-message") == "A limit order needs a limit price"
    assert "is-invalid" in page.get_attribute("#ticket-price", "class")
    page.click("#theme-toggle")
    screenshot("ticket-error-dark")

    page.fill("#ticket-price", "abc")  # a new value: the old message goes with the outline
    assert page.inner_text("#ticket-message") == ""
    assert "is-invalid" not in page.get_attribute("#ticket-price", "class")
    page.select_option("#ticket-kind", "market")
    page.click("#ticket-size-dollars")
    page.fill("#ticket-amount", "12,50")
    page.click("#ticket-quote")
    page.locator("#ticket-message .alert-danger", has_text="plain decimal").wait_for()
    page.click("#ticket-size-shares")  # switching back to shares clears the message too
    assert page.inner_text("#ticket-message") == ""


def test_empty_order_tables_say_whether_a_filter_emptied_them(live_server, page, trader):
    sign_in(page, live_server, "trader")
    empty = "#{} tbody td.text-body-secondary"
    for query, word in [("", "yet"), ("?ticker=MSFT", "match"), ("?status=open", "yet")]:
        page.goto(f"{live_server}/user/orders{query}")
        for table, what in (("fills-table", "trades"), ("orders-table", "orders")):
            cell = page.locator(empty.format(table), has_text=f"No {what} ")  # not "Loading…"
            cell.wait_for()
            assert cell.inner_text() == f"No {what} {word}."
    assert page.locator("#filter-status").input_value() == ""  # ?status=open is ignored...
    assert "Filter ignored: 'open' is not an order status." in page.inner_text("main")  # ...aloud
