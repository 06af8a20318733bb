"""The analysis, assistant, rules, alerts and activity endpoints of the OpenAPI document.

Query parameters of the analysis endpoints come from the parameter tables the services
check them against (indicator and strategy specs, the Monte Carlo limits in Config).
"""

from config import Config
from routes import feature_schemas as req
from routes.openapi import feature_models as f
from routes.openapi import models as m
from routes.openapi.endpoint import Endpoint, Query
from utils.analysis import indicators, strategies
from utils.market_data.base import PERIODS

TICKER = Query("ticker", {"type": "string", "minLength": 1, "maxLength": 12}, required=True)
PERIOD = Query("period", {"type": "string", "enum": list(PERIODS)})
DATES = (
    Query("start_date", {"type": "string", "format": "date"}),
    Query("end_date", {"type": "string", "format": "date"}),
)


def _spec_params(specs: dict) -> tuple[Query, ...]:
    """One query parameter per indicator or strategy parameter, with its bounds."""
    found = {}
    for table in specs.values():
        for name, p in table.items():
            kind = "integer" if p.integer else "number"
            low, high = (int(p.low), int(p.high)) if p.integer else (p.low, p.high)
            if name in found:  # a name shared by strategies: the widest bounds
                low, high = min(low, found[name]["minimum"]), max(high, found[name]["maximum"])
                kind = "number" if "number" in (kind, found[name]["type"]) else kind
            found[name] = {"type": kind, "minimum": low, "maximum": high}
    return tuple(Query(name, schema) for name, schema in found.items())


INDICATORS = (
    TICKER,
    Query(
        "names",
        {"type": "string", "description": "Comma-separated: " + ", ".join(indicators.SPECS)},
        required=True,
    ),
    PERIOD,
    *_spec_params(indicators.SPECS),
)
BACKTEST = (
    TICKER,
    Query("strategy", {"type": "string", "enum": list(strategies.SPECS)}),
    *_spec_params(strategies.SPECS),
    *DATES,
    Query("cash", {"type": "number", "minimum": 100, "maximum": 100_000_000}),
)
MONTE_CARLO = (
    Query("days", {"type": "integer", "minimum": 1, "maximum": Config.MC_MAX_DAYS}),
    Query(
        "simulations",
        {"type": "integer", "minimum": 100, "maximum": Config.MC_MAX_SIMULATIONS},
    ),
    Query("seed", {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}),
    Query("lookback", {"type": "integer", "minimum": 30, "maximum": 5000}),
)
RULE = ("rule_id",)

ANALYSIS = (
    Endpoint(
        "get", "/user/api/indicators", "Indicator series", f.IndicatorAnswer, query=INDICATORS
    ),
    Endpoint(
        "post", "/user/api/stock_analysis", "Risk metrics", f.RiskAnswer, req.StockAnalysisRequest
    ),
    Endpoint(
        "get",
        "/user/api/monte-carlo/portfolio",
        "Monte Carlo outlook of your holdings",
        f.MonteCarloAnswer,
        query=MONTE_CARLO,
    ),
    Endpoint(
        "get",
        "/user/api/monte-carlo/{ticker}",
        "Monte Carlo outlook of a ticker",
        f.MonteCarloAnswer,
        query=MONTE_CARLO,
        path_params=("ticker",),
    ),
    Endpoint("get", "/user/api/backtest", "Backtest a strategy", f.BacktestAnswer, query=BACKTEST),
    Endpoint(
        "get",
        "/user/api/backtest.csv",
        "A backtest's trades or equity curve as CSV",
        None,
        query=(*BACKTEST, Query("what", {"type": "string", "enum": ["trades", "curve"]})),
        media="text/csv",
    ),
    Endpoint(
        "get",
        "/user/api/performance",
        "Your account's performance",
        f.PerformanceAnswer,
        query=(Query("rebuild", {"type": "boolean"}),),
    ),
    Endpoint(
        "get",
        "/user/api/preferences/indicators",
        "Your chart indicators",
        f.PreferencesAnswer,
    ),
    Endpoint(
        "post",
        "/user/api/preferences/indicators",
        "Save your chart indicators",
        f.PreferencesAnswer,
        req.IndicatorPreferencesRequest,
    ),
)

ASSISTANT = (
    Endpoint("post", "/user/api/chat", "Ask the assistant", f.ChatAnswer, req.ChatRequest),
    Endpoint(
        "get",
        "/user/api/chat/stream",
        "The answer to a question, as Server-Sent Events",
        None,
        query=(Query("message_id", {"type": "integer", "minimum": 1}, required=True),),
        media="text/event-stream",
    ),
    Endpoint("get", "/user/api/chat/conversations", "Your conversations", f.ConversationList),
    Endpoint(
        "get",
        "/user/api/chat/conversations/{conversation_id}",
        "A conversation's messages",
        f.ConversationAnswer,
        path_params=("conversation_id",),
    ),
    Endpoint(
        "post",
        "/user/api/chat/conversations/{conversation_id}/delete",
        "Delete a conversation",
        m.Ok,
        path_params=("conversation_id",),
    ),
)

AUTOMATION = (
    Endpoint("get", "/user/api/rules", "Your trading rules", f.RuleList),
    Endpoint(
        "post", "/user/api/rules", "Create a rule", f.RuleAnswer, req.RuleRequest, status="201"
    ),
    Endpoint(
        "get",
        "/user/api/rules/{rule_id}",
        "A rule, its decisions and trades",
        f.RuleDetail,
        path_params=RULE,
    ),
    Endpoint(
        "put",
        "/user/api/rules/{rule_id}",
        "Change a rule",
        f.RuleAnswer,
        req.RuleRequest,
        path_params=RULE,
    ),
    Endpoint(
        "post", "/user/api/rules/{rule_id}/pause", "Pause a rule", f.RuleAnswer, path_params=RULE
    ),
    Endpoint(
        "post",
        "/user/api/rules/{rule_id}/resume",
        "Resume a rule",
        f.RuleAnswer,
        path_params=RULE,
    ),
    Endpoint("delete", "/user/api/rules/{rule_id}", "Delete a rule", m.Ok, path_params=RULE),
    Endpoint(
        "get",
        "/user/api/rules/{rule_id}/backtest",
        "Backtest one of your rules on the stored daily bars",
        f.RuleBacktestAnswer,
        query=(
            *DATES,
            Query("cash", {"type": "number", "minimum": 100, "maximum": 100_000_000}),
            Query("window_days", {"type": "integer", "minimum": 2, "maximum": 250}),
        ),
        path_params=RULE,
    ),
    Endpoint("get", "/user/api/alerts", "Your price alerts", f.AlertList),
    Endpoint(
        "post",
        "/user/api/alerts",
        "Set a price alert",
        f.AlertAnswer,
        req.AlertRequest,
        status="201",
    ),
    Endpoint(
        "delete",
        "/user/api/alerts/{alert_id}",
        "Delete an alert",
        m.Ok,
        path_params=("alert_id",),
    ),
    Endpoint("get", "/user/api/notifications", "Your notifications", f.NotificationList),
    Endpoint(
        "post",
        "/user/api/notifications/read",
        "Mark one or all notifications read",
        f.Marked,
        req.NotificationReadRequest,
    ),
    Endpoint(
        "get",
        "/admin/api/activity",
        "Market activity by window",
        f.ActivityAnswer,
        query=(
            Query(
                "window",
                {
                    "type": "integer",
                    "minimum": Config.ACTIVITY_WINDOW,
                    "maximum": 3600,
                    "multipleOf": Config.ACTIVITY_WINDOW,
                },
            ),
            Query("since", {"type": "number", "minimum": 0}),
        ),
        role="admin",
    ),
)

FEATURE_ENDPOINTS = ANALYSIS + ASSISTANT + AUTOMATION
