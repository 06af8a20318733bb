"""Authorization, generated from the URL map so that a new endpoint is covered at once.

Every endpoint outside /admin that takes an id (in its path or in its JSON body) is
called by another user, with a session and with an API token, using the ids of
alice's order, quote hold and token: each must answer 404 or 403 and leave alice's
rows as they were. Every admin URL (under /admin, or of a blueprint guarded as admin-only,
such as the DTS API), whatever its arguments, answers 403 to a user.
"""

import pytest
from sqlalchemy import select

from extensions import db
from models import AccountBalance, ApiToken, Order, QuoteHold, User, WatchlistItem
from routes.helpers import ADMIN_BLUEPRINTS
from services import holds, orders, tokens
from services.alerts import store as alerts_store
from services.assistant import chat
from services.orders import OrderSpec
from services.rules import store as rules_store
from tests.conftest import AuthActions, csrf_token
from tests.trading_helpers import D

# Signing out and changing one's password act on the caller alone and would end the
# caller's session mid-walk.
SKIP = {"static", "auth.logout", "auth.logout_everywhere", "auth.change_password", "core.logout"}
SAFE_STATUSES = {403, 404}
# Body fields that name another row; a JSON endpoint reading any of them is walked.
BODY_IDS = ("hold_id", "order_id", "token_id", "transaction_id", "user_id")


def _rules(app, admin: bool):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or _admin_only(rule) != admin:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _admin_only(rule) -> bool:
    return rule.rule.startswith("/admin") or rule.endpoint.split(".")[0] in ADMIN_BLUEPRINTS


ALERT = {"ticker": "AAPL", "kind": "above", "threshold": "200"}
RULE = {
    "ticker": "AAPL",
    "window_seconds": 5,
    "buy_below_pct": "1",
    "sell_above_pct": "1",
    "quantity": 10,
    "max_trades_per_day": 10,
    "cooldown_seconds": 1,
}
QUESTION = {"conversation_id": None, "message": "How is my portfolio?", "context": None}


@pytest.fixture
def alice(app, trader, market):
    """The trader's open order, quote hold and API token: the rows another user aims at."""
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        order = orders.place(user, OrderSpec("AAPL", "buy", "limit", quantity=1, limit=D("90")))
        held = holds.hold(user, "AAPL", "buy", 1, None)
        token, _ = tokens.create_token(user, "alice's script")
        ids = {
            "alert_id": alerts_store.create(user, ALERT).alert_id,
            "rule_id": rules_store.create(user, RULE).rule_id,
            "conversation_id": chat.add_question(trader, QUESTION).conversation_id,
            "order_id": order.order_id,
            "hold_id": held.hold_id,
            "token_id": token.token_id,
            "user_id": trader,
            "transaction_id": 1,
        }
        db.session.remove()
    return ids


def _snapshot(app, user_id: int) -> dict:
    with app.app_context():
        account = db.session.scalar(select(AccountBalance).where(AccountBalance.user_id == user_id))
        return {
            "cash": (account.available_balance, account.frozen_balance, account.total_balance),
            "orders": db.session.execute(
                select(Order.order_id, Order.order_status).where(Order.user_id == user_id)
            ).all(),
            "holds": db.session.execute(
                select(QuoteHold.hold_id, QuoteHold.status).where(QuoteHold.user_id == user_id)
            ).all(),
            "tokens": db.session.execute(
                select(ApiToken.token_id, ApiToken.revoked_at).where(ApiToken.user_id == user_id)
            ).all(),
            "watchlist": db.session.scalars(
                select(WatchlistItem.ticker).where(WatchlistItem.user_id == user_id)
            ).all(),
        }


@pytest.fixture
def mallory(app, make_user):
    """Another user: a signed-in browser (with its CSRF token) and an API token."""
    make_user("mallory")
    browser = app.test_client()
    AuthActions(browser).login("mallory")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.user_name == "mallory"))
        _, plaintext = tokens.create_token(user, "mallory's script")
        db.session.remove()
    return {
        "session": (browser, {"X-CSRFToken": csrf_token(browser, "/about")}),
        "token": (app.test_client(), {"Authorization": f"Bearer {plaintext}"}),
    }


def _path(rule, ids: dict) -> str:
    values = {}
    for arg in rule.arguments:
        if arg.endswith("_id"):
            assert arg in ids, f"{rule.rule}: no row of alice's for <{arg}>; add one to the walk"
            values[arg] = ids[arg]
        else:
            values[arg] = "AAPL"
    return rule.build(values, append_unknown=False)[1]


def test_another_users_ids_get_404_or_403_everywhere(app, alice, trader, mallory):
    before = _snapshot(app, trader)
    walked, failures = [], []
    for rule, method in _rules(app, admin=False):
        path_ids = [a for a in rule.arguments if a.endswith("_id")]
        if not path_ids and method != "POST":
            continue
        body = {name: alice[name] for name in BODY_IDS}
        for how, (client, headers) in mallory.items():
            response = client.open(_path(rule, alice), method=method, json=body, headers=headers)
            reads_body_id = not path_ids and response.status_code in SAFE_STATUSES
            if path_ids or reads_body_id:
                walked.append(f"{method} {rule.rule} ({how})")
                if response.status_code not in SAFE_STATUSES:
                    failures.append(
                        f"{method} {rule.rule} as mallory ({how}): {response.status_code}"
                    )
    assert not failures, "\n".join(failures)
    assert _snapshot(app, trader) == before  # whatever answered, nothing of alice's changed
    for expected in (
        "POST /user/orders/<int:order_id>/cancel (token)",
        "POST /user/account/tokens/<int:token_id>/revoke (session)",
        "POST /user/api/quote_hold/commit (token)",
        "POST /user/api/quote_hold/cancel (session)",
    ):
        assert expected in walked


def test_alices_own_ids_work_so_the_walk_aims_at_real_rows(app, alice, client, auth):
    auth.login("trader")
    headers = {"X-CSRFToken": csrf_token(client, "/about")}
    commit = client.post(
        "/user/api/quote_hold/commit", json={"hold_id": alice["hold_id"]}, headers=headers
    )
    assert commit.status_code == 200 and commit.json["success"] is True
    cancel = client.post(f"/user/orders/{alice['order_id']}/cancel", headers=headers)
    assert cancel.status_code == 200


def test_every_admin_url_answers_403_to_a_user(app, alice, mallory):
    failures, count = [], 0
    for rule, method in _rules(app, admin=True):
        path = rule.build({a: 1 if a.endswith("_id") else "AAPL" for a in rule.arguments})[1]
        for how, (client, headers) in mallory.items():
            response = client.open(path, method=method, json={}, headers=headers)
            count += 1
            if response.status_code != 403:
                failures.append(f"{method} {rule.rule} as a user ({how}): {response.status_code}")
    assert not failures, "\n".join(failures)
    assert count >= 2 * 24
