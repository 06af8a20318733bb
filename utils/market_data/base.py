"""Value types, errors and the interface shared by every market data provider.

Everything a provider returns is immutable and uses ``Decimal`` for money and
prices (4 dp for prices), never float, so callers can store it as ``Numeric``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

PERIODS = ("1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "max")
STATEMENT_KINDS = ("balance_sheet", "income_statement")

# Yahoo counts its short periods in trading days and its long ones in calendar months.
_TRADING_DAYS = {"1d": 1, "5d": 5}
_MONTHS = {"1mo": 1, "3mo": 3, "6mo": 6, "1y": 12, "2y": 24, "5y": 60}


class MarketDataError(Exception):
    """Base class of every error a provider raises on purpose."""


class UnknownTicker(MarketDataError):
    """One or more symbols are not known to the provider; ``tickers`` names them."""

    def __init__(self, tickers):
        self.tickers = [tickers] if isinstance(tickers, str) else sorted(tickers)
        super().__init__(f"Unknown ticker: {', '.join(self.tickers)}")


class UnknownPeriod(MarketDataError):
    """The period is not one of PERIODS."""

    def __init__(self, period):
        self.period = period
        super().__init__(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}")


class ProviderUnavailable(MarketDataError):
    """The source failed and there is no cached or fallback answer to give instead."""


@dataclass(frozen=True, slots=True)
class Quote:
    """The latest price of one ticker with the day's range so far.

    ``as_of`` is naive UTC. ``stale`` is True when the value is an old or fallback
    answer given because the live source failed. ``change_percent`` is in percent.
    """

    ticker: str
    price: Decimal
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    previous_close: Decimal | None
    change: Decimal | None
    change_percent: Decimal | None
    volume: int | None
    as_of: datetime
    source: str
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Bar:
    """One daily OHLCV bar."""

    date: date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    adj_close: Decimal
    volume: int


@dataclass(frozen=True, slots=True)
class Profile:
    """Who a ticker is: company name and classification (None when unknown)."""

    ticker: str
    name: str | None
    sector: str | None
    industry: str | None
    source: str
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """Headline fundamentals. Missing figures are None, never estimated.

    ``available`` is False (with a ``note`` saying why) when the source has none.
    """

    ticker: str
    as_of_date: date | None
    market_cap: Decimal | None
    pe_ratio: Decimal | None
    pb_ratio: Decimal | None
    dividend_yield: Decimal | None
    revenue: Decimal | None
    net_income: Decimal | None
    eps: Decimal | None
    available: bool
    source: str
    note: str | None = None
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Statement:
    """A financial statement: ``periods`` is a list, newest first, of
    ``{"period": date, "items": {line item: Decimal | None}}``."""

    ticker: str
    kind: str
    periods: list
    available: bool
    source: str
    note: str | None = None
    stale: bool = False


def check_period(period: str) -> str:
    """Return ``period`` if it is one of PERIODS, else raise UnknownPeriod."""
    if period not in PERIODS:
        raise UnknownPeriod(period)
    return period


def period_start(period: str, last: date) -> date | None:
    """The first date (inclusive) a ``period`` of daily bars ending on ``last`` covers.

    "1d"/"5d" count trading days back from ``last``; longer periods are calendar months
    (so "1mo" ending 15 March starts 16 February). "max" has no start (None).
    """
    check_period(period)
    if period == "max":
        return None
    if period in _TRADING_DAYS:
        return trading_days_back(last, _TRADING_DAYS[period] - 1)
    return add_months(last, -_MONTHS[period]) + timedelta(days=1)


def trading_days_back(day: date, count: int) -> date:
    """The date ``count`` trading days (the exchange's calendar: no weekends, no holidays)
    before ``day``; ``day`` itself for 0."""
    from utils.market_data.hours import is_trading_day

    while count > 0:
        day -= timedelta(days=1)
        if is_trading_day(day):
            count -= 1
    return day


def add_months(day: date, months: int) -> date:
    """Shift ``day`` by whole months, clamping the day to the target month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def filter_period(bars: list[Bar], period: str) -> list[Bar]:
    """Keep the bars (oldest first) that fall inside ``period`` ending at the last bar."""
    check_period(period)
    if not bars:
        return []
    start = period_start(period, bars[-1].date)
    if start is None:
        return list(bars)
    return [bar for bar in bars if bar.date >= start]


class MarketDataProvider(ABC):
    """What the rest of PaperDesk may ask of a price source.

    Tickers are upper-case Yahoo-style symbols (class shares with a dash, BRK-B).
    Every method raises UnknownTicker for symbols the provider cannot serve.
    """

    name: str = "abstract"

    @abstractmethod
    def tickers(self) -> list[str]:
        """The symbols this provider can price, sorted."""

    @abstractmethod
    def quotes(self, tickers: list[str]) -> dict[str, Quote]:
        """Latest quotes for many tickers in one call, keyed by normalised symbol."""

    @abstractmethod
    def history(self, ticker: str, period: str) -> list[Bar]:
        """Daily bars for ``period`` (one of PERIODS), oldest first."""

    @abstractmethod
    def profile(self, ticker: str) -> Profile:
        """Company name, sector and industry."""

    @abstractmethod
    def fundamentals(self, ticker: str) -> Fundamentals:
        """Headline fundamentals, or ``available=False`` with a note."""

    @abstractmethod
    def balance_sheet(self, ticker: str) -> Statement:
        """Balance sheet by period, or ``available=False`` with a note."""

    @abstractmethod
    def income_statement(self, ticker: str) -> Statement:
        """Income statement by period, or ``available=False`` with a note."""
