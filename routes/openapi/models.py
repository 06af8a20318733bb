"""Response models of the JSON API, for the OpenAPI document (money and prices are
strings of plain decimals, times ISO 8601 UTC)."""

from pydantic import BaseModel, ConfigDict, Field

Text = str | None


class Shape(BaseModel):
    """A response object: the fields named here are promised; more may follow."""

    model_config = ConfigDict(extra="allow")


class Error(Shape):
    """Every 4xx and 5xx answer of the API."""

    success: bool = Field(False, json_schema_extra={"const": False})
    error: str
    field: Text = None


class Ok(Shape):
    success: bool = Field(True, json_schema_extra={"const": True})
    message: str | None = None


class Balance(Shape):
    available_balance: str
    frozen_balance: str
    total_balance: str


class BalanceAnswer(Ok):
    data: Balance


class FundRequest(Shape):
    transaction_id: int
    transaction_type: str
    amount: str
    status: str
    created_at: str


class FundRequestAnswer(Ok):
    transaction_id: int


class FundList(Ok):
    data: list[FundRequest]


class FundDecision(Ok):
    data: FundRequest


class Order(Shape):
    order_id: int
    ticker: str
    order_type: str
    execution_type: str
    quantity: int
    filled_quantity: int
    status: str
    time_in_force: str
    created_at: str


class Pagination(Shape):
    page: int
    limit: int
    total: int
    pages: int


class OrderAnswer(Ok):
    order: Order


class OrderPlaced(OrderAnswer):
    order_id: int


class OrderList(Ok):
    orders: list[Order]
    pagination: Pagination


class Fill(Shape):
    transaction_id: int
    order_id: int
    ticker: str
    type: str
    price: str
    quantity: int
    amount: str


class FillList(Ok):
    transactions: list[Fill]
    pagination: Pagination


class PortfolioAnswer(Ok):
    positions: list[dict]
    summary: dict


class Hold(Shape):
    hold_id: int
    ticker: str
    order_type: str
    price: str
    status: str
    expires_at: str


class HoldAnswer(Ok):
    hold: Hold
    hold_id: int


class Quote(Shape):
    ticker: str
    price: str
    last_updated: str
    trading_day: str
    source: str
    stale: bool


class PriceAnswer(Ok, Quote):
    pass


class QuoteAnswer(Ok):
    data: Quote


class QuoteList(Ok):
    data: list[Quote]


class DataAnswer(Ok):
    data: dict | list


class Candle(Shape):
    time: int
    start: str
    open: str
    high: str
    low: str
    close: str
    volume: int
    closed: bool


class CandleList(Ok):
    ticker: str
    interval: int
    candles: list[Candle]


class CurrentCandle(Ok):
    ticker: str
    interval: int
    candle: Candle | None


class Match(Shape):
    ticker: str
    name: str | None = None


class SearchAnswer(Ok):
    results: list[Match]


class Watchlist(Ok):
    watchlist: list[str]


class WorkerAnswer(Ok):
    provider: str
    worker: dict | None


class DtsAnswer(Ok):
    result: dict


class DtsOutcome(Shape):
    success: bool
    result: dict | None = None
    error: str | None = None


class DtsBatchAnswer(Ok):
    commands: int
    errors: int
    results: list[DtsOutcome]


class DtsSummary(Shape):
    cash: str
    reserved_cash: str
    holdings: dict[str, int]
    reserved_shares: dict[str, int]
    buy_triggers: dict[str, dict]
    sell_triggers: dict[str, dict]
    history: list[dict]


class DtsSummaryAnswer(Ok):
    data: DtsSummary
