"""Two-factor sign-in: enrolment with a QR code, sign-in with a code or a recovery code,
no code used twice, required for admins by a setting, and withdrawals that need the code."""

import re
from datetime import datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from extensions import db
from models import FundTransaction, TwoFactor, User
from services import tokens
from tests.conftest import ADMIN_PASSWORD, PASSWORD, AuthActions, csrf_token

START = datetime(2026, 3, 2, 14, 30, 0)


@pytest.fixture
def clock(frozen_time):
    """Frozen time that moves on by one 30-second step per call, and the code for it."""
    now = [START]

    def code_for(secret: str) -> str:
        now[0] += timedelta(seconds=30)
        frozen_time(now[0])
        return pyotp.TOTP(secret).at(now[0].timestamp() - _utc_offset())

    return code_for


def _utc_offset() -> float:
    # datetime.timestamp() reads a naive time as local; the app reads it as UTC.
    return START.timestamp() - START.replace(tzinfo=__import__("datetime").UTC).timestamp()


def _enrol(client, clock) -> tuple[str, list[str]]:
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    assert secret in client.get("/auth/two-factor").get_data(as_text=True)  # same until confirmed
    token = csrf_token(client, "/auth/two-factor")
    wrong = client.post("/auth/two-factor/confirm", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    done = client.post(
        "/auth/two-factor/confirm", data={"code": clock(secret), "csrf_token": token}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _code_step(client, code: str):
    return client.post(
        "/auth/two-factor/verify",
        data={"code": code, "csrf_token": csrf_token(client, "/about")},
    )


def _signed_in(client) -> bool:
    return client.get("/user/account").status_code == 200


def test_enrol_then_sign_in_with_a_code_never_the_same_code_twice(app, user_client, auth, clock):
    secret, _ = _enrol(user_client, clock)
    auth.logout()
    answer = auth.login()
    assert answer.status_code == 302 and "/auth/two-factor/verify" in answer.headers["Location"]
    assert not _signed_in(user_client)  # the password alone signs nobody in
    assert _code_step(user_client, "123456").status_code == 401
    code = clock(secret)
    assert _code_step(user_client, code).status_code == 302
    assert _signed_in(user_client)
    auth.logout()
    auth.login()
    assert _code_step(user_client, code).status_code == 401  # that code was spent
    assert not _signed_in(user_client)


def test_the_first_code_may_be_typed_with_the_space_the_app_shows(app, user_client, clock):
    page = user_client.get("/auth/two-factor").get_data(as_text=True)
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page).group(1)
    code = clock(secret)
    answer = user_client.post(
        "/auth/two-factor/confirm",
        data={"code": f"{code[:3]} {code[3:]}", "csrf_token": csrf_token(user_client, "/about")},
    )
    assert answer.status_code == 200 and "Two-factor sign-in is on" in answer.get_data(as_text=True)


def test_an_account_disabled_between_password_and_code_is_not_signed_in(
    app, user_client, auth, clock, admin
):
    from models import Admin, LoginSession
    from services import accounts

    secret, _ = _enrol(user_client, clock)
    auth.logout()
    auth.login()
    with app.app_context():
        user_id = db.session.scalar(select(User.user_id))
        accounts.set_user_enabled(db.session.get(Admin, admin), user_id, False)
        opened = db.session.scalar(select(func.count()).select_from(LoginSession))
    answer = _code_step(user_client, clock(secret))
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == opened


def test_a_recovery_code_signs_in_once(app, user_client, auth, clock):
    _, codes = _enrol(user_client, clock)
    auth.logout()
    auth.login()
    assert _code_step(user_client, codes[0].upper()).status_code == 302
    auth.logout()
    auth.login()
    assert _code_step(user_client, codes[0]).status_code == 401
    assert _code_step(user_client, codes[1]).status_code == 302


def test_five_wrong_codes_end_the_attempt_and_lock_codes_for_a_while(
    app, user_client, auth, clock, frozen_time
):
    secret, _ = _enrol(user_client, clock)
    auth.logout()
    auth.login()
    saved = user_client.get_cookie("session").value  # the cookie before any wrong code
    for _ in range(4):
        assert _code_step(user_client, "999999").status_code == 401
    assert _code_step(user_client, "999999").status_code == 302  # back to the password
    assert not _signed_in(user_client)
    user_client.set_cookie("session", saved)  # a replayed cookie gets no fresh tries:
    locked = _code_step(user_client, clock(secret))  # codes are locked, and it says so
    assert locked.status_code == 429 and "Too many wrong codes" in locked.get_data(as_text=True)
    assert "not right" not in locked.get_data(as_text=True)
    frozen_time(START + timedelta(minutes=10))
    user_client.set_cookie("session", saved)
    code = pyotp.TOTP(secret).at(START + timedelta(minutes=10) - timedelta(seconds=_utc_offset()))
    assert _code_step(user_client, code).status_code == 302
    assert _signed_in(user_client)


def _enrolled_with_token(app, trader, clock):
    """(signed-in client, TOTP secret, API client, Bearer headers) for an enrolled trader."""
    client = app.test_client()
    AuthActions(client).login("trader")
    secret, _ = _enrol(client, clock)
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, trader), "script")
    return client, secret, app.test_client(), {"Authorization": f"Bearer {plaintext}"}


def test_a_withdrawal_asks_for_the_code_once_enrolled(app, trader, clock):
    client, secret, api, headers = _enrolled_with_token(app, trader, clock)
    missing = api.post("/user/api/withdraw", json={"amount": "10.00"}, headers=headers)
    assert missing.status_code == 400 and missing.json["field"] == "code"
    wrong = api.post("/user/api/withdraw", json={"amount": "10", "code": "1"}, headers=headers)
    assert wrong.status_code == 400 and wrong.json["field"] == "code"
    page = client.post(
        "/user/account/withdraw",
        data={"withdraw-amount": "10.00", "csrf_token": csrf_token(client, "/user/account")},
        follow_redirects=True,
    )
    assert "Withdrawal not requested" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FundTransaction)) == 1
    good = api.post(
        "/user/api/withdraw", json={"amount": "10.00", "code": clock(secret)}, headers=headers
    )
    assert good.status_code == 200 and good.json["success"] is True


def test_a_refused_withdrawal_does_not_spend_the_code(app, trader, clock):
    _, secret, api, headers = _enrolled_with_token(app, trader, clock)
    code = clock(secret)
    too_much = api.post(
        "/user/api/withdraw", json={"amount": "20000.00", "code": code}, headers=headers
    )
    assert too_much.status_code == 400 and too_much.json["field"] == "amount"
    good = api.post("/user/api/withdraw", json={"amount": "10.00", "code": code}, headers=headers)
    assert good.status_code == 200, good.json


def test_a_right_code_while_codes_are_locked_is_told_to_wait_not_that_it_is_wrong(
    app, trader, clock
):
    _, secret, api, headers = _enrolled_with_token(app, trader, clock)
    for _ in range(5):
        wrong = api.post("/user/api/withdraw", json={"amount": "1", "code": "1"}, headers=headers)
        assert wrong.status_code == 400
    locked = api.post(
        "/user/api/withdraw", json={"amount": "10.00", "code": clock(secret)}, headers=headers
    )
    assert locked.status_code == 429 and "Too many wrong codes" in locked.json["error"]


def test_withdrawals_without_enrolment_need_no_code(app, trader):
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, trader), "script")
    answer = app.test_client().post(
        "/user/api/withdraw",
        json={"amount": "10.00"},
        headers={"Authorization": f"Bearer {plaintext}"},
    )
    assert answer.status_code == 200


def test_admins_can_be_required_to_enrol(app, admin, clock):
    app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] = True
    client = app.test_client()
    AuthActions(client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    page = client.get("/admin/dashboard")
    assert page.status_code == 302 and page.headers["Location"].endswith("/auth/two-factor")
    api = client.get("/admin/fund-transactions", headers={"Accept": "application/json"})
    assert api.status_code == 403 and "required for admins" in api.json["error"]
    secret, _ = _enrol(client, clock)
    assert client.get("/admin/dashboard").status_code == 200
    AuthActions(client).logout()
    AuthActions(client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    assert client.get("/admin/dashboard").status_code == 302  # the code comes first
    assert _code_step(client, clock(secret)).headers["Location"].endswith("/admin/dashboard")
    assert client.get("/admin/dashboard").status_code == 200


def test_every_admin_endpoint_needs_two_factor_when_it_is_required(app, admin):
    from models import Admin
    from routes.helpers import ADMIN_BLUEPRINTS

    app.config["TWO_FACTOR_REQUIRED_FOR_ADMINS"] = True
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(Admin, admin), "console script")
    client, bearer = app.test_client(), {"Authorization": f"Bearer {plaintext}"}
    walked = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ADMIN_BLUEPRINTS:
            continue
        url = rule.build(dict.fromkeys(rule.arguments, 1), append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(url, method=method, headers=bearer, json={})
            assert answer.status_code == 403, (method, url, answer.status_code)
            assert "required for admins" in answer.json["error"]
            walked.add(rule.endpoint.split(".")[0])
    assert walked >= {"admin", "dts"}


def test_turning_it_off_needs_the_password_and_a_code(app, user_client, auth, clock):
    secret, _ = _enrol(user_client, clock)
    token = csrf_token(user_client, "/auth/two-factor")
    bad = user_client.post(
        "/auth/two-factor/disable",
        data={"password": "wrong-pass-1", "code": clock(secret), "csrf_token": token},
    )
    assert bad.status_code == 400
    off = user_client.post(
        "/auth/two-factor/disable",
        data={"password": PASSWORD, "code": clock(secret), "csrf_token": token},
    )
    assert off.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TwoFactor)) == 0
    auth.logout()
    assert auth.login().headers["Location"].endswith("/user/dashboard")


def test_turning_it_off_when_it_is_not_on_is_refused_with_nothing_counted(app, user_client):
    from models import LoginAttempt

    token = csrf_token(user_client, "/about")
    answer = user_client.post(
        "/auth/two-factor/disable",
        data={"password": PASSWORD, "code": "123456", "csrf_token": token},
    )
    assert answer.status_code == 409
    assert "not on" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_two_first_visits_at_once_share_one_pending_secret(app, make_user, monkeypatch):
    """Two tabs opening the enrolment page together: neither fails on the unique owner."""
    import contextlib
    import threading

    from services import two_factor as tfa

    user_id = make_user()
    both_read = threading.Barrier(2, timeout=1)
    real = tfa.pyotp.random_base32

    def after_both_read():
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()  # with the owner locked, the second never gets here
        return real()

    monkeypatch.setattr(tfa.pyotp, "random_base32", after_both_read)
    secrets, errors = [], []

    def visit():
        with app.app_context():
            try:
                secrets.append(tfa.begin(db.session.get(User, user_id)).secret)
            except Exception as exc:  # the failure looked for: a duplicate owner row
                errors.append(exc)
            db.session.remove()

    visits = [threading.Thread(target=visit) for _ in range(2)]
    for thread in visits:
        thread.start()
    for thread in visits:
        thread.join()
    assert errors == [] and len(set(secrets)) == 1


def test_the_password_step_over_a_user_session_ends_that_session(app, user_client, admin, clock):
    admin_client = app.test_client()
    AuthActions(admin_client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    _enrol(admin_client, clock)
    saved = app.test_client()
    saved.set_cookie("session", user_client.get_cookie("session").value)
    answer = AuthActions(user_client).login("root_admin", ADMIN_PASSWORD, "/auth/admin-login")
    assert answer.headers["Location"].endswith("/auth/two-factor/verify")
    assert not _signed_in(saved)  # alice's session, which this browser let go of, is over
