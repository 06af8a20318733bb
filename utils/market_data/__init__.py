"""Market data providers: the simulated market (default, offline) and Yahoo Finance.

    provider = make_provider("sim", seed=7)
    provider.quotes(["AAPL", "MSFT"])["AAPL"].price   # Decimal

Pure Python: nothing here touches the database or Flask.
"""

from utils.market_data.base import (
    PERIODS,
    Bar,
    Fundamentals,
    MarketDataError,
    MarketDataProvider,
    Profile,
    ProviderUnavailable,
    Quote,
    Statement,
    UnknownPeriod,
    UnknownTicker,
    filter_period,
    period_start,
)
from utils.market_data.catalog import Catalog, CatalogEntry, load_catalog, normalise_symbol, search
from utils.market_data.sim import SimProvider
from utils.market_data.yahoo import YFinanceProvider

PROVIDERS = ("sim", "yfinance")

__all__ = [
    "PERIODS",
    "PROVIDERS",
    "Bar",
    "Catalog",
    "CatalogEntry",
    "Fundamentals",
    "MarketDataError",
    "MarketDataProvider",
    "Profile",
    "ProviderUnavailable",
    "Quote",
    "SimProvider",
    "Statement",
    "UnknownPeriod",
    "UnknownTicker",
    "YFinanceProvider",
    "filter_period",
    "load_catalog",
    "make_provider",
    "normalise_symbol",
    "period_start",
    "search",
]


def make_provider(name: str, **settings) -> MarketDataProvider:
    """Build the provider called ``name`` ("sim" or "yfinance") with its keyword settings.

    ``settings`` are the constructor's arguments. For "yfinance", ``fallback="sim"``
    (optionally with ``fallback_settings``) builds a simulated market to answer,
    marked stale, when Yahoo fails and nothing is cached.
    """
    key = str(name or "").strip().lower()
    if key == "sim":
        return SimProvider(**settings)
    if key == "yfinance":
        sim_settings = settings.pop("fallback_settings", None) or {}
        if settings.get("fallback") == "sim":
            settings["fallback"] = lambda: SimProvider(**sim_settings)
        return YFinanceProvider(**settings)
    raise ValueError(f"Unknown market data provider {name!r}; use one of {', '.join(PROVIDERS)}")
