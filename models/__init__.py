"""All models, imported here so that Alembic and the app see every table."""

from models.activity import ActivityMinute
from models.alerts import ALERT_KINDS, Notification, PriceAlert
from models.audit import AuditLog
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
from models.user import Admin, ApiToken, LoginAttempt, User

__all__ = [
    "ALERT_KINDS",
    "OPEN_STATUSES",
    "ORDER_STATUSES",
    "AccountBalance",
    "AccountReset",
    "ActivityMinute",
    "Admin",
    "ApiToken",
    "AuditLog",
    "AutoRule",
    "Candle",
    "CashLedger",
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
    "RuleDecision",
    "SiteSetting",
    "Transaction",
    "User",
    "WatchlistItem",
    "WorkerLease",
]
