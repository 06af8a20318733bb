"""All models, imported here so that Alembic and the app see every table."""

from models.activity import ActivityMinute
from models.alerts import ALERT_KINDS, Notification, PriceAlert
from models.analysis import AccountValuation, UserPreference
from models.assistant import AssistantUsage, ChatMessage, Conversation
from models.audit import AuditLog
from models.dts import DTS_EVENT_KINDS, DtsEvent, DtsSequence
from models.finance import AccountBalance, AccountReset, CashLedger, FundTransaction, SiteSetting
from models.market import (
    Candle,
    FundamentalData,
    LatestQuote,
    MarketData,
    MarketTicker,
    WatchlistItem,
    WorkerLease,
)
from models.rules import AutoRule, RuleDecision
from models.session import LoginSession
from models.trade import OPEN_STATUSES, ORDER_STATUSES, Order, Portfolio, QuoteHold, Transaction
from models.twofactor import RecoveryCode, TwoFactor
from models.user import Admin, ApiToken, LoginAttempt, User

__all__ = [
    "ALERT_KINDS",
    "DTS_EVENT_KINDS",
    "OPEN_STATUSES",
    "ORDER_STATUSES",
    "AccountBalance",
    "AccountReset",
    "AccountValuation",
    "ActivityMinute",
    "Admin",
    "ApiToken",
    "AssistantUsage",
    "AuditLog",
    "AutoRule",
    "Candle",
    "CashLedger",
    "ChatMessage",
    "Conversation",
    "DtsEvent",
    "DtsSequence",
    "FundTransaction",
    "FundamentalData",
    "LatestQuote",
    "LoginAttempt",
    "LoginSession",
    "MarketData",
    "MarketTicker",
    "Notification",
    "Order",
    "Portfolio",
    "PriceAlert",
    "QuoteHold",
    "RecoveryCode",
    "RuleDecision",
    "SiteSetting",
    "Transaction",
    "TwoFactor",
    "User",
    "UserPreference",
    "WatchlistItem",
    "WorkerLease",
]
