"""Every page fits a 1366 px desktop and a 390 px phone without sideways scrolling, in
light and dark, with a 64-character username, long tables and the navigation marking
the page you are on. Screenshots: tests/artifacts/test_page_width-*.png."""

from decimal import Decimal

import pytest

from extensions import db
from models import User
from services import accounts, funds, orders, tokens, universe
from services.alerts import store as alerts_store
from services.orders import OrderSpec
from services.rules import store as rules_store
from tests.conftest import ADMIN_PASSWORD, PASSWORD

pytestmark = pytest.mark.browser

LONG_NAME = "w" * 19 + "-a-very-long-username-that-fills-the-bar-" + "z" * 4  # 64 characters
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
RULE = {"ticker": "AAPL", "window_seconds": 300, "buy_below_pct": "2.5", "sell_above_pct": "3",
        "amount": "25000", "max_trades_per_day": 100, "cooldown_seconds": 3600}  # fmt: skip

USER_PAGES = {
    "dashboard": ("/user/dashboard", "Dashboard"),
    "markets": ("/user/markets", "Markets"),
    "stock": ("/user/stock_chart?ticker=AAPL", "Markets"),
    "portfolio": ("/user/portfolio", "Portfolio"),
    "orders": ("/user/orders", "Orders"),
    "account": ("/user/account", "Account"),
    "profile": ("/user/profile", None),
    "rules": ("/user/rules", None),
    "rule": ("/user/rules/1", None),
    "alerts": ("/user/alerts", None),
    "notifications": ("/user/notifications", None),
    "day-trading-summary": ("/user/dts", "Automate"),
    "not-found": ("/user/no-such-page", None),
}
ADMIN_PAGES = {
    "admin-dashboard": ("/admin/dashboard", "Dashboard"),
    "admin-funds": ("/admin/fund-transactions", "Fund requests"),
    "admin-deposits": ("/admin/deposits", "Fund requests"),
    "admin-withdrawals": ("/admin/withdrawals", "Fund requests"),
    "admin-orders": ("/admin/orders", "Orders"),
    "admin-users": ("/admin/users", "Users"),
    "admin-user": ("/admin/users/1", "Users"),
    "admin-data": ("/admin/data", "Market data"),
    "admin-audit": ("/admin/audit", "Audit log"),
    "admin-account": ("/admin/account", None),
}
PUBLIC_PAGES = {
    "home": ("/", None),
    "about": ("/about", None),
    "login": ("/auth/login", None),
    "register": ("/auth/register", None),
    "admin-login": ("/auth/admin-login", None),
}

# At desktop width a table fits its card: nothing (a Cancel button) hides behind a scrollbar.
TABLES = """() => [...document.querySelectorAll('.table-responsive')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.querySelector('table') || e).id || e.className)"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !e.closest('.table-responsive, .visually-hidden');
  }).slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide};
}"""


@pytest.fixture
def busy_account(app, market):
    """A user with a 64-character name, positions, open orders, trades, tokens, a
    watchlist and fund requests, and an admin who decided some of them."""
    assert len(LONG_NAME) == 64
    with app.app_context():
        user = accounts.register_user(LONG_NAME, "long@example.com", PASSWORD)
        admin = accounts.create_admin("root_admin", ADMIN_PASSWORD)
        request = funds.request_deposit(user, "900000.00")
        funds.approve(admin, request.transaction_id)
        funds.request_deposit(user, "1234.56")
        for ticker in ("AAPL", "MSFT", "NVDA", "JPM"):
            market.set(ticker, "123.4567")
            orders.place(user, OrderSpec(ticker=ticker, side="buy", kind="market", quantity=1200))
            universe.watch(user, ticker)
        for kind, extra in [
            ("limit", {"limit": Decimal("99.99")}),
            ("stop_limit", {"stop": Decimal("150.00"), "limit": Decimal("151.25")}),
            ("trailing_stop", {"trail_percent": Decimal("3")}),
        ]:
            spec = OrderSpec(
                ticker="AAPL",
                side="sell" if kind == "trailing_stop" else "buy",
                kind=kind,
                quantity=10,
                time_in_force="gtc",
                **extra,
            )
            orders.place(user, spec)
        tokens.create_token(
            db.session.get(User, user.user_id), "a-token-with-a-long-name-" + "x" * 39
        )
        owner = db.session.get(User, user.user_id)
        rules_store.create(owner, {**RULE, "max_position": 1_000_000, "ends_at": "2026-12-31"})
        alerts_store.create(owner, {"ticker": "NVDA", "kind": "move_down", "threshold": "12.5"})
        db.session.remove()


def _sign_in(page, base, path, username, password):
    page.goto(base + path)
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _check(page, base, name, path, nav, size, screenshot):
    response = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    assert response.status < 500, (path, response.status)
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.setAttribute('data-bs-theme', '{theme}')")
        screenshot(f"{size}-{name}-{theme}")
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= measured["width"], (name, size, theme, measured)
        if size == "desktop":
            assert page.evaluate(TABLES) == [], (name, "a table is wider than its card")
    if nav:
        current = page.locator('#nav a.nav-link[aria-current="page"]')
        assert current.count() == 1, (name, "no current page in the navigation")
        assert current.inner_text().strip() == nav


# The action buttons of a sideways-scrolling table, each as {left, right, sticky}.
ACTION_BUTTONS = """sel => [...document.querySelectorAll(sel)].map(b => {
  const r = b.getBoundingClientRect();
  const cell = b.closest('td');
  return {left: r.left, right: r.right, sticky: getComputedStyle(cell).position === 'sticky'};
})"""
ACTIONS = {
    "user": [
        ("/user/orders", "#orders-table .js-cancel"),
        ("/user/dashboard", "#desk-orders .js-cancel"),
    ],
    "admin": [("/admin/fund-transactions", "#fund-requests .js-decide button")],
}


@pytest.mark.parametrize("size", SIZES)
def test_table_actions_are_in_sight(browser, live_server, busy_account, size, request):
    """On a phone, Cancel / Approve / Reject stay at the table's right edge, in view;
    on a desktop the table fits and its action column is not pinned."""
    from tests.browser.conftest import ARTIFACTS

    width, height = SIZES[size]
    for role, pages in ACTIONS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        if role == "user":
            _sign_in(page, live_server, "/auth/login", LONG_NAME, PASSWORD)
        else:
            _sign_in(page, live_server, "/auth/admin-login", "root_admin", ADMIN_PASSWORD)
        for path, selector in pages:
            page.goto(live_server + path)
            page.wait_for_selector(selector)
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=str(ARTIFACTS / f"test_table_actions-{size}-{name}.png"))
            buttons = page.evaluate(ACTION_BUTTONS, selector)
            assert buttons, (path, "no action buttons")
            for button in buttons:
                assert button["left"] >= 0 and button["right"] <= width, (path, size, button)
                assert button["sticky"] == (size == "phone"), (path, size, button)
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_screen(browser, live_server, busy_account, size, request):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)

    def shot(step):
        page.screenshot(path=str(ARTIFACTS / f"test_page_width-{step}.png"), full_page=True)

    width, height = SIZES[size]
    for role, pages in [("public", PUBLIC_PAGES), ("user", USER_PAGES), ("admin", ADMIN_PAGES)]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        if role == "user":
            _sign_in(page, live_server, "/auth/login", LONG_NAME, PASSWORD)
        elif role == "admin":
            _sign_in(page, live_server, "/auth/admin-login", "root_admin", ADMIN_PASSWORD)
        for name, (path, nav) in pages.items():
            _check(page, live_server, name, path, nav, size, shot)
        if role == "user":
            title = page.locator("#nav .nav-user").first
            collapsed = page.locator(".navbar-toggler").is_visible()  # a phone's folded menu
            assert title.evaluate("e => e.scrollWidth > e.clientWidth") or collapsed
        context.close()
