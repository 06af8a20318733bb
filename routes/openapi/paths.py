"""Every JSON endpoint: its method, path, request body model, query parameters and
answer model. The OpenAPI document is built from this list and the test
tests/test_openapi.py checks that every JSON route of the URL map is in it."""

from pydantic import BaseModel

from models import ORDER_STATUSES
from routes.admin.funds import STATUSES as FUND_STATUSES
from routes.dts import DtsBatchRequest, DtsLineRequest
from routes.helpers import MAX_PAGE
from routes.openapi import models as m
from routes.openapi.endpoint import Endpoint, Query
from routes.openapi.feature_paths import FEATURE_ENDPOINTS, PERIOD
from routes.order_schemas import HoldIdRequest, HoldRequest, OrderRequest
from routes.schemas import AmountRequest, RejectRequest, WithdrawRequest
from routes.user.trading import PAGE_LIMIT

__all__ = ["ENDPOINTS", "Endpoint", "Query"]


class TickerRequest(BaseModel):
    """POST /user/api/watchlist."""

    ticker: str


TICKER = Query("ticker", {"type": "string", "maxLength": 12}, required=True)
PAGE = Query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE})
LIMIT = Query("limit", {"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT})  # lists
CANDLE_LIMIT = Query("limit", {"type": "integer", "minimum": 1, "maximum": 1000})
INTERVAL = Query("interval", {"type": "string", "enum": ["10s", "1m"]})
STATUS = Query("status", {"type": "string", "enum": list(ORDER_STATUSES)})
FUND_STATUS = Query("status", {"type": "string", "enum": sorted(FUND_STATUSES - {""})})
SIDE = Query("type", {"type": "string", "enum": ["buy", "sell"]})
ADMIN_ORDER_FILTERS = (
    PAGE,
    STATUS,
    Query("ticker", {"type": "string"}),
    Query("side", {"type": "string", "enum": ["buy", "sell"]}),
    SIDE,  # the user list's name for the side
    Query("user", {"type": "string", "maxLength": 64, "description": "A name or #id"}),
    Query("user_id", {"type": "integer", "minimum": 1}),
)

CORE_ENDPOINTS = (
    Endpoint("post", "/user/api/deposit", "Ask for a deposit", m.FundRequestAnswer, AmountRequest),
    Endpoint(
        "post", "/user/api/withdraw", "Ask for a withdrawal", m.FundRequestAnswer, WithdrawRequest
    ),
    Endpoint("get", "/user/api/balance", "Cash: available, frozen, total", m.BalanceAnswer),
    Endpoint("get", "/user/api/fund_transactions", "Your deposits and withdrawals", m.FundList),
    Endpoint("post", "/user/api/create_order", "Place an order", m.OrderPlaced, OrderRequest),
    Endpoint(
        "get",
        "/user/api/orders",
        "Your orders",
        m.OrderList,
        query=(
            PAGE,
            LIMIT,
            STATUS,
            Query("ticker", {"type": "string"}),
            SIDE,
        ),
    ),
    Endpoint(
        "get",
        "/user/api/transactions",
        "Your fills",
        m.FillList,
        query=(PAGE, LIMIT, Query("ticker", {"type": "string"}), SIDE),
    ),
    Endpoint(
        "post",
        "/user/orders/{order_id}/cancel",
        "Cancel an open order",
        m.OrderAnswer,
        path_params=("order_id",),
    ),
    Endpoint("get", "/user/api/portfolio", "Positions, valued", m.PortfolioAnswer),
    Endpoint("post", "/user/api/quote_hold", "Hold a price for 60 s", m.HoldAnswer, HoldRequest),
    Endpoint(
        "post", "/user/api/quote_hold/commit", "Fill a held quote", m.OrderPlaced, HoldIdRequest
    ),
    Endpoint("post", "/user/api/quote_hold/cancel", "Drop a held quote", m.Ok, HoldIdRequest),
    Endpoint("get", "/user/api/market_data", "Daily bars", m.DataAnswer, query=(TICKER, PERIOD)),
    Endpoint("get", "/user/api/real_time_stock_data", "A quote", m.QuoteAnswer, query=(TICKER,)),
    Endpoint("get", "/user/api/fundamental_data", "Fundamentals", m.DataAnswer, query=(TICKER,)),
    Endpoint("get", "/user/api/balance_sheet", "Balance sheet", m.DataAnswer, query=(TICKER,)),
    Endpoint(
        "get", "/user/api/income_statement", "Income statement", m.DataAnswer, query=(TICKER,)
    ),
    Endpoint(
        "get",
        "/user/api/search",
        "Find tickers",
        m.SearchAnswer,
        query=(Query("q", {"type": "string"}),),
    ),
    Endpoint("get", "/user/api/watchlist", "Your watchlist, quoted", m.QuoteList),
    Endpoint("post", "/user/api/watchlist", "Watch a ticker", m.Watchlist, TickerRequest),
    Endpoint(
        "post",
        "/user/api/watchlist/{ticker}/remove",
        "Stop watching a ticker",
        m.Watchlist,
        path_params=("ticker",),
    ),
    Endpoint("get", "/api/price", "The current price", m.PriceAnswer, query=(TICKER,), role="any"),
    Endpoint(
        "get",
        "/api/candles",
        "Recent candles",
        m.CandleList,
        query=(TICKER, INTERVAL, CANDLE_LIMIT),
        role="any",
    ),
    Endpoint(
        "get",
        "/api/current-candle",
        "The candle being built",
        m.CurrentCandle,
        query=(TICKER, INTERVAL),
        role="any",
    ),
    Endpoint(
        "get",
        "/admin/fund-transactions",
        "Fund requests",
        m.FundList,
        query=(PAGE, FUND_STATUS),
        role="admin",
    ),
    Endpoint(
        "post",
        "/admin/fund-transactions/{transaction_id}/approve",
        "Approve a fund request",
        m.FundDecision,
        role="admin",
        path_params=("transaction_id",),
    ),
    Endpoint(
        "post",
        "/admin/fund-transactions/{transaction_id}/reject",
        "Reject a fund request",
        m.FundDecision,
        RejectRequest,
        role="admin",
        path_params=("transaction_id",),
    ),
    Endpoint(
        "get",
        "/admin/orders",
        "Every order",
        m.OrderList,
        query=ADMIN_ORDER_FILTERS,
        role="admin",
    ),
    Endpoint(
        "post",
        "/admin/orders/{order_id}/execute",
        "Fill an order at the current price",
        m.OrderAnswer,
        role="admin",
        path_params=("order_id",),
    ),
    Endpoint(
        "post",
        "/admin/orders/{order_id}/reject",
        "Reject an open order",
        m.OrderAnswer,
        RejectRequest,
        role="admin",
        path_params=("order_id",),
    ),
    Endpoint("get", "/admin/api/worker", "The market worker's lease", m.WorkerAnswer, role="admin"),
    Endpoint(
        "post", "/api/dts", "Run one DTS command line", m.DtsAnswer, DtsLineRequest, role="admin"
    ),
    Endpoint(
        "post",
        "/api/dts/batch",
        "Run DTS command lines in order",
        m.DtsBatchAnswer,
        DtsBatchRequest,
        role="admin",
    ),
    Endpoint("get", "/user/api/dts/summary", "Your DTS summary", m.DtsSummaryAnswer),
)

ENDPOINTS = CORE_ENDPOINTS + FEATURE_ENDPOINTS
