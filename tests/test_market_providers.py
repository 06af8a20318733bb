"""The contract every market data provider keeps, run against the sim and (faked) Yahoo."""

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.fixtures.market.fake_yf import Clock, FakeYF
from utils.market_data import (
    PERIODS,
    MarketDataProvider,
    SimProvider,
    UnknownPeriod,
    UnknownTicker,
    YFinanceProvider,
    make_provider,
    period_start,
)
from utils.market_data.base import add_months, filter_period, trading_days_back

FIGURES = ("market_cap", "pe_ratio", "pb_ratio", "dividend_yield", "revenue", "net_income", "eps")


@pytest.fixture(params=["sim", "yfinance"])
def provider(request) -> MarketDataProvider:
    clock = Clock()
    if request.param == "sim":
        return SimProvider(seed=11, clock=clock)
    return YFinanceProvider(yf_module=FakeYF(), clock=clock, sleep=lambda s: None)


def _is_price(value) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -4


def test_quotes_for_several_tickers_in_one_call(provider):
    quotes = provider.quotes(["AAPL", " msft"])

    assert list(quotes) == ["AAPL", "MSFT"]
    for ticker, quote in quotes.items():
        assert quote.ticker == ticker
        assert quote.source == provider.name
        assert quote.stale is False
        assert all(_is_price(v) for v in (quote.price, quote.high, quote.low, quote.previous_close))
        assert quote.low <= quote.price <= quote.high
        assert quote.change == quote.price - quote.previous_close
        assert isinstance(quote.as_of, datetime) and quote.as_of.tzinfo is None
        assert isinstance(quote.volume, int) and quote.volume >= 0


def test_quotes_name_every_unknown_ticker(provider):
    with pytest.raises(UnknownTicker) as caught:
        provider.quotes(["AAPL", "ZZZZQ", "QQQQZ"])

    assert caught.value.tickers == ["QQQQZ", "ZZZZQ"]


def test_quotes_of_nothing_is_empty(provider):
    assert provider.quotes([]) == {}


def test_history_is_oldest_first_with_consistent_decimal_bars(provider):
    bars = provider.history("AAPL", "max")

    assert len(bars) > 250
    assert all(a.date < b.date for a, b in itertools.pairwise(bars))
    for bar in bars:
        assert all(_is_price(v) for v in (bar.open, bar.high, bar.low, bar.close, bar.adj_close))
        assert bar.high >= max(bar.open, bar.close)
        assert bar.low <= min(bar.open, bar.close)
        assert isinstance(bar.volume, int)


def test_periods_filter_to_their_window(provider):
    everything = provider.history("AAPL", "max")
    last = everything[-1].date
    sizes = []
    for period in PERIODS:
        bars = provider.history("AAPL", period)
        start = period_start(period, last)
        assert bars[-1].date == last
        assert start is None or bars[0].date >= start
        assert bars == [bar for bar in everything if start is None or bar.date >= start]
        sizes.append(len(bars))

    assert sizes[:2] == [1, 5]
    assert sizes == sorted(sizes) and sizes[-1] == len(everything)
    assert 19 <= sizes[2] <= 23  # one month of weekdays


def test_unknown_period_and_ticker_are_refused(provider):
    with pytest.raises(UnknownPeriod):
        provider.history("AAPL", "7d")
    with pytest.raises(UnknownTicker):
        provider.history("ZZZZQ", "1mo")


def test_profile_names_the_company(provider):
    profile = provider.profile("AAPL")

    assert profile.ticker == "AAPL"
    assert "Apple" in profile.name
    assert profile.sector and profile.source == provider.name


def test_fundamentals_shape(provider):
    fundamentals = provider.fundamentals("AAPL")

    assert fundamentals.ticker == "AAPL" and fundamentals.source == provider.name
    values = [getattr(fundamentals, name) for name in FIGURES]
    assert all(value is None or isinstance(value, Decimal) for value in values)
    if fundamentals.available:
        assert any(value is not None for value in values)
        assert isinstance(fundamentals.as_of_date, date)
    else:
        assert values == [None] * len(FIGURES) and fundamentals.note


@pytest.mark.parametrize("kind", ["balance_sheet", "income_statement"])
def test_statement_shape(provider, kind):
    statement = getattr(provider, kind)("AAPL")

    assert (statement.ticker, statement.kind, statement.source) == ("AAPL", kind, provider.name)
    if not statement.available:
        assert statement.periods == [] and statement.note
    dates = [period["period"] for period in statement.periods]
    assert dates == sorted(dates, reverse=True)
    for period in statement.periods:
        assert isinstance(period["period"], date)
        assert period["items"]
        assert all(v is None or isinstance(v, Decimal) for v in period["items"].values())


def test_tickers_lists_what_can_be_priced(provider):
    tickers = provider.tickers()

    assert {"AAPL", "MSFT"} <= set(tickers)
    assert tickers == sorted(tickers)


def test_make_provider_builds_by_name():
    assert isinstance(make_provider("sim", seed=3), SimProvider)
    assert isinstance(make_provider(" YFinance ", yf_module=FakeYF()), YFinanceProvider)
    with pytest.raises(ValueError, match="Unknown market data provider"):
        make_provider("alphavantage")


def test_period_start_counts_weekdays_then_calendar_months():
    friday = date(2024, 3, 29)

    assert period_start("1d", friday) == friday
    assert period_start("5d", friday) == date(2024, 3, 25)
    assert period_start("1mo", friday) == date(2024, 3, 1)  # 29 Feb + 1 day
    assert period_start("1y", friday) == date(2023, 3, 30)
    assert period_start("max", friday) is None
    with pytest.raises(UnknownPeriod):
        period_start("10y", friday)


def test_date_helpers_clamp_and_skip_weekends():
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 15), 1) == date(2024, 1, 15)
    assert trading_days_back(date(2024, 6, 10), 1) == date(2024, 6, 7)  # Monday -> Friday
    assert trading_days_back(date(2024, 5, 28), 1) == date(2024, 5, 24)  # Memorial Day skipped


def test_five_days_are_five_trading_days_across_a_holiday():
    from utils.market_data.base import Bar

    days = [date(2024, 5, d) for d in (17, 20, 21, 22, 23, 24, 28)]  # 27 May: Memorial Day
    bars = [Bar(d, *(Decimal("1"),) * 5, 1) for d in days]
    assert [b.date for b in filter_period(bars, "5d")] == days[-5:]
