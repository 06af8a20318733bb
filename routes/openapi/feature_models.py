"""Response models of the analysis, assistant, rules, alerts and activity API (see
routes.openapi.models for the conventions: the fields named are promised, more may
follow). Analysis figures are JSON numbers (they are statistics, not money); a figure
that cannot be computed is null."""

from routes.openapi.models import Ok, Shape, Text

Figure = float | None


class IndicatorAnswer(Ok):
    ticker: str
    period: str
    dates: list[str]
    series: dict[str, list[Figure]]
    params: dict[str, float]


class RiskAnswer(Ok):
    data: dict[str, dict[str, float | str | None]]
    metrics: dict[str, str]
    benchmark: str
    charts: dict
    risk_free: float


class Band(Shape):
    day: int
    date: str
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float


class Series(Shape):
    dates: list[str]
    values: list[Figure]


class MonteCarloAnswer(Ok):
    """One ticker's outlook (with ``ticker``) or the portfolio's (with ``holdings``)."""

    params: dict[str, int | bool | None]  # antithetic: whether the paths were paired
    predictions: list[Band]
    statistics: dict
    history: Series


class BacktestAnswer(Ok):
    ticker: str
    strategy: str
    strategy_name: str
    params: dict[str, float]
    cash: float
    dates: list[str]
    equity: list[Figure]
    drawdown: list[Figure]
    metrics: dict[str, Figure]
    buy_and_hold: dict[str, Figure]
    trades: list[dict]
    costs: dict[str, float]


class PerformanceAnswer(Ok):
    """The account's daily valuation; without deposits, empty ``dates`` and a message."""

    dates: list[str]
    days: int


class IndicatorPreferences(Shape):
    overlays: list[str]
    panels: list[str]
    params: dict[str, float]


class PreferencesAnswer(Ok):
    preferences: IndicatorPreferences


class Alert(Shape):
    alert_id: int
    ticker: str
    kind: str
    threshold: str
    created_at: str
    fired_at: Text
    fired_price: Text


class AlertAnswer(Ok):
    alert: Alert


class AlertList(Ok):
    alerts: list[Alert]


class Notification(Shape):
    notification_id: int
    kind: str
    message: str
    link: Text
    created_at: str
    read: bool


class NotificationList(Ok):
    unread: int
    notifications: list[Notification]


class Marked(Ok):
    marked: int


class Rule(Shape):
    rule_id: int
    ticker: str
    active: bool
    window_seconds: int
    buy_below_pct: str
    sell_above_pct: str
    quantity: int | None
    amount: Text
    max_position: int | None
    max_trades_per_day: int
    cooldown_seconds: int
    ends_at: Text
    last_trade_at: Text
    trades_today: int


class Decision(Shape):
    decision_id: int
    at: str
    side: str
    price: str
    average: str
    deviation_pct: str
    outcome: str
    reason: Text
    order_id: int | None


class RuleAnswer(Ok):
    rule: Rule


class RuleList(Ok):
    rules: list[Rule]


class RuleDetail(RuleAnswer):
    performance: dict[str, str]
    decisions: list[Decision]


class ChatAnswer(Ok):
    """The answer (``response``, ``html``) or, when asked to stream, its ``stream_url``."""

    conversation_id: int
    message_id: int
    response: Text = None
    stream_url: Text = None


class ConversationSummary(Shape):
    conversation_id: int
    title: str
    updated_at: str


class ConversationList(Ok):
    conversations: list[ConversationSummary]


class ChatMessage(Shape):
    message_id: int
    role: str
    text: Text
    created_at: str


class ConversationAnswer(Ok):
    conversation_id: int
    title: str
    messages: list[ChatMessage]


class ActivityAnswer(Ok):
    """Windows of market activity: from the worker's memory when it runs in the answering
    process, otherwise the stored minute summaries."""

    source: str
    window: int
    windows: list[dict]


class RuleBacktestMetrics(Shape):
    total_return: float
    annual_return: Figure
    annual_volatility: float
    max_drawdown: float
    sharpe: Figure
    win_rate: Figure
    exposure: float
    trades: int
    commission: float


class RuleFill(Shape):
    date: str
    side: str
    price: float
    shares: int
    commission: float
    pnl: Figure
    position: int
    cash: float


class RuleSkip(Shape):
    date: str
    side: str
    reason: str


class RuleBacktestAnswer(Ok):
    """A rule backtested on daily bars (numbers are floats: a study, not money moved)."""

    rule_id: int
    ticker: str
    params: dict
    dates: list[str]
    equity: list[float]
    drawdown: list[float]
    benchmark_equity: list[float]
    trades: list[RuleFill]
    skipped: list[RuleSkip]
    metrics: RuleBacktestMetrics
    buy_and_hold: RuleBacktestMetrics
