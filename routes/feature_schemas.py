"""pydantic models of the JSON bodies of the analysis, assistant, rules and alerts API.

The services check these bodies themselves (the same checks serve the HTML forms, and
some bounds come from settings or the known tickers); these models state the same
fields and bounds for the OpenAPI document, so schemathesis fuzzes what the services
accept. tests/test_openapi.py holds each model to its service's field names.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.alerts import ALERT_KINDS
from services.analysis.preferences import OVERLAYS, PANELS
from services.assistant.chat import CONTEXT_MAX_FIGURES, PAGES

Ticker = str
TICKER = {"min_length": 1, "max_length": 12}
Number = Decimal | float | str  # money and percentages: a JSON number or a decimal string
Overlay = Literal[OVERLAYS]  # type: ignore[valid-type]
Panel = Literal[PANELS]  # type: ignore[valid-type]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StockAnalysisRequest(Body):
    """POST /user/api/stock_analysis: one ticker (with an optional window of trading
    days) or a list of tickers over an optional date range."""

    ticker: Ticker | None = Field(None, **TICKER)
    tickers: list[Ticker] | None = Field(None, min_length=1, max_length=10)
    start_date: date | None = None
    end_date: date | None = None
    window: int | None = Field(None, ge=30, le=5000)
    risk_free: float | None = Field(None, ge=-0.05, le=0.25)


class ChatContext(Body):
    page: Literal[PAGES]  # type: ignore[valid-type]
    figures: dict[str, str | float] = Field(min_length=1, max_length=CONTEXT_MAX_FIGURES)


class ChatRequest(Body):
    """POST /user/api/chat: a question, optionally in an existing conversation; with
    ``stream`` the answer is read from the returned stream_url."""

    message: str = Field(min_length=1, max_length=2000)
    conversation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    context: ChatContext | None = None
    stream: bool = False


class AlertRequest(Body):
    """POST /user/api/alerts: a price (above, below) or a % move in the day."""

    ticker: Ticker = Field(**TICKER)
    kind: Literal[ALERT_KINDS]  # type: ignore[valid-type]
    threshold: Number


class RuleRequest(Body):
    """POST /user/api/rules and PUT /user/api/rules/{rule_id}: trade when the price is
    below or above its moving average over window_seconds; quantity or amount per trade."""

    ticker: Ticker = Field(**TICKER)
    window_seconds: int = Field(5, ge=1, le=3600)
    buy_below_pct: Number
    sell_above_pct: Number
    quantity: int | None = Field(None, ge=1, le=1_000_000)
    amount: Number | None = None
    max_position: int | None = Field(None, ge=1, le=10_000_000)
    max_trades_per_day: int = Field(10, ge=1, le=1000)
    cooldown_seconds: int = Field(60, ge=1, le=86_400)
    ends_at: datetime | date | None = None


class IndicatorPreferencesRequest(Body):
    """POST /user/api/preferences/indicators: the overlays and panels the stock page
    shows, and their parameters (see GET /user/api/indicators)."""

    overlays: list[Overlay] = []
    panels: list[Panel] = []
    params: dict[str, float] = {}


class NotificationReadRequest(Body):
    """POST /user/api/notifications/read: one notification, or all when none is given."""

    notification_id: int | None = Field(None, ge=1, le=2**31 - 1)
