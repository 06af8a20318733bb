"""The simulated market: re-dated history, a reproducible walk, and no invented fundamentals."""

import itertools
import math
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fixtures.market.fake_yf import Clock
from utils.market_data import SimProvider, UnknownTicker, load_catalog, normalise_symbol, search
from utils.market_data.bars import load_bars, redate, series_stats
from utils.market_data.days import SIM_START
from utils.market_data.hours import next_trading_day, trading_days_before
from utils.market_data.sim import DEFAULT_DATA_DIR, NOT_AVAILABLE
from utils.market_data.walk import stable_hash

MONDAY = datetime(2026, 11, 23, 15, 0)
ROOT = Path(__file__).resolve().parents[1]


def _sim(seed=5, now=MONDAY, **kwargs) -> SimProvider:
    return SimProvider(seed=seed, clock=Clock(now), **kwargs)


def _quote_at(provider: SimProvider, ticker: str, now: datetime):
    provider._clock.now = now
    return provider.quotes([ticker])[ticker]


@pytest.mark.parametrize(
    ("today", "last"),
    [
        (date(2024, 6, 10), date(2024, 6, 7)),  # Monday -> Friday
        (date(2024, 6, 9), date(2024, 6, 7)),  # Sunday -> Friday
        (date(2024, 6, 8), date(2024, 6, 7)),  # Saturday -> Friday
        (date(2024, 6, 12), date(2024, 6, 11)),  # Wednesday -> Tuesday
        (date(2024, 11, 29), date(2024, 11, 27)),  # the day after Thanksgiving -> Wednesday
        (date(2024, 7, 5), date(2024, 7, 3)),  # after Independence Day -> Wednesday
    ],
)
def test_redating_ends_on_the_previous_trading_day(today, last):
    days = trading_days_before(today, 10)

    assert days[-1] == last
    assert len(days) == 10 and all(day.weekday() < 5 for day in days)


def test_redating_keeps_order_and_trading_day_spacing():
    bars = load_bars(DEFAULT_DATA_DIR / "AAPL_data.csv")
    moved = redate(bars, trading_days_before(date(2024, 12, 2), len(bars)))

    assert [bar.close for bar in moved] == [bar.close for bar in bars]
    assert moved[-1].date == date(2024, 11, 29)
    dates = {bar.date for bar in moved}
    assert date(2024, 11, 28) not in dates and date(2023, 12, 25) not in dates  # holidays
    for earlier, later in itertools.pairwise(moved):
        assert next_trading_day(earlier.date) == later.date  # next trading day, none skipped


def test_history_is_the_real_bars_redated_then_simulated_sessions():
    bars = _sim(now=datetime(2026, 11, 22, 9, 0)).history("AAPL", "max")  # a Sunday
    bundled = load_bars(DEFAULT_DATA_DIR / "AAPL_data.csv")
    real = [bar for bar in bars if bar.date < SIM_START]
    simulated = bars[len(real) :]

    assert [bar.close for bar in real] == [bar.close for bar in bundled]
    assert real[-1].date == date(2024, 12, 31)
    assert bars[-1].date == date(2026, 11, 20)
    assert simulated[0].open == real[-1].close
    for earlier, later in itertools.pairwise(simulated):
        assert later.open == earlier.close  # each day starts from the previous simulated close
        assert later.low <= min(later.open, later.close) <= max(later.open, later.close)
        assert max(later.open, later.close) <= later.high
    assert len({bar.close for bar in simulated}) > 0.95 * len(simulated)  # not one close
    assert all(bar.adj_close == bar.close for bar in bars)
    dates = [bar.date for bar in bars]
    assert dates == trading_days_before(date(2026, 11, 21), len(bars))
    assert date(2025, 11, 27) not in dates  # Thanksgiving


def test_same_seed_and_time_give_the_same_prices():
    a = _sim(seed=9).quotes(_sim().tickers())
    b = _sim(seed=9).quotes(_sim().tickers())
    c = _sim(seed=10).quotes(_sim().tickers())

    assert a == b
    assert sum(a[t].price != c[t].price for t in a) >= 28


def test_price_at_a_time_does_not_depend_on_earlier_calls():
    early, late = MONDAY.replace(hour=1), MONDAY.replace(hour=20, minute=7, second=13)
    walked = _sim()
    _quote_at(walked, "NFLX", early)
    after_early = _quote_at(walked, "NFLX", late)
    backwards = _quote_at(walked, "NFLX", early)

    assert after_early == _quote_at(_sim(), "NFLX", late)
    assert backwards == _quote_at(_sim(), "NFLX", early)


def test_prices_are_the_same_under_another_hash_seed():
    code = (
        "from datetime import datetime; from utils.market_data import SimProvider;"
        "q = SimProvider(seed=3, clock=lambda: datetime(2026, 11, 23, 12)).quotes(['KO', 'V']);"
        "print(q['KO'].price, q['V'].price)"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }

    assert len(outputs) == 1
    assert stable_hash("AAPL") == stable_hash("AAPL") != stable_hash("AAPM")


def test_a_quote_tracks_the_session_since_its_start():
    provider = _sim()
    quotes = [_quote_at(provider, "MSFT", MONDAY + timedelta(minutes=m)) for m in range(0, 120, 7)]
    close = provider.history("MSFT", "1d")[0].close

    for earlier, later in itertools.pairwise(quotes):
        assert later.high >= earlier.high and later.low <= earlier.low
        assert later.volume > earlier.volume
    for quote in quotes:
        assert quote.open == quote.previous_close == close
        assert quote.change == quote.price - close
        assert quote.change_percent == (quote.change * 100 / close).quantize(Decimal("0.0001"))
        assert (
            quote.low <= min(quote.open, quote.price) <= max(quote.open, quote.price) <= quote.high
        )


def test_the_session_starts_at_the_cut_off_from_the_last_close():
    friday_cutoff = datetime(2026, 11, 20, 21, 0)  # Monday's session starts then
    quote = _quote_at(_sim(), "MSFT", friday_cutoff)

    assert quote.price == quote.previous_close == quote.high == quote.low
    assert quote.as_of == friday_cutoff


def test_an_aware_clock_is_read_as_utc():
    aware = datetime(2026, 11, 23, 16, 0, tzinfo=timezone(timedelta(hours=1)))

    assert _quote_at(_sim(), "KO", aware) == _quote_at(_sim(), "KO", MONDAY)


def test_price_moves_once_per_tick():
    provider = _sim(tick_seconds=5)
    start = MONDAY.replace(second=0)
    prices = [_quote_at(provider, "AAPL", start + timedelta(seconds=s)).price for s in range(10)]

    assert len(set(prices[:5])) == 1 and len(set(prices[5:])) == 1
    assert prices[0] != prices[5]
    assert _quote_at(provider, "AAPL", start + timedelta(seconds=7)).as_of == start + timedelta(
        seconds=5
    )


@pytest.mark.parametrize("ticker", ["AAPL", "NFLX", "KO"])
def test_walk_volatility_matches_the_ticker_history(ticker):
    provider = _sim(seed=1234)
    step = 60
    midnight = MONDAY.replace(hour=0, minute=0)
    times = [midnight + timedelta(seconds=step * i) for i in range(86_400 // step)]
    prices = [float(_quote_at(provider, ticker, t).price) for t in times]
    returns = [math.log(b / a) for a, b in itertools.pairwise(prices)]
    mean = sum(returns) / len(returns)
    per_step = math.sqrt(sum((r - mean) ** 2 for r in returns) / (len(returns) - 1))
    history = series_stats(load_bars(DEFAULT_DATA_DIR / f"{ticker}_data.csv"))

    daily = per_step * math.sqrt(86_400 / step)  # the practice market's day is 24 hours
    assert daily == pytest.approx(history.volatility, rel=0.12)


def test_quotes_for_all_tickers_are_fast_after_warm_up():
    provider = _sim()
    tickers = provider.tickers()
    provider.quotes(tickers)
    started = time.perf_counter()
    for second in range(200):
        provider._clock.now = MONDAY + timedelta(seconds=second)
        provider.quotes(tickers)
    per_call = (time.perf_counter() - started) / 200

    assert per_call < 0.005


def test_fundamentals_and_statements_are_unavailable_not_invented():
    provider = _sim()
    fundamentals = provider.fundamentals("AAPL")
    figures = (
        fundamentals.market_cap, fundamentals.pe_ratio, fundamentals.pb_ratio,
        fundamentals.dividend_yield, fundamentals.revenue, fundamentals.net_income,
        fundamentals.eps, fundamentals.as_of_date,
    )  # fmt: skip

    assert fundamentals.available is False and fundamentals.note == NOT_AVAILABLE
    assert figures == (None,) * 8
    for statement in (provider.balance_sheet("AAPL"), provider.income_statement("AAPL")):
        assert (statement.available, statement.periods, statement.note) == (
            False,
            [],
            NOT_AVAILABLE,
        )


def test_only_the_bundled_tickers_are_known():
    provider = _sim()

    assert len(provider.tickers()) == 30 and "FB" in provider.tickers()
    with pytest.raises(UnknownTicker) as caught:
        provider.quotes(["AAPL", "MMM"])  # MMM is in the S&P list but has no bundled bars
    assert caught.value.tickers == ["MMM"]
    with pytest.raises(UnknownTicker):
        provider.profile("MMM")


def test_profile_comes_from_the_catalog_and_follows_renames():
    profile = _sim().profile("FB")

    assert (profile.ticker, profile.name, profile.sector) == (
        "FB",
        "Meta Platforms",
        "Communication Services",
    )


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        SimProvider(seed=-1)
    with pytest.raises(ValueError):
        SimProvider(tick_seconds=0)


def test_catalog_search_ranks_symbol_matches_first():
    assert next(entry.symbol for entry in search("MS", limit=3)) == "MS"
    assert all(e.symbol.startswith("MS") for e in search("MS", limit=3))
    assert search("apple")[0].symbol == "AAPL"
    assert "BAC" in [entry.symbol for entry in search("bank of", limit=5)]
    assert len(search("a", limit=7)) == 7
    assert search("   ") == [] and search("zzzzqq") == []


def test_catalog_uses_yahoo_style_class_shares():
    catalog = load_catalog()

    assert normalise_symbol(" brk.b ") == "BRK-B"
    assert catalog.get("BRK.B").symbol == "BRK-B"
    assert search("brk.b")[0].symbol == "BRK-B"
    assert len(catalog) == 503 and "." not in "".join(catalog.symbols())
