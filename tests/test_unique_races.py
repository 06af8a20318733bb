"""Two identical inserts at once, and caps under bursts: a clear 409 or an idempotent
answer, never an IntegrityError, and never one more than the cap."""

from sqlalchemy import func, select

from extensions import db
from models import Admin, ApiToken, User, WatchlistItem
from services import accounts, tokens, universe
from services.errors import Conflict
from tests.conftest import PASSWORD
from tests.helpers import count
from tests.test_races import run_together


def test_the_same_registration_twice_at_once_creates_one_user(app):
    def register():
        return accounts.register_user("twin", "twin@example.com", PASSWORD)

    results = run_together(app, [register] * 4)
    assert count(app, User) == 1
    assert sum(isinstance(r, User) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 3


def test_the_same_admin_twice_at_once_creates_one_admin(app):
    results = run_together(app, [lambda: accounts.create_admin("boss", PASSWORD)] * 3)
    assert count(app, Admin) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 2


def _slowed(monkeypatch, target: str) -> None:
    """Make ``target`` take 50 ms, so that racing calls overlap between check and insert."""
    import time

    real = _resolve(target)

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(target, slow)


def _resolve(target: str):
    import importlib

    module, _, name = target.rpartition(".")
    owner, _, attr = module.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError:
        return getattr(getattr(importlib.import_module(owner), attr), name)


def test_a_burst_of_token_creations_stops_at_the_cap(app, make_user, monkeypatch):
    _slowed(monkeypatch, "services.tokens.secrets.token_urlsafe")
    user_id = make_user("alice")
    app.config["API_TOKENS_PER_OWNER"] = 3
    with app.app_context():
        for n in range(2):
            tokens.create_token(db.session.get(User, user_id), f"t{n}")

    def create():
        return tokens.create_token(db.session.get(User, user_id), "burst")

    run_together(app, [create] * 5)
    with app.app_context():
        active = db.session.scalar(select(func.count()).select_from(ApiToken))
    assert active == 3


def test_the_same_ticker_watched_twice_at_once_is_one_item(app, make_user, monkeypatch):
    _slowed(monkeypatch, "services.universe.watchlist")
    user_id = make_user("alice")

    def watch():
        universe.watch(db.session.get(User, user_id), "AAPL")
        return "ok"

    assert run_together(app, [watch] * 4) == ["ok"] * 4
    assert count(app, WatchlistItem) == 1


def test_a_burst_of_watches_stops_at_the_cap(app, make_user, monkeypatch):
    _slowed(monkeypatch, "services.universe.watchlist")
    user_id = make_user("alice")
    app.config["WATCHLIST_MAX"] = 3
    with app.app_context():
        for ticker in ("AAPL", "MSFT"):
            universe.watch(db.session.get(User, user_id), ticker)

    def watcher(ticker):
        return lambda: universe.watch(db.session.get(User, user_id), ticker)

    run_together(app, [watcher(t) for t in ("KO", "XOM", "JPM", "NVDA")])
    assert count(app, WatchlistItem) == 3


def test_a_unique_key_race_that_escapes_a_service_is_a_409(app, user_client, monkeypatch):
    """The last line of defence: an IntegrityError anywhere answers 409, not 500."""
    from sqlalchemy.exc import IntegrityError

    def collide(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, Exception("Duplicate entry"))

    monkeypatch.setattr("services.universe.watch", collide)
    from tests.helpers import post_json

    response = post_json(user_client, "/user/api/watchlist", {"ticker": "AAPL"})
    assert response.status_code == 409
    assert response.get_json()["success"] is False
