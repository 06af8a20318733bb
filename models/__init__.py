"""All models, imported here so that Alembic and the app see every table."""

from models.audit import AuditLog
from models.finance import AccountBalance, CashLedger, FundTransaction
from models.market import FundamentalData, MarketData
from models.trade import Order, Portfolio, Transaction
from models.user import Admin, ApiToken, LoginAttempt, User

__all__ = [
    "AccountBalance",
    "Admin",
    "ApiToken",
    "AuditLog",
    "CashLedger",
    "FundTransaction",
    "FundamentalData",
    "LoginAttempt",
    "MarketData",
    "Order",
    "Portfolio",
    "Transaction",
    "User",
]
