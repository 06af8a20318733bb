"""A new user registers, asks for a deposit, an admin approves it, the balance shows."""

import pytest

from tests.conftest import ADMIN_PASSWORD, PASSWORD

pytestmark = pytest.mark.browser


def test_register_deposit_approve_balance(live_server, browser, page, screenshot, admin):
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Create an account").click()
    page.fill("#username", "carol")
    page.fill("#email", "carol@example.com")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    screenshot("1-register")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/user/account")

    page.fill("#deposit-amount", "2500.25")
    page.get_by_role("button", name="Request deposit").click()
    page.wait_for_selector("text=sent for approval")
    assert page.locator('#fund-history [data-status="pending"]').count() == 1
    assert page.inner_text('[data-balance="total"]') == "$0.00"
    screenshot("2-deposit-requested")

    admin_page = browser.new_context().new_page()
    admin_page.goto(f"{live_server}/auth/admin-login")
    admin_page.fill("#username", "root_admin")
    admin_page.fill("#password", ADMIN_PASSWORD)
    admin_page.get_by_role("button", name="Sign in").click()
    admin_page.wait_for_url("**/admin/dashboard")
    assert admin_page.inner_text("#fig-pending-deposits") == "1"
    admin_page.click("#fig-pending-deposits")
    admin_page.wait_for_url("**/admin/deposits**")
    admin_page.wait_for_load_state()  # the page's script decides in place, without a reload
    row = admin_page.locator("#fund-requests tbody tr", has_text="carol")
    row.get_by_role("button", name="Approve").click()  # a JSON call with X-CSRFToken
    row.locator('[data-status="approved"]').wait_for()
    screenshot("3-admin-approved", admin_page)

    page.reload()
    assert page.inner_text('[data-balance="available"]') == "$2,500.25"
    assert page.inner_text('[data-balance="total"]') == "$2,500.25"
    assert page.locator('#fund-history [data-status="approved"]').count() == 1
    screenshot("4-balance-shown")


def test_theme_switch_persists(live_server, page):
    page.goto(f"{live_server}/about")
    before = page.get_attribute("html", "data-bs-theme")
    page.click("#theme-toggle")
    after = page.get_attribute("html", "data-bs-theme")
    assert {before, after} == {"light", "dark"}
    page.reload()
    assert page.get_attribute("html", "data-bs-theme") == after
