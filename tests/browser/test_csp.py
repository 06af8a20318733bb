"""Every page works under PaperDesk's Content-Security-Policy: no script, style or
connection is blocked, and the pages' scripts run (the charts and tables fill in)."""

import pytest

from tests.browser.test_stock_page import sign_in
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

EXTRA = {"user.stock_chart": "?ticker=AAPL"}


def _pages(app, role: str) -> list[str]:
    """Every page of the URL map a signed-in ``role`` opens without arguments."""
    pages = []
    for rule in app.url_map.iter_rules():
        skip = rule.arguments or "GET" not in rule.methods or rule.endpoint == "static"
        download = rule.rule.endswith((".csv", "/download"))  # files, not pages
        if skip or download or "/api/" in rule.rule or "stream" in rule.rule:
            continue
        if rule.endpoint.startswith("admin." if role == "user" else "user."):
            continue
        pages.append(rule.rule + EXTRA.get(rule.endpoint, ""))
    return sorted(pages)


@pytest.fixture
def strict_page(browser):
    """A page with the policy enforced, recording every violation it reports."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


def _visit(page, base: str, paths: list[str]) -> None:
    for path in paths:
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")


def test_user_pages_run_under_the_policy(app, live_server, strict_page, make_user):
    make_user("alice")
    sign_in(strict_page, live_server)
    pages = _pages(app, "user")
    assert "/user/portfolio" in pages and "/admin/orders" not in pages
    _visit(strict_page, live_server, [p for p in pages if "logout" not in p])
    assert strict_page.violations == []
    strict_page.goto(f"{live_server}/user/stock_chart?ticker=AAPL")
    strict_page.wait_for_selector("#live-price[data-price]:not([data-price=''])", timeout=15000)


def test_admin_pages_run_under_the_policy(app, live_server, strict_page, admin):
    strict_page.goto(f"{live_server}/auth/admin-login")
    strict_page.fill("#username", "root_admin")
    strict_page.fill("#password", ADMIN_PASSWORD)
    strict_page.get_by_role("button", name="Sign in").click()
    strict_page.wait_for_url("**/admin/dashboard")
    pages = [p for p in _pages(app, "admin") if "logout" not in p]
    assert "/admin/orders" in pages
    _visit(strict_page, live_server, pages)
    assert strict_page.violations == []


def test_an_inline_script_would_be_reported(live_server, strict_page):
    """The check above can see a violation: an injected inline script is blocked."""
    strict_page.goto(f"{live_server}/about")
    strict_page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    strict_page.wait_for_timeout(200)
    assert strict_page.evaluate("() => window.ran") is None
    assert any("Content Security Policy" in v for v in strict_page.violations)
