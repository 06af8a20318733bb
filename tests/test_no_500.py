"""No input gets a 500: every endpoint of the URL map, as a user and as an admin, with
each known class of bad input (huge ids and page numbers, nested, malformed and odd
JSON, oversized bodies, over-long text, lone surrogates, non-ASCII digits, digits that
str.isdigit() takes and int() refuses)."""

import json
from dataclasses import replace

import pytest

from extensions import db
from models import Admin, User
from services import tokens

HUGE = 10**30
NASTY_VALUES = [
    HUGE,
    -HUGE,
    1e308,
    "1e999999",
    "NaN",
    "-0",
    "\ud800",
    "x" * 5000,
    "\u0661\u0662\u0663",
    "1_0",
    None,
    [],
    {},
    True,
]
FIELDS = [
    "amount", "quantity", "price", "limit_price", "stop_price", "trail_amount",
    "trail_percent", "ticker", "order_type", "order_execution_type", "time_in_force",
    "hold_id", "reason", "name", "line", "tickers", "q", "page", "limit",
]  # fmt: skip
QUERY_ARGS = ["page", "limit", "ticker", "tickers", "period", "interval", "status", "type"]
QUERY_ARGS += ["side", "user", "user_id", "q", "start", "since", "days", "window", "message_id"]
# Each alone in a body beside a valid message (so the chat reads its conversation id).
ID_FIELDS = ["conversation_id", "notification_id", "hold_id", "order_id", "quantity", "limit"]
SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() says no


def _bodies():
    yield "nested", "[" * 50_000 + "]" * 50_000
    yield "malformed", '{"amount": '
    yield "nan", '{"amount": NaN, "quantity": Infinity}'
    yield "not-object", "[1, 2, 3]"
    for value in NASTY_VALUES:
        yield f"all-{str(value)[:12]!r}", json.dumps(dict.fromkeys(FIELDS, value))
    for field in ID_FIELDS:
        yield f"{field}-superscript", json.dumps({"message": "Hi", field: SUPERSCRIPT_TWO})


def _paths(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for ident in (1, HUGE):
            values = {arg: ident if "id" in arg else "AAPL" for arg in rule.arguments}
            yield rule, rule.build(values, append_unknown=False)[1]


def _token(app, model, ident) -> dict:
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(model, ident), "fuzz")
        db.session.remove()
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def callers(app, trader, admin, market):
    """API tokens of a trader holding an open order (#1) and a quote (#1), and of an admin."""
    from decimal import Decimal

    from services import holds, orders

    with app.app_context():
        user = db.session.get(User, trader)
        spec = orders.OrderSpec(ticker="AAPL", side="buy", kind="limit", quantity=1)
        orders.place(user, replace(spec, limit=Decimal("50.00")))
        holds.hold(user, "AAPL", "buy", 1, None)
        db.session.remove()
    return {"user": _token(app, User, trader), "admin": _token(app, Admin, admin)}


def _roles(rule) -> tuple[str, ...]:
    """Who can reach past the role guard: admins for /admin, users for /user, else both."""
    if rule.rule.startswith("/admin"):
        return ("admin",)
    return ("user",) if rule.rule.startswith("/user") else ("user", "admin")


def _targets(app, method: str, callers: dict):
    """(role, path, headers) for every rule that takes ``method``, as each role that may."""
    for rule, path in _paths(app):
        if method in rule.methods:
            for role in _roles(rule):
                yield role, path, callers[role]


def _check(response, what: str, failures: list) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


def test_no_query_or_path_input_gets_a_500(app, callers, market):
    app.config["STREAM_MAX_SECONDS"] = 0
    client, failures = app.test_client(), []
    for role, path, headers in _targets(app, "GET", callers):
        for arg in QUERY_ARGS:
            for value in (HUGE, "abc", "x" * 3000, "\u0661", SUPERSCRIPT_TWO):
                url = f"{path}?{arg}={value}"
                _check(client.get(url, headers=headers), f"{role} GET {url[:120]}", failures)
    assert not failures, "\n".join(failures)


def test_no_json_body_gets_a_500(app, callers, market):
    client, failures = app.test_client(), []
    for role, path, headers in _targets(app, "POST", callers):
        for name, body in _bodies():
            json_headers = {**headers, "Content-Type": "application/json"}
            response = client.post(path, data=body, headers=json_headers)
            _check(response, f"{role} POST {path} {name}", failures)
    assert not failures, "\n".join(failures)


def test_no_form_body_gets_a_500(app, callers, market):
    client, failures = app.test_client(), []
    for role, path, headers in _targets(app, "POST", callers):
        for value in NASTY_VALUES:
            if value == "\ud800":  # a form body is bytes: it cannot carry one
                value = b"\xff\xfe"
            form = {f: value if isinstance(value, bytes) else str(value) for f in FIELDS}
            response = client.post(path, data=form, headers=headers)
            _check(response, f"{role} POST form {path} {str(value)[:12]!r}", failures)
    assert not failures, "\n".join(failures)
