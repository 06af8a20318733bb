"""Fixtures in the style of flaskr: app, client, runner, auth, admin.

The suite runs on a SQLite file by default and on the database named by
TEST_DATABASE_URL when it is set (dropped and created afresh for each run).
The schema is built by the migrations, so every run also tests them.
"""

import os
import re
from datetime import datetime
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app import create_app
from config import TestConfig
from extensions import db
from services import accounts, pool
from utils import clock

PASSWORD = "correct-horse-42"
ADMIN_PASSWORD = "admin-pass-2024x"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _fresh_database(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'paperdesk-test.db'}"
    parsed = make_url(url)
    server = create_engine(parsed.set(database=""))
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{parsed.database}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4")
    server.dispose()
    return url


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory) -> dict:
    """Overrides for every test app; the schema is migrated once per run."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": _fresh_database(tmp_path_factory),
        "LOG_DIR": str(tmp_path_factory.mktemp("logs")),
    }
    app = create_app(TestConfig, settings)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return settings


@pytest.fixture
def app(app_settings):
    app = create_app(TestConfig, app_settings)
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
        pool.dispose(app)
    clock.freeze(None)


def _empty_tables() -> None:
    """Empty every table and restart its ids at 1 (TRUNCATE on MySQL, DELETE on SQLite)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            return
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        for table in db.metadata.sorted_tables:
            conn.exec_driver_sql(f"TRUNCATE TABLE `{table.name}`")
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def frozen_time():
    """Freeze utcnow(); call the returned function to move time."""
    clock.freeze(datetime(2026, 3, 2, 14, 30, 0))

    def move_to(when: datetime) -> None:
        clock.freeze(when)

    yield move_to
    clock.freeze(None)


def csrf_token(client, path: str = "/auth/login") -> str:
    """The CSRF token of the client's session, read from a page's meta tag."""
    html = client.get(path).get_data(as_text=True)
    return CSRF_META.search(html).group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def register(self, username="alice", email=None, password=PASSWORD, confirm=None):
        return self._client.post(
            "/auth/register",
            data={
                "username": username,
                "email": email or f"{username}@example.com",
                "password": password,
                "confirm": confirm if confirm is not None else password,
                "csrf_token": csrf_token(self._client, "/auth/register"),
            },
        )

    def login(self, username="alice", password=PASSWORD, path="/auth/login"):
        return self._client.post(
            path,
            data={
                "username": username,
                "password": password,
                "csrf_token": csrf_token(self._client, path),
            },
        )

    def logout(self):
        return self._client.post(
            "/auth/logout", data={"csrf_token": csrf_token(self._client, "/about")}
        )


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_user(app):
    """Create a user (with an account) directly through the service."""

    def make(username="alice", password=PASSWORD):
        with app.app_context():
            user = accounts.register_user(username, f"{username}@example.com", password)
            return user.user_id

    return make


@pytest.fixture
def admin(app):
    """Create an admin; returns its id."""
    with app.app_context():
        return accounts.create_admin("root_admin", ADMIN_PASSWORD).admin_id


@pytest.fixture
def admin_client(app, admin):
    """A second client signed in as the admin."""
    client = app.test_client()
    AuthActions(client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    return client


@pytest.fixture
def user_client(client, auth):
    """The client, registered and signed in as alice."""
    auth.register()
    return client


@pytest.fixture
def market(app):
    """Scripted prices: market.set("AAPL", "150.00"), then trade at them."""
    from tests.trading_helpers import ScriptedProvider

    provider = ScriptedProvider()
    app.extensions["paperdesk_provider"] = provider
    app.config.update(QUOTE_TTL=-1, SLIPPAGE_BPS=Decimal("0"))  # always ask the provider
    return provider


@pytest.fixture
def books_balance(app):
    """After the test, `flask audit verify` must find every account balanced."""
    yield
    from services.verify import verify

    with app.app_context():
        problems = verify()
        db.session.remove()
    assert problems == []


@pytest.fixture
def trader(app, make_user, admin):
    """A user with $10,000.00 deposited; returns the user id."""
    from models import Admin, User
    from services import funds

    user_id = make_user("trader")
    with app.app_context():
        request = funds.request_deposit(db.session.get(User, user_id), "10000.00")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
        db.session.remove()
    return user_id
