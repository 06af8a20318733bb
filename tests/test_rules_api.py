"""The rules pages and JSON API: create, edit, pause, resume, delete; someone else's
rule is a 404; a bad form is an error on the page and stores nothing."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AuditLog, AutoRule
from tests.conftest import csrf_token

BODY = {
    "ticker": "MSFT",
    "window_seconds": 10,
    "buy_below_pct": "0.5",
    "sell_above_pct": "0.7",
    "amount": "500",
    "max_trades_per_day": 3,
    "cooldown_seconds": 30,
}


def _headers(client):
    return {"X-CSRFToken": csrf_token(client, "/user/rules")}


def test_rule_lifecycle_over_json(app, user_client):
    headers = _headers(user_client)
    created = user_client.post("/user/api/rules", json=BODY, headers=headers)
    assert created.status_code == 201
    rule = created.get_json()["rule"]
    assert rule["ticker"] == "MSFT" and rule["amount"] == "500.00" and rule["active"] is True
    rule_id = rule["rule_id"]
    changed = user_client.put(
        f"/user/api/rules/{rule_id}", json={**BODY, "buy_below_pct": "1.25"}, headers=headers
    )
    assert changed.get_json()["rule"]["buy_below_pct"] == "1.2500"
    paused = user_client.post(f"/user/api/rules/{rule_id}/pause", headers=headers)
    assert paused.get_json()["rule"]["active"] is False
    resumed = user_client.post(f"/user/api/rules/{rule_id}/resume", headers=headers)
    assert resumed.get_json()["rule"]["active"] is True
    detail = user_client.get(f"/user/api/rules/{rule_id}").get_json()
    assert detail["decisions"] == [] and detail["performance"]["trades"] == "0"
    assert user_client.delete(f"/user/api/rules/{rule_id}", headers=headers).status_code == 200
    assert user_client.get("/user/api/rules").get_json()["rules"] == []
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.audit_id)).all()
        assert [a for a in actions if a.startswith("rule.")] == [
            "rule.create",
            "rule.update",
            "rule.pause",
            "rule.resume",
            "rule.delete",
        ]


def test_someone_elses_rule_is_a_404(app, user_client, make_user):
    from models import User
    from services.rules import store

    other = make_user("bob")
    with app.app_context():
        rule_id = store.create(db.session.get(User, other), BODY).rule_id
    headers = _headers(user_client)
    assert user_client.get(f"/user/api/rules/{rule_id}").status_code == 404
    assert user_client.delete(f"/user/api/rules/{rule_id}", headers=headers).status_code == 404
    assert user_client.get(f"/user/rules/{rule_id}").status_code == 404


def test_bad_json_is_a_400_naming_the_field(app, user_client):
    reply = user_client.post(
        "/user/api/rules", json={**BODY, "cooldown_seconds": "-3"}, headers=_headers(user_client)
    )
    assert reply.status_code == 400 and reply.get_json()["field"] == "cooldown_seconds"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cooldown_seconds", "1_0"),
        ("max_trades_per_day", "\u0665"),  # an Arabic-Indic five
        ("window_seconds", True),
        ("buy_below_pct", "0.123456789"),
        ("sell_above_pct", 0.00001),
        ("amount", "500.005"),
        ("buy_below_pct", "1_0"),
        ("sell_above_pct", "1e1"),
        ("amount", "\u0665\u0660\u0660"),
    ],
)
def test_a_rule_takes_plain_whole_numbers_and_the_stored_precision(app, user_client, field, value):
    reply = user_client.post(
        "/user/api/rules", json={**BODY, field: value}, headers=_headers(user_client)
    )
    assert reply.status_code == 400 and reply.get_json()["field"] == field
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AutoRule)) == 0


def test_rules_per_user_are_capped(app, user_client):
    app.config["RULES_PER_USER"] = 1
    headers = _headers(user_client)
    assert user_client.post("/user/api/rules", json=BODY, headers=headers).status_code == 201
    second = user_client.post("/user/api/rules", json=BODY, headers=headers)
    assert second.status_code == 400 and "as many rules" in second.get_json()["error"]


def test_rule_pages_create_toggle_and_delete(app, user_client):
    form = {**BODY, "csrf_token": csrf_token(user_client, "/user/rules")}
    made = user_client.post("/user/rules", data=form)
    assert made.status_code == 302 and "/user/rules/1" in made.headers["Location"]
    page = user_client.get("/user/rules/1").get_data(as_text=True)
    assert "Rule #1 · MSFT" in page and "No decisions yet" in page
    token = csrf_token(user_client, "/user/rules")
    user_client.post("/user/rules/1/toggle", data={"csrf_token": token})
    assert "paused" in user_client.get("/user/rules").get_data(as_text=True)
    user_client.post("/user/rules/1/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AutoRule)) == 0


def test_a_bad_rule_form_is_an_error_on_the_page(app, user_client):
    form = {**BODY, "ticker": "", "csrf_token": csrf_token(user_client, "/user/rules")}
    reply = user_client.post("/user/rules", data=form)
    assert reply.status_code == 400 and "alert-danger" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AutoRule)) == 0


def test_a_refused_rule_form_keeps_what_was_typed(app, user_client):
    form = {**BODY, "ticker": "ZZZZ", "ends_at": "2030-01-02T03:04"}
    form["csrf_token"] = csrf_token(user_client, "/user/rules")
    reply = user_client.post("/user/rules", data=form)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "Unknown ticker" in page
    for name, typed in (("ticker", "ZZZZ"), ("window_seconds", "10"), ("amount", "500")):
        assert f'name="{name}"' in page and f'value="{typed}"' in page
    assert 'value="2030-01-02T03:04"' in page and 'value="0.7"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AutoRule)) == 0


def test_a_refused_rule_edit_keeps_what_was_typed(app, user_client):
    form = {**BODY, "csrf_token": csrf_token(user_client, "/user/rules")}
    assert user_client.post("/user/rules", data=form).status_code == 302
    reply = user_client.post("/user/rules/1", data={**form, "ticker": "ZZZZ", "amount": "750"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "Unknown ticker" in page
    assert 'value="ZZZZ"' in page and 'value="750"' in page
    with app.app_context():
        assert db.session.get(AutoRule, 1).ticker == "MSFT"


def test_trades_today_start_again_on_a_new_trading_day(app, user_client, frozen_time):
    from datetime import date, datetime

    headers = _headers(user_client)
    rule_id = user_client.post("/user/api/rules", json=BODY, headers=headers).get_json()
    rule_id = rule_id["rule"]["rule_id"]
    with app.app_context():  # three trades on Monday's trading day
        rule = db.session.get(AutoRule, rule_id)
        rule.trades_day, rule.trades_today = date(2026, 3, 2), 3
        db.session.commit()
    frozen_time(datetime(2026, 3, 2, 20, 0))
    assert user_client.get(f"/user/api/rules/{rule_id}").get_json()["rule"]["trades_today"] == 3
    frozen_time(datetime(2026, 3, 3, 14, 0))  # Tuesday's trading day: no trade yet
    assert user_client.get(f"/user/api/rules/{rule_id}").get_json()["rule"]["trades_today"] == 0
    assert user_client.get("/user/api/rules").get_json()["rules"][0]["trades_today"] == 0
