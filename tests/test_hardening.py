"""Security headers, the production configuration, safe CSV, request limits and
malformed JSON."""

import csv
import io
from decimal import Decimal

import pytest

from app import create_app
from config import ProductionConfig, TestConfig
from extensions import db
from models import Admin, TwoFactor, User
from services import admin_orders, orders
from tests.helpers import post_json
from utils.csv_export import safe_cell

PAGES = ["/", "/about", "/auth/login", "/user/dashboard", "/no-such-page", "/api/price?ticker=X"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP in development


def test_the_admin_approval_pages_cannot_be_framed(admin_client):
    headers = admin_client.get("/admin/fund-transactions?status=pending").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_pages_that_show_a_secret_are_never_stored(app, user_client, admin_client):
    """The browser's back button must not show them again after sign-out."""
    import pyotp

    from tests.conftest import csrf_token

    enrol = user_client.get("/auth/two-factor")
    assert 'id="two-factor-secret"' in enrol.get_data(as_text=True)
    assert enrol.headers["Cache-Control"] == "no-store"
    with app.app_context():
        secret = db.session.scalar(db.select(TwoFactor.secret))
    token = csrf_token(user_client, "/about")
    codes = user_client.post(
        "/auth/two-factor/confirm", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    )
    assert "recovery" in codes.get_data(as_text=True).lower()
    assert codes.headers["Cache-Control"] == "no-store"
    for client, account in ((user_client, "/user/account"), (admin_client, "/admin/account")):
        client.post(
            f"{account}/tokens", data={"name": "script", "csrf_token": csrf_token(client, "/about")}
        )
        page = client.get(account)
        assert "Copy it now" in page.get_data(as_text=True)  # the new token, shown this once
        assert page.headers["Cache-Control"] == "no-store"


def test_paperdesk_env_chooses_the_configuration(monkeypatch):
    from config import config_from_env

    monkeypatch.delenv("PAPERDESK_ENV", raising=False)
    assert config_from_env().__name__ == "Config"
    monkeypatch.setenv("PAPERDESK_ENV", "production")
    assert config_from_env().__name__ == "ProductionConfig"  # test_config reloads the module
    monkeypatch.setenv("PAPERDESK_ENV", "prod")
    with pytest.raises(RuntimeError, match="PAPERDESK_ENV='prod'"):
        config_from_env()


class ProductionTestConfig(ProductionConfig, TestConfig):
    """Production settings on the test database."""


def test_production_sends_secure_cookies_and_hsts(app_settings, make_user, monkeypatch):
    from tests.conftest import PASSWORD, csrf_token

    make_user("alice")
    app = create_app(ProductionTestConfig, app_settings)
    client = app.test_client()
    data = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/auth/login", data=data, base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-12.50", "-12.50"),  # a negative number stays a number
        ("AAPL", "AAPL"),
        (Decimal("-3.20"), Decimal("-3.20")),
        (None, None),
    ],
)
def test_csv_cells_that_start_a_formula_are_neutralised(cell, shown):
    assert safe_cell(cell) == shown


def test_the_orders_csv_neutralises_a_stored_formula(app, market, trader, admin, client, auth):
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        spec = orders.OrderSpec("AAPL", "buy", "limit", quantity=1, limit=Decimal("100"))
        order = orders.place(user, spec)
        admin_orders.reject(db.session.get(Admin, admin), order.order_id, "=1+2")
    auth.login("trader")
    text = client.get("/user/orders.csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["remark"] == "'=1+2"


def test_a_body_over_the_size_limit_is_refused(app, user_client):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = post_json(user_client, "/user/api/deposit", {"amount": "1", "pad": "x" * 20_000})
    assert response.status_code == 413
    assert response.get_json()["success"] is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"amount": ', "malformed JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"amount": NaN}', "NaN is not a number"),
        ('{"amount": "\\ud800"}', "not valid Unicode"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_malformed_json_says_that_the_json_is_malformed(user_client, body, message):
    from tests.conftest import csrf_token

    headers = {"Content-Type": "application/json", "X-CSRFToken": csrf_token(user_client, "/about")}
    response = user_client.post("/user/api/deposit", data=body, headers=headers)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


@pytest.mark.parametrize(
    "path", ["/user/api/deposit", "/user/api/create_order", "/admin/orders/1/reject"]
)
def test_an_unauthenticated_api_call_is_a_401_not_a_csrf_error(client, path):
    response = client.post(path, json={"amount": "10.00"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "Authentication required."


def test_a_signed_in_post_without_its_csrf_token_is_still_refused(user_client):
    response = user_client.post("/user/api/deposit", json={"amount": "10.00"})
    assert response.status_code == 400
    assert "security token" in response.get_json()["error"]


def test_a_response_keeps_a_security_header_it_set_itself(app):
    @app.get("/framed-by-itself")
    def framed_by_itself():
        return "", 204, {"X-Frame-Options": "SAMEORIGIN"}

    headers = app.test_client().get("/framed-by-itself").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers["X-Content-Type-Options"] == "nosniff"  # the others are still added
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
