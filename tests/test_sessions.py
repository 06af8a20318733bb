"""Server-side sessions: sign-out, sign-out everywhere, password changes and disabling
end a session for good, even for a copy of its cookie; sessions expire when idle and
after their absolute lifetime."""

from datetime import timedelta

from extensions import db
from models import FundTransaction, LoginSession, User
from services import accounts
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.helpers import count, post_json
from utils.clock import utcnow
from utils.dbcount import RoundTrips

NEW_PASSWORD = "battery-staple-77"


def _copy_of(client, app):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/user/dashboard").status_code == 200


def test_a_saved_cookie_stops_working_after_sign_out(app, user_client, auth):
    saved = _copy_of(user_client, app)
    assert _signed_in(saved)
    auth.logout()
    assert not _signed_in(user_client)
    assert not _signed_in(saved)
    response = post_json(saved, "/user/api/deposit", {"amount": "100.00"})
    assert response.status_code == 401
    assert count(app, FundTransaction) == 0


def test_sign_out_is_a_post(user_client):
    assert user_client.get("/auth/logout").status_code == 405
    assert _signed_in(user_client)


def test_sign_in_gives_a_new_session(app, client, make_user):
    make_user("alice")
    before = client.get("/auth/login") and client.get_cookie("session")
    AuthActions(client).login("alice")
    assert client.get_cookie("session").value != (before.value if before else None)
    with app.app_context():
        assert db.session.query(LoginSession).count() == 1


def test_sign_out_everywhere_ends_every_session(app, make_user):
    make_user("alice")
    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).login("alice")
    AuthActions(phone).login("alice")
    phone.post("/auth/logout-everywhere", data={"csrf_token": csrf_token(phone, "/about")})
    assert not _signed_in(phone)
    assert not _signed_in(laptop)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, make_user):
    make_user("alice")
    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).login("alice")
    AuthActions(phone).login("alice")
    form = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    form["csrf_token"] = csrf_token(laptop, "/auth/password")
    response = laptop.post("/auth/password", data=form, follow_redirects=True)
    assert "1 other session(s) were signed out" in response.get_data(as_text=True)
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    fresh = app.test_client()
    assert AuthActions(fresh).login("alice", PASSWORD).status_code == 401
    assert AuthActions(fresh).login("alice", NEW_PASSWORD).status_code == 302


def test_password_change_needs_the_current_password(app, user_client):
    form = {"current_password": "not-my-pass-1", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    form["csrf_token"] = csrf_token(user_client, "/auth/password")
    response = user_client.post("/auth/password", data=form)
    assert response.status_code == 400
    assert "The current password is wrong" in response.get_data(as_text=True)
    assert AuthActions(app.test_client()).login("alice", PASSWORD).status_code == 302


def test_disabling_a_user_ends_their_sessions(app, user_client, admin):
    from models import Admin

    saved = _copy_of(user_client, app)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.user_name == "alice"))
        accounts.set_user_enabled(db.session.get(Admin, admin), user.user_id, False)
        accounts.set_user_enabled(db.session.get(Admin, admin), user.user_id, True)
        assert db.session.query(LoginSession).filter(LoginSession.ended_at.is_(None)).count() == 0
    assert not _signed_in(saved)  # enabled again, but the old session stays ended


def test_an_idle_session_expires(app, client, make_user, frozen_time):
    make_user("alice")
    AuthActions(client).login("alice")
    start = utcnow()
    frozen_time(start + timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] - 60))
    assert _signed_in(client)  # use keeps it alive
    frozen_time(start + timedelta(seconds=2 * app.config["SESSION_IDLE_TIMEOUT"] - 120))
    assert _signed_in(client)
    frozen_time(start + timedelta(seconds=3 * app.config["SESSION_IDLE_TIMEOUT"]))
    assert not _signed_in(client)


def test_a_session_ends_at_its_absolute_lifetime_however_busy(app, client, make_user, frozen_time):
    make_user("alice")
    AuthActions(client).login("alice")
    start = utcnow()
    hour = timedelta(hours=1)
    for n in range(1, app.config["SESSION_MAX_AGE"] // 3600):
        frozen_time(start + n * hour)
        assert _signed_in(client)
    frozen_time(start + timedelta(seconds=app.config["SESSION_MAX_AGE"] + 1))
    assert not _signed_in(client)


def test_old_sessions_are_pruned_and_live_ones_kept(app, make_user, frozen_time):
    from services import sessions

    make_user("alice")
    old, live = app.test_client(), app.test_client()
    AuthActions(old).login("alice")
    old.post("/auth/logout", data={"csrf_token": csrf_token(old, "/about")})
    frozen_time(utcnow() + timedelta(days=2))
    AuthActions(live).login("alice")
    with app.app_context():
        assert sessions.prune() == 1
        assert db.session.query(LoginSession).count() == 1
    assert _signed_in(live)


def test_a_signed_in_request_reads_its_user_session_and_balances_in_one_query(app, user_client):
    user_client.get("/user/api/balance")  # any session touch is done by now
    with app.app_context():
        engine = db.engine
    with RoundTrips(engine) as trips:
        answer = user_client.get("/user/api/balance")
    assert answer.status_code == 200 and answer.json["data"]["total_balance"] == "0.00"
    assert trips.counts["SELECT"] == 1
    assert trips.counts["INSERT"] == trips.counts["UPDATE"] == 0


def test_signing_in_as_an_admin_over_a_user_session_ends_that_session(app, user_client, admin):
    from tests.conftest import ADMIN_PASSWORD

    saved = _copy_of(user_client, app)
    AuthActions(user_client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    assert user_client.get("/admin/dashboard").status_code == 200
    assert not _signed_in(saved)  # the user's session no browser holds any more is over
    with app.app_context():
        assert db.session.query(LoginSession).filter(LoginSession.ended_at.is_(None)).count() == 1
