"""Registration, sign-in, CSRF, throttling and disabled accounts."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from extensions import db
from models import AccountBalance, Admin, AuditLog, User
from tests.conftest import PASSWORD, AuthActions
from tests.helpers import count


def test_register_creates_user_with_empty_account_and_signs_in(app, client, auth):
    response = auth.register("alice")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/user/account")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.user_name == "alice"))
        account = db.session.scalar(
            select(AccountBalance).where(AccountBalance.user_id == user.user_id)
        )
        assert account.total_balance == 0
        assert user.user_password != PASSWORD
        assert user.user_password.startswith("pbkdf2:")
    assert client.get("/user/account").status_code == 200


@pytest.mark.parametrize(
    ("username", "email", "password", "confirm", "message"),
    [
        ("bob", "bob@example.com", "short1", None, "at least 10 characters"),
        ("bob", "bob@example.com", "onlyletterspassword", None, "letters and digits"),
        ("bob", "bob@example.com", "1234567890123", None, "letters and digits"),
        ("bob", "bob@example.com", "bob-is-great-123", None, "must not contain the username"),
        ("bob", "bob@example.com", "Password123", None, "too common"),
        ("bob", "bob@example.com", PASSWORD, "different-pass-1", "Passwords differ"),
        ("b", "bob@example.com", PASSWORD, None, "Username must be"),
        ("bad name!", "bob@example.com", PASSWORD, None, "Username must be"),
        ("bob", "not-an-email", PASSWORD, None, "Invalid email"),
    ],
)
def test_register_refuses_bad_input(app, auth, username, email, password, confirm, message):
    response = auth.register(username, email, password, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_register_refuses_duplicate_name_case_insensitively_and_duplicate_email(app, auth, client):
    auth.register("alice")
    auth.logout()
    response = auth.register("ALICE", email="other@example.com")
    assert response.status_code == 400
    assert "username is already registered" in response.get_data(as_text=True)
    response = auth.register("alice2", email="alice@example.com")
    assert "email is already registered" in response.get_data(as_text=True)
    assert count(app, User) == 1


def test_register_without_csrf_token_is_refused(app, client):
    response = client.post(
        "/auth/register",
        data={
            "username": "eve",
            "email": "eve@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("alice")
    response = client.post("/auth/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/user/account").status_code == 302


def test_login_and_logout(client, auth, make_user):
    make_user("alice")
    response = auth.login("Alice")  # names are case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/user/dashboard")
    assert client.get("/user/dashboard").status_code == 200
    auth.logout()
    assert client.get("/user/dashboard").status_code == 302


def test_login_records_audit_and_last_login(app, auth, make_user):
    user_id = make_user("alice")
    auth.login("alice")
    with app.app_context():
        assert db.session.get(User, user_id).last_login_at is not None
        actions = db.session.scalars(select(AuditLog.action)).all()
        assert "user.login" in actions


def test_wrong_password_is_refused(client, auth, make_user):
    make_user("alice")
    response = auth.login("alice", "wrong-password-1")
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert client.get("/user/dashboard").status_code == 302


def test_an_unknown_name_costs_the_same_password_check_as_a_wrong_password(
    app, auth, make_user, monkeypatch
):
    """Else the quick answer for a name nobody has tells which names are registered."""
    from services import accounts

    checked, real = [], accounts.check_password_hash
    monkeypatch.setattr(
        accounts,
        "check_password_hash",
        lambda stored, pw: checked.append(stored) or real(stored, pw),
    )
    make_user("alice")
    wrong, unknown = auth.login("alice", "wrong-password-1"), auth.login("nobody", "some-pass-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).count("Wrong username or password") == 1
    assert unknown.get_data(as_text=True).count("Wrong username or password") == 1
    method = app.config["PASSWORD_HASH_METHOD"]
    assert len(checked) == 2 and all(stored.startswith(method + "$") for stored in checked)


def test_login_redirects_only_to_local_next(client, make_user):
    from tests.conftest import csrf_token

    make_user("alice")
    token = csrf_token(client)
    data = {"username": "alice", "password": PASSWORD, "csrf_token": token}
    response = client.post("/auth/login?next=https://evil.example/", data=data)
    assert response.headers["Location"].endswith("/user/dashboard")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/about")})
    data["csrf_token"] = csrf_token(client)
    response = client.post("/auth/login?next=/user/account", data=data)
    assert response.headers["Location"].endswith("/user/account")


def test_failed_logins_are_throttled_per_account(app, client, auth, make_user, frozen_time):
    from utils.clock import utcnow

    make_user("alice")
    start = utcnow()
    for _ in range(5):
        assert auth.login("alice", "wrong-password-1").status_code == 401
    response = auth.login("alice")  # even the right password waits
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    frozen_time(start + timedelta(seconds=61))
    assert auth.login("alice").status_code == 302


def test_failed_logins_are_throttled_per_address(app, client, auth, make_user, frozen_time):
    make_user("alice")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        auth.login(f"nobody{n}", "wrong-password-1")
    assert auth.login("alice").status_code == 429


def test_a_few_typos_on_a_shared_address_do_not_lock_out_the_admin(client, auth, admin):
    from tests.conftest import ADMIN_PASSWORD

    for n in range(8):  # a classroom behind one address mistyping
        auth.login(f"pupil{n}", "wrong-password-1")
    response = auth.login("root_admin", ADMIN_PASSWORD, path="/auth/admin-login")
    assert response.status_code == 302


def test_a_flood_against_an_account_cannot_lock_out_its_owners_browser(
    app, client, make_user, frozen_time
):
    make_user("alice")
    owner = AuthActions(client)
    assert owner.login("alice").status_code == 302  # the owner's browser is now known
    owner.logout()
    for n in range(40):  # an attacker from many addresses
        attacker = app.test_client()
        attacker.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
        AuthActions(attacker).login("alice", "wrong-password-1")
    assert AuthActions(app.test_client()).login("alice").status_code == 429
    assert owner.login("alice").status_code == 302


def test_a_device_cookie_only_vouches_for_its_own_account(app, client, make_user):
    make_user("alice")
    make_user("bob")
    browser = AuthActions(client)
    assert browser.login("alice").status_code == 302
    browser.logout()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.login("bob", "wrong-password-1")
    assert browser.login("bob").status_code == 429  # alice's cookie does not help bob


def test_failures_from_the_owners_browser_still_count(app, client, make_user):
    make_user("alice")
    browser = AuthActions(client)
    assert browser.login("alice").status_code == 302
    browser.logout()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert browser.login("alice", "wrong-password-1").status_code == 401
    assert browser.login("alice").status_code == 429


def test_a_user_named_like_an_admin_neither_clears_nor_shares_its_failures(app, make_user, admin):
    from tests.conftest import ADMIN_PASSWORD

    make_user("root_admin")  # a user may take an admin's name: they are other accounts
    limit = app.config["LOGIN_MAX_FAILURES"]
    guesser = AuthActions(app.test_client())
    for _ in range(limit):
        assert (
            guesser.login("root_admin", "wrong-guess-123", "/auth/admin-login").status_code == 401
        )
    assert guesser.login("root_admin").status_code == 302  # the user signs in: their own count
    guesser.logout()  # and that browser's device cookie names the user, not the admin
    refused = guesser.login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    assert refused.status_code == 429  # the admin's failures still stand


def test_a_users_failures_do_not_lock_out_the_admin_of_the_same_name(app, make_user, admin):
    from tests.conftest import ADMIN_PASSWORD

    make_user("root_admin")
    browser = AuthActions(app.test_client())
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert browser.login("root_admin", "wrong-password-1").status_code == 401
    assert browser.login("root_admin").status_code == 429  # the user is locked out...
    fresh = AuthActions(app.test_client())
    assert fresh.login("root_admin", ADMIN_PASSWORD, "/auth/admin-login").status_code == 302


def test_guesses_at_the_current_password_are_throttled_like_sign_ins(app, user_client):
    from tests.conftest import csrf_token

    def change(current):
        token = csrf_token(user_client, "/auth/password")
        data = {"current_password": current, "password": "battery-staple-77",
                "confirm": "battery-staple-77", "csrf_token": token}  # fmt: skip
        return user_client.post("/auth/password", data=data).get_data(as_text=True)

    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "current password is wrong" in change(f"guess-{n:04d}x")
    assert "Too many failed sign-in attempts" in change(PASSWORD)  # the right one waits too


def test_a_flood_against_an_account_does_not_stop_its_owner_changing_the_password(
    app, client, make_user
):
    from tests.conftest import csrf_token

    make_user("alice")
    AuthActions(client).login("alice")  # the owner's browser, signed in (device cookie)
    attacker = AuthActions(app.test_client())
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        assert attacker.login("alice", f"guess-{n:04d}x").status_code == 401
    assert attacker.login("alice").status_code == 429
    token = csrf_token(client, "/auth/password")
    data = {"current_password": PASSWORD, "password": "battery-staple-77",
            "confirm": "battery-staple-77", "csrf_token": token}  # fmt: skip
    answer = client.post("/auth/password", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with app.app_context():
        alice = db.session.scalar(select(User).where(User.user_name == "alice"))
        assert check_password_hash(alice.user_password, "battery-staple-77")


@pytest.mark.parametrize("target", ["sign-in", "current password"])
def test_guesses_sent_at_once_are_all_counted_against_the_limit(app, make_user, target):
    """Each guess is counted before the next is checked, however many arrive together."""
    import threading

    from services import accounts
    from services.errors import ServiceError, Throttled

    user_id = make_user("alice")
    guesses, start = 12, threading.Barrier(12)
    answers = []

    def guess(n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                if target == "sign-in":
                    accounts.authenticate(User, "alice", f"wrong-pass-{n:02d}", "10.0.0.1")
                else:
                    user = db.session.get(User, user_id)
                    accounts.check_current_password(user, f"wrong-{n:02d}", "10.0.0.1", "No.", "pw")
            except Throttled:
                answers.append("throttled")
            except ServiceError:
                answers.append("wrong")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count("wrong") == app.config["LOGIN_MAX_FAILURES"]
    assert answers.count("throttled") == guesses - app.config["LOGIN_MAX_FAILURES"]


def test_failures_too_old_to_count_are_pruned_and_recent_ones_kept(
    app, client, auth, make_user, frozen_time
):
    from datetime import datetime

    from models import LoginAttempt
    from services import accounts

    make_user("alice")
    start = datetime(2026, 3, 2, 14, 30, 0)
    for name in ("nobody", "alice"):
        auth.login(name, "wrong-password-1")
    frozen_time(start + timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW"] + 1))
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("alice", "wrong-password-1")
    with app.app_context():
        assert accounts.prune_login_attempts() == 2
        assert count(app, LoginAttempt) == app.config["LOGIN_MAX_FAILURES"]
    assert auth.login("alice").status_code == 429  # what still counts is kept


def test_successful_login_resets_the_account_counter(client, auth, make_user, frozen_time):
    make_user("alice")
    for _ in range(4):
        auth.login("alice", "wrong-password-1")
    assert auth.login("alice").status_code == 302
    auth.logout()
    assert auth.login("alice", "wrong-password-1").status_code == 401
    assert auth.login("alice").status_code == 302


def test_disabled_user_cannot_sign_in_and_is_signed_out(app, client, auth, make_user):
    user_id = make_user("alice")
    auth.login("alice")
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    assert client.get("/user/dashboard").status_code == 302
    response = auth.login("alice")
    assert response.status_code == 401
    assert "disabled" in response.get_data(as_text=True)


def test_admin_signs_in_on_its_own_page_only(app, client, auth, admin):
    from tests.conftest import ADMIN_PASSWORD

    assert auth.login("root_admin", ADMIN_PASSWORD).status_code == 401
    response = auth.login("root_admin", ADMIN_PASSWORD, path="/auth/admin-login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/dashboard")
    assert client.get("/admin/dashboard").status_code == 200
    with app.app_context():
        stored = db.session.get(Admin, admin).admin_password
        assert ADMIN_PASSWORD not in stored


def test_landing_page_sends_each_role_home(client, auth, make_user, admin_client):
    assert client.get("/").status_code == 200
    make_user("alice")
    auth.login("alice")
    assert client.get("/").headers["Location"].endswith("/user/dashboard")
    assert admin_client.get("/").headers["Location"].endswith("/admin/dashboard")


@pytest.mark.parametrize(
    ("hops", "forwarded", "seen"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first hop is not believed
        (2, "198.51.100.4, 203.0.113.9", "198.51.100.4"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(app_settings, hops, forwarded, seen):
    from app import create_app
    from config import TestConfig
    from models import LoginAttempt

    app = create_app(TestConfig, {**app_settings, "TRUSTED_PROXIES": hops})
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    AuthActions(client).login("nobody", "wrong-password-1")
    with app.app_context():
        assert db.session.scalars(select(LoginAttempt.ip)).all() == [seen]
        db.session.execute(db.delete(LoginAttempt))
        db.session.commit()


def test_the_sign_in_page_points_administrators_to_theirs(client):
    page = client.get("/auth/login").text
    assert (
        'Administrator? <a href="/auth/admin-login" id="admin-login-link">Sign in here</a>' in page
    )
    assert "Administrator?" not in client.get("/auth/admin-login").text
