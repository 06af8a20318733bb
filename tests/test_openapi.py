"""The OpenAPI document: generated from the request models, complete against the URL map,
and shown on /api/docs. (tests/fuzz/api_fuzz.py runs schemathesis against it in CI.)"""

import re

from routes.openapi.paths import ENDPOINTS
from routes.order_schemas import OrderRequest

NOT_JSON = {"/api/openapi.json", "/api/docs"}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_json_route_is_documented_and_nothing_else(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        path = _openapi_path(rule.rule)
        if "/api/" not in path or path in NOT_JSON:
            continue
        routes |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(e.method, e.path) for e in ENDPOINTS}
    assert routes - documented == set(), "JSON routes missing from routes/openapi/paths.py"
    for _method, path in documented - routes:  # the rest are JSON answers of shared pages
        assert any(_openapi_path(r.rule) == path for r in app.url_map.iter_rules()), path


def test_the_document_is_openapi_3_1_built_from_the_request_models(client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    schemas = doc["components"]["schemas"]
    order = schemas["OrderRequest"]
    assert set(order["required"]) == {"ticker", "order_type"}
    assert set(OrderRequest.model_json_schema()["properties"]) == set(order["properties"])
    operation = doc["paths"]["/user/api/create_order"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/OrderRequest"}
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "field" in schemas["Error"]["properties"]
    cancel = doc["paths"]["/user/orders/{order_id}/cancel"]["post"]
    assert cancel["parameters"][0]["schema"]["type"] == "integer"


def test_the_docs_page_lists_every_operation_without_inline_script(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for endpoint in ENDPOINTS:
        assert f"<code>{endpoint.path}</code>" in html
    assert "<script>" not in html and "script-src 'self'" in page.headers["Content-Security-Policy"]


class _Reads(dict):
    """A request body or query that records which names the service reads."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def _fields(model) -> set[str]:
    return set(model.model_json_schema()["properties"])


def _endpoint(path: str):
    return next(e for e in ENDPOINTS if e.path == path and e.method == "get")


def _query(path: str) -> set[str]:
    return {q.name for q in _endpoint(path).query}


def test_the_body_models_name_what_the_services_read(app):
    from routes import feature_schemas as req
    from routes.user.alerts import _note_id
    from services.alerts import store as alerts
    from services.analysis import preferences, risk
    from services.assistant import chat
    from services.rules import store as rules

    rule = {"ticker": "AAPL", "buy_below_pct": "1", "sell_above_pct": "1", "quantity": 1}
    cases = [
        (req.StockAnalysisRequest, risk.check, {"ticker": "AAPL"}, set()),
        (req.ChatRequest, chat.check_message, {"message": "Hello"}, {"stream"}),  # the route's
        (
            req.AlertRequest,
            alerts.parse,
            {"ticker": "AAPL", "kind": "above", "threshold": 5},
            set(),
        ),
        (req.RuleRequest, rules.parse, rule, set()),
        (req.IndicatorPreferencesRequest, preferences.check, {"overlays": ["sma"]}, set()),
        (req.NotificationReadRequest, _note_id, {}, set()),
    ]
    with app.app_context():
        for model, check, example, elsewhere in cases:
            body = _Reads(example)
            check(body)
            assert body.read == _fields(model) - elsewhere, model.__name__


def test_the_analysis_queries_name_what_the_services_read(app):
    from services.analysis import backtest, indicators, monte_carlo
    from utils.analysis import indicators as ind
    from utils.analysis import strategies

    with app.app_context():
        read = set()
        for name in ind.SPECS:
            args = _Reads({"ticker": "AAPL", "names": name})
            indicators.check(args)
            read |= args.read
        assert read == _query("/user/api/indicators")
        read = {"what"}  # the CSV route's own
        for name in strategies.SPECS:
            args = _Reads({"ticker": "AAPL", "strategy": name})
            backtest.check(args)
            read |= args.read
        assert read - {"what"} == _query("/user/api/backtest")
        assert read == _query("/user/api/backtest.csv")
        args = _Reads()
        monte_carlo.check(args)
        assert args.read == _query("/user/api/monte-carlo/portfolio")


def test_every_time_in_an_answer_is_utc_with_z(app, user_client, market):
    """Alerts, notifications, rules, their decisions, conversations and the DTS summary."""
    import re

    from tests.helpers import post_json

    market.set("AAPL", "150.00")
    post_json(
        user_client, "/user/api/alerts", {"ticker": "AAPL", "kind": "below", "threshold": 500}
    )
    rule = {"ticker": "AAPL", "window_seconds": 5, "buy_below_pct": "1", "sell_above_pct": "1",
            "quantity": 1, "max_trades_per_day": 5, "cooldown_seconds": 60,
            "ends_at": "2030-01-02T03:04:05+01:00"}  # fmt: skip
    rule_id = post_json(user_client, "/user/api/rules", rule).json["rule"]["rule_id"]
    post_json(user_client, "/user/api/chat", {"message": "How is my portfolio?"})
    stamps = []
    for url in ("/user/api/alerts", "/user/api/notifications", "/user/api/rules",
                f"/user/api/rules/{rule_id}", "/user/api/chat/conversations",
                "/user/api/dts/summary"):  # fmt: skip
        body = user_client.get(url)
        assert body.status_code == 200, url
        stamps += [(url, s) for s in re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', body.text)]
    assert stamps and all(s.endswith("Z") for _, s in stamps), stamps
    assert ("/user/api/rules", "2030-01-02T02:04:05Z") in stamps


def test_the_documented_bounds_are_the_ones_the_server_keeps(app, user_client):
    paths = user_client.get("/api/openapi.json").json["paths"]

    def schema(path, name):
        (param,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == name]
        return param["schema"]

    for path, arg in (("/user/api/orders", "limit"), ("/user/api/transactions", "limit"),
                      ("/api/candles", "limit"), ("/user/api/orders", "page")):  # fmt: skip
        most = schema(path, arg)["maximum"]
        url = f"{path}?ticker=AAPL&{arg}="
        assert user_client.get(f"{url}{most}").status_code == 200, (path, arg)
        assert user_client.get(f"{url}{most + 1}").status_code == 400, (path, arg)
    assert schema("/user/api/transactions", "type")["enum"] == ["buy", "sell"]
    refused = user_client.get("/user/api/transactions?type=zzz")
    assert refused.status_code == 400 and refused.json["field"] == "type"
    assert "5d" in schema("/user/api/market_data", "period")["enum"]


def test_the_admin_lists_document_the_filters_they_read(app, monkeypatch):
    from types import SimpleNamespace

    from routes import helpers
    from routes.admin import orders

    args = _Reads()
    monkeypatch.setattr(orders, "request", SimpleNamespace(args=args))
    monkeypatch.setattr(helpers, "request", SimpleNamespace(args=args))
    with app.app_context():
        orders._filters()
    assert args.read | {"page"} == _query("/admin/orders")
    (status,) = [q for q in _endpoint("/admin/fund-transactions").query if q.name == "status"]
    assert status.schema["enum"] == ["approved", "pending", "rejected"]


def test_the_activity_window_is_documented_as_the_server_takes_it(admin_client):
    paths = admin_client.get("/api/openapi.json").json["paths"]
    params = paths["/admin/api/activity"]["get"]["parameters"]
    (window,) = [p["schema"] for p in params if p["name"] == "window"]
    for good in (window["minimum"], window["maximum"]):
        assert admin_client.get(f"/admin/api/activity?window={good}").status_code == 200
    refused = admin_client.get(f"/admin/api/activity?window={window['multipleOf'] + 1}")
    assert refused.status_code == 400 and refused.json["field"] == "window"


def test_a_rejection_needs_the_reason_the_document_requires(app, user_client, admin_client):
    from tests.helpers import post_json

    schema = user_client.get("/api/openapi.json").json["components"]["schemas"]["RejectRequest"]
    reason = schema["properties"]["reason"]
    assert schema["required"] == ["reason"] and (reason["minLength"], reason["maxLength"]) == (
        1,
        255,
    )
    request_id = post_json(user_client, "/user/api/deposit", {"amount": 5}).json["transaction_id"]
    url = f"/admin/fund-transactions/{request_id}/reject"
    for body in ({}, {"reason": " "}, {"reason": "x" * 256}):
        refused = post_json(admin_client, url, body)
        assert refused.status_code == 400 and refused.json["field"] == "reason", body
    assert post_json(admin_client, url, {"reason": "x" * 255}).status_code == 200


def test_the_servers_own_refusal_of_a_long_request_line_is_documented(client):
    operations = [
        op
        for path in client.get("/api/openapi.json").json["paths"].values()
        for op in path.values()
    ]
    assert operations
    for operation in operations:  # gunicorn answers it with a page of its own, not JSON
        assert list(operation["responses"]["414"]["content"]) == ["text/html"]
