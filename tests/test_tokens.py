"""Personal API tokens: created on the account page, shown once, stored hashed, revocable."""

import re

from sqlalchemy import select

from extensions import db
from models import ApiToken, FundTransaction, User
from services.tokens import hash_token
from tests.conftest import csrf_token
from tests.helpers import count, post_json

TOKEN_RE = re.compile(r'<code class="user-select-all" id="new-token">([^<]+)</code>')


def create_token(client, name="script", account="/user/account", url="/user/account/tokens"):
    token = csrf_token(client, account)
    page = client.post(url, data={"name": name, "csrf_token": token}, follow_redirects=True)
    match = TOKEN_RE.search(page.get_data(as_text=True))
    return match.group(1) if match else None


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_is_shown_once_and_stored_only_as_hash(app, user_client):
    plaintext = create_token(user_client)
    assert plaintext and plaintext.startswith("pd_")
    assert plaintext not in user_client.get("/user/account").get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash == hash_token(plaintext)
        assert plaintext not in (stored.token_hash, stored.token_prefix, stored.name)


def test_bearer_token_authenticates_json_without_session_or_csrf(app, user_client):
    plaintext = create_token(user_client)
    fresh = app.test_client()  # no cookies at all
    response = fresh.post("/user/api/deposit", json={"amount": 42}, headers=bearer(plaintext))
    assert response.status_code == 200, response.json
    assert count(app, FundTransaction, FundTransaction.user_id == 1) == 1
    balance = fresh.get("/user/api/balance", headers=bearer(plaintext))
    assert balance.json["data"]["total_balance"] == "0.00"
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_revoked_and_unknown_tokens_get_401(app, user_client):
    plaintext = create_token(user_client)
    token = csrf_token(user_client, "/user/account")
    user_client.post("/user/account/tokens/1/revoke", data={"csrf_token": token})
    fresh = app.test_client()
    for candidate in (plaintext, "pd_not-a-real-token", "garbage"):
        response = fresh.get("/user/api/balance", headers=bearer(candidate))
        assert response.status_code == 401
        assert response.json["success"] is False


def test_a_bad_token_is_not_rescued_by_a_session_cookie(app, user_client):
    response = user_client.get("/user/api/balance", headers=bearer("pd_wrong"))
    assert response.status_code == 401


def test_disabled_users_tokens_stop_working(app, user_client):
    plaintext = create_token(user_client)
    with app.app_context():
        db.session.get(User, 1).is_enabled = False
        db.session.commit()
    response = app.test_client().get("/user/api/balance", headers=bearer(plaintext))
    assert response.status_code == 401


def test_users_cannot_revoke_each_others_tokens(app, client, auth, make_user):
    make_user("bob")
    auth.login("bob")
    create_token(client, "bobs")
    auth.logout()
    auth.register("alice")
    token = csrf_token(client, "/user/account")
    response = client.post(
        "/user/account/tokens/1/revoke", data={"csrf_token": token}, follow_redirects=True
    )
    assert "No such token" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ApiToken, 1).revoked_at is None


def test_admin_token_decides_fund_requests(app, user_client, admin_client):
    request_id = post_json(user_client, "/user/api/deposit", {"amount": 5}).json["transaction_id"]
    plaintext = create_token(admin_client, "ops", "/admin/account", "/admin/account/tokens")
    assert plaintext
    response = app.test_client().post(
        f"/admin/fund-transactions/{request_id}/approve", headers=bearer(plaintext)
    )
    assert response.status_code == 200 and response.json["data"]["status"] == "approved"


def test_user_token_cannot_reach_admin_endpoints(app, user_client):
    request_id = post_json(user_client, "/user/api/deposit", {"amount": 5}).json["transaction_id"]
    plaintext = create_token(user_client)
    response = app.test_client().post(
        f"/admin/fund-transactions/{request_id}/approve", headers=bearer(plaintext)
    )
    assert response.status_code == 403
    assert response.json["success"] is False
    with app.app_context():
        assert db.session.get(FundTransaction, request_id).status == "pending"


def test_the_tokens_card_links_to_the_api_reference(user_client):
    page = user_client.get("/user/account").text
    assert '<a href="/api/docs" id="api-docs-link">API reference</a>' in page
    assert user_client.get("/api/docs").status_code == 200
