"""The per-process API token cache, and what a Bearer request does not pay for.

A token resolved in the last TOKEN_CACHE_SECONDS costs no statement; a revocation or a
disabled owner is seen at once in the process that made it; a change the process did
not see (another process's) is seen once the entry is TOKEN_CACHE_SECONDS old.
"""

from collections import Counter
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import update

from extensions import db
from models import Admin, ApiToken, User
from services import accounts, token_cache, tokens
from services.pool import autocommit_engine
from tests.conftest import csrf_token
from utils.clock import utcnow
from utils.dbcount import RoundTrips


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def owner_token(app, make_user):
    """A token of alice's, resolved once (so cached), and the cache on a fake clock."""
    user_id = make_user("alice")
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, user_id), "script")
        cache = token_cache.current()
        cache.clock = FakeClock()
        assert tokens.owner_of(plaintext).user_id == user_id
        db.session.remove()
    return user_id, plaintext, cache


def _statements(app, work) -> int:
    with app.app_context():
        with RoundTrips(db.engine, autocommit_engine()) as trips:
            result = work()
        db.session.remove()
    counted = {k: n for k, n in trips.counts.items() if k not in ("BEGIN", "checkout")}
    return Counter(counted), result


def test_a_cached_token_costs_no_statement(app, owner_token):
    user_id, plaintext, _ = owner_token
    sent, owner = _statements(app, lambda: tokens.owner_of(plaintext))
    assert sent == Counter()
    assert owner.user_id == user_id and owner.user_name == "alice"


def test_the_cached_owner_is_in_the_requests_session(app, owner_token):
    _, plaintext, _ = owner_token
    with app.app_context():
        owner = tokens.owner_of(plaintext)
        assert owner in db.session
        assert owner.account.user_id == owner.user_id  # relationships load as usual


def test_a_revoked_token_is_refused_at_once(app, owner_token):
    user_id, plaintext, _ = owner_token
    with app.app_context():
        tokens.revoke_token(db.session.get(User, user_id), 1)
    response = app.test_client().get("/user/api/balance", headers=_bearer(plaintext))
    assert response.status_code == 401


def test_a_disabled_owner_is_refused_at_once(app, owner_token, admin):
    user_id, plaintext, _ = owner_token
    with app.app_context():
        accounts.set_user_enabled(db.session.get(Admin, admin), user_id, False)
        assert tokens.owner_of(plaintext) is None


def test_a_changed_owner_is_read_again(app, owner_token):
    user_id, plaintext, _ = owner_token
    with app.app_context():
        db.session.get(User, user_id).display_name = "Alice A."
        db.session.commit()
    sent, owner = _statements(app, lambda: tokens.owner_of(plaintext))
    assert sent == Counter(SELECT=1) and owner.display_name == "Alice A."


def test_an_unseen_change_counts_after_token_cache_seconds(app, owner_token):
    _, plaintext, cache = owner_token
    with app.app_context():  # as another process would: a statement, no ORM change seen here
        db.session.execute(update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
        assert tokens.owner_of(plaintext) is not None  # within the bound, from the cache
        cache.clock.now += app.config["TOKEN_CACHE_SECONDS"] - 0.5
        assert tokens.owner_of(plaintext) is not None
        cache.clock.now += 0.5
        assert tokens.owner_of(plaintext) is None


def test_a_lookup_older_than_a_change_is_not_kept(app, owner_token):
    user_id, plaintext, cache = owner_token
    digest = tokens.hash_token(plaintext)
    with app.app_context():
        token, user = db.session.get(ApiToken, 1), db.session.get(User, user_id)
        generation = cache.generation
        cache.forget({("user", user_id)}, set())
        assert cache.get(digest) is None
        cache.put(digest, token, user, generation)  # read before the change: not kept
        assert cache.get(digest) is None
        cache.put(digest, token, user, cache.generation)
        assert cache.get(digest) is not None


def test_the_last_use_is_still_written_once_a_minute(app, owner_token):
    _, plaintext, cache = owner_token
    entry = cache.get(tokens.hash_token(plaintext))
    entry.last_used_at = utcnow() - timedelta(minutes=2)
    sent, _ = _statements(app, lambda: tokens.owner_of(plaintext))
    assert sent["UPDATE"] == 1 and "SELECT" not in sent  # a COMMIT too on SQLite
    sent, _ = _statements(app, lambda: tokens.owner_of(plaintext))
    assert sent == Counter()


def test_zero_seconds_turns_the_cache_off(app, make_user):
    app.config["TOKEN_CACHE_SECONDS"] = 0  # read when the cache is first used
    user_id = make_user("bob")
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, user_id), "script")
        tokens.owner_of(plaintext)
        db.session.remove()
    sent, owner = _statements(app, lambda: tokens.owner_of(plaintext))
    assert sent == Counter(SELECT=1) and owner.user_id == user_id


def _bearer(plaintext: str) -> dict:
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def cookie_sessions(monkeypatch):
    """How many times a request asked for the cookie session's signer (load or save)."""
    asked = []
    original = SecureCookieSessionInterface.get_signing_serializer

    def counting(self, app):
        asked.append(1)
        return original(self, app)

    monkeypatch.setattr(SecureCookieSessionInterface, "get_signing_serializer", counting)
    return asked


def test_a_bearer_request_opens_no_cookie_session(app, owner_token, cookie_sessions):
    _, plaintext, _ = owner_token
    response = app.test_client().get("/user/api/balance", headers=_bearer(plaintext))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert cookie_sessions == []
    app.test_client().get("/about")  # a page does use it (the probe works)
    assert cookie_sessions


def test_a_bearer_request_leaves_a_signed_in_browsers_cookie_alone(
    app, owner_token, client, auth, cookie_sessions
):
    _, plaintext, _ = owner_token
    auth.login("alice")
    cookie_sessions.clear()
    response = client.get("/user/api/balance", headers=_bearer(plaintext))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert cookie_sessions == []
    assert client.get("/user/dashboard").status_code == 200  # the session is still there
    assert csrf_token(client, "/user/account")
