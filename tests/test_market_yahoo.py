"""The Yahoo provider's guards (cache, back-off, timeout, stale answers) and conversions."""

import math
import threading
import time
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
import yfinance
import yfinance.multi
from yfinance.exceptions import YFRateLimitError

from tests.fixtures.market import frames
from tests.fixtures.market.fake_yf import Clock, FakeYF
from utils.market_data import ProviderUnavailable, SimProvider, UnknownTicker, make_provider
from utils.market_data.convert import to_decimal
from utils.market_data.yahoo import YFinanceProvider
from utils.market_data.yahoo_frames import quote_from_frame


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fake():
    return FakeYF()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def yahoo(fake, clock, sleeps):
    return YFinanceProvider(yf_module=fake, clock=clock, sleep=sleeps.append, cache_ttl=60)


def test_a_second_call_within_the_ttl_does_not_reach_yahoo(yahoo, fake, clock):
    first = yahoo.quotes(["AAPL", "MSFT"])
    bars = yahoo.history("AAPL", "1y")
    clock.advance(59)
    assert yahoo.quotes(["MSFT", "AAPL"]) == {t: first[t] for t in ("MSFT", "AAPL")}
    assert yahoo.history("AAPL", "1y") == bars

    assert (fake.count("download"), fake.count("history")) == (1, 1)
    clock.advance(2)
    yahoo.quotes(["AAPL"])
    yahoo.history("AAPL", "1y")
    assert (fake.count("download"), fake.count("history")) == (2, 2)


def test_only_tickers_missing_from_the_cache_are_downloaded(yahoo, fake):
    yahoo.quotes(["AAPL"])
    yahoo.quotes(["AAPL", "MSFT"])

    assert [call[1] for call in fake.calls] == [("AAPL",), ("MSFT",)]


def test_profile_and_fundamentals_share_one_info_request(yahoo, fake):
    yahoo.profile("MSFT")
    yahoo.fundamentals("MSFT")

    assert fake.count("info") == 1


def test_rate_limit_starts_a_growing_back_off_served_from_cache(yahoo, fake, clock):
    before = yahoo.history("AAPL", "5d")
    clock.advance(61)
    fake.error = YFRateLimitError()

    assert yahoo.history("AAPL", "5d") == before  # stale, from the cache
    assert fake.count("history") == 2
    clock.advance(29)
    assert yahoo.history("AAPL", "5d") == before
    assert fake.count("history") == 2  # inside the 30 s window: Yahoo is not called

    clock.advance(2)
    yahoo.history("AAPL", "5d")  # rate limited again: the window doubles
    assert fake.count("history") == 3
    assert (yahoo.backoff.until - clock()).total_seconds() == 60

    fake.error = None
    clock.advance(61)
    yahoo.history("AAPL", "5d")
    assert fake.count("history") == 4 and yahoo.backoff.strikes == 0


def test_inside_the_window_quotes_are_stale_and_yahoo_is_left_alone(yahoo, fake, clock):
    fresh = yahoo.quotes(["AAPL", "MSFT"])
    clock.advance(61)
    fake.error = YFRateLimitError()
    yahoo.quotes(["AAPL", "MSFT"])
    calls = len(fake.calls)

    for _ in range(3):
        clock.advance(5)
        quotes = yahoo.quotes(["AAPL", "MSFT"])
        assert all(q.stale and q.price == fresh[t].price for t, q in quotes.items())
    assert len(fake.calls) == calls


def test_other_failures_pause_yahoo_briefly_too(yahoo, fake, clock):
    yahoo.quotes(["AAPL"])
    clock.advance(61)
    fake.error = ConnectionError("reset")
    assert yahoo.quotes(["AAPL"])["AAPL"].stale
    calls = len(fake.calls)

    clock.advance(10)
    assert yahoo.quotes(["AAPL"])["AAPL"].stale
    assert len(fake.calls) == calls  # within the 15 s error pause
    fake.error = None
    clock.advance(6)
    assert yahoo.quotes(["AAPL"])["AAPL"].stale is False


def test_back_off_window_is_capped(yahoo, fake, clock):
    fake.error = YFRateLimitError()
    for _ in range(8):
        clock.advance(400)
        with pytest.raises(ProviderUnavailable):
            yahoo.quotes(["AAPL"])

    assert (yahoo.backoff.until - clock()).total_seconds() == 300


def test_rate_limit_swallowed_by_download_is_noticed(yahoo, fake, clock):
    first = yahoo.quotes(["AAPL"])["AAPL"]
    clock.advance(61)
    fake.rate_limit_download = True

    again = yahoo.quotes(["AAPL"])["AAPL"]
    assert again.stale is True and again.price == first.price and again.as_of == first.as_of
    assert yahoo.backoff.strikes == 1
    clock.advance(5)
    yahoo.quotes(["AAPL"])
    assert fake.count("download") == 2


def test_yahoo_errors_fall_back_to_stale_cache_then_fallback(fake, clock, sleeps):
    built = []

    def sim_factory():
        built.append(1)
        return SimProvider(seed=1, clock=clock)

    yahoo = YFinanceProvider(yf_module=fake, clock=clock, sleep=sleeps.append, fallback=sim_factory)
    yahoo.quotes(["AAPL"])
    assert built == []  # the fallback is only built when needed
    clock.advance(61)
    fake.error = ConnectionError("network is unreachable")

    quotes = yahoo.quotes(["AAPL", "MSFT"])
    assert quotes["AAPL"].stale and quotes["AAPL"].source == "yfinance"
    assert quotes["MSFT"].stale and quotes["MSFT"].source == "sim"
    assert yahoo.profile("KO").source == "sim" and yahoo.profile("KO").stale
    assert built == [1]


def test_history_is_never_taken_from_the_fallback(fake, clock):
    yahoo = YFinanceProvider(
        yf_module=fake, clock=clock, sleep=lambda s: None, fallback=SimProvider(clock=clock)
    )
    fake.error = ConnectionError("down")

    with pytest.raises(ProviderUnavailable):
        yahoo.history("AAPL", "1mo")  # sim bars would pass for Yahoo's: no stale flag on bars


def test_nothing_cached_and_no_fallback_is_unavailable(yahoo, fake):
    fake.error = ConnectionError("network is unreachable")

    with pytest.raises(ProviderUnavailable):
        yahoo.quotes(["AAPL"])
    with pytest.raises(ProviderUnavailable):
        yahoo.fundamentals("AAPL")
    with pytest.raises(ProviderUnavailable):
        yahoo.balance_sheet("AAPL")


def test_a_failure_is_retried_once_after_the_injected_sleep(yahoo, fake, sleeps):
    answers = iter([ConnectionError("reset"), None])
    original = fake._enter

    def flaky(name, args, kwargs):
        fake.error = next(answers)
        original(name, args, kwargs)

    fake._enter = flaky
    quote = yahoo.quotes(["AAPL"])["AAPL"]

    assert quote.stale is False and fake.count("download") == 2
    assert sleeps == [yahoo.retry_delay]


def test_empty_answers_mean_unknown_unless_the_symbol_is_listed(yahoo):
    with pytest.raises(UnknownTicker) as caught:
        yahoo.quotes(["AAPL", "ZZZZQ"])
    assert caught.value.tickers == ["ZZZZQ"]
    with pytest.raises(UnknownTicker):
        yahoo.profile("ZZZZQ")
    with pytest.raises(ProviderUnavailable):
        yahoo.quotes(["KO"])  # listed in the S&P 500: Yahoo failing, not an unknown symbol


def test_malformed_symbols_never_reach_yahoo(yahoo, fake):
    with pytest.raises(UnknownTicker):
        yahoo.quotes(["AAPL", "../etc"])

    assert fake.calls == []


def test_every_call_passes_the_timeout(fake, clock):
    yahoo = YFinanceProvider(yf_module=fake, clock=clock, timeout=3)
    yahoo.quotes(["AAPL", "MSFT"])
    yahoo.history("AAPL", "6mo")

    assert [call[2]["timeout"] for call in fake.calls] == [3, 3]


def test_calls_without_a_timeout_argument_are_cut_off(fake, clock):
    yahoo = YFinanceProvider(yf_module=fake, clock=clock, timeout=0.05, retries=0)
    fake.hang = threading.Event()
    started = time.perf_counter()
    try:
        with pytest.raises(ProviderUnavailable, match="TimeoutError"):
            yahoo.profile("AAPL")
    finally:
        fake.hang.set()

    assert time.perf_counter() - started < 2


def test_timeouts_are_not_retried(fake, clock, sleeps):
    yahoo = YFinanceProvider(yf_module=fake, clock=clock, sleep=sleeps.append, timeout=0.05)
    fake.hang = threading.Event()
    try:
        with pytest.raises(ProviderUnavailable):
            yahoo.income_statement("AAPL")
    finally:
        fake.hang.set()

    assert fake.count("income_stmt") == 1 and sleeps == []


def test_nan_becomes_none(yahoo):
    fundamentals = yahoo.fundamentals("MSFT")
    statement = yahoo.balance_sheet("AAPL")

    assert fundamentals.pb_ratio is None and fundamentals.dividend_yield is None
    assert fundamentals.pe_ratio == Decimal("37.5")
    assert statement.periods[-1]["items"]["Stockholders Equity"] is None
    assert to_decimal(float("nan")) is None and to_decimal(math.inf) is None


def test_fundamentals_are_exact_decimals(yahoo, clock):
    fundamentals = yahoo.fundamentals("AAPL")

    assert fundamentals.available and fundamentals.as_of_date == clock().date()
    assert fundamentals.market_cap == Decimal("3512345678912")
    assert fundamentals.pe_ratio == Decimal("35.12") and fundamentals.eps == Decimal("6.08")


def test_statements_keep_yahoos_periods_and_items(yahoo):
    statement = yahoo.income_statement("AAPL")
    expected = frames.statement_frame(frames.INCOME_ITEMS, seed=2)

    assert [p["period"] for p in statement.periods] == [
        date(2025, 9, 30), date(2024, 9, 30), date(2023, 9, 30), date(2022, 9, 30),
    ]  # fmt: skip
    first = statement.periods[0]["items"]
    assert list(first) == frames.INCOME_ITEMS
    assert first["Total Revenue"] == Decimal(int(expected.iloc[0, 0]))


def test_no_statement_from_yahoo_is_reported_not_cached(yahoo, fake):
    first = yahoo.balance_sheet("SPY")  # funds have no balance sheet
    yahoo.balance_sheet("SPY")

    assert (first.available, first.periods) == (False, [])
    assert "no balance sheet" in first.note
    assert fake.count("balance_sheet") == 2


def test_history_bars_come_from_adj_close_and_exchange_dates(yahoo, fake):
    bars = yahoo.history("AAPL", "5d")
    rows = fake.rows["AAPL"].iloc[-5:]

    assert [bar.date for bar in bars] == [stamp.date() for stamp in rows.index]
    assert bars[-1].adj_close == Decimal(str(rows["Adj Close"].iloc[-1])).quantize(
        Decimal("1.0000")
    )
    assert bars[-1].close == Decimal(str(rows["Close"].iloc[-1])).quantize(Decimal("1.0000"))


# yfinance's own download() uses a pandas keyword that pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_fake_download_matches_real_yfinance_download(monkeypatch, fake):
    class StubTicker:
        def __init__(self, symbol, session=None):
            self.symbol, self._price_history = symbol, None

        def history(self, **kwargs):
            return fake.history_for(self.symbol, kwargs["period"])

    monkeypatch.setattr(yfinance.multi, "Ticker", StubTicker)
    for tickers in (["AAPL"], ["AAPL", "MSFT", "ZZZZQ"]):
        real = yfinance.download(
            tickers, period="5d", interval="1d", group_by="ticker", auto_adjust=False,
            actions=False, progress=False, threads=False, timeout=1, multi_level_index=True,
        )  # fmt: skip
        canned = fake.download(tickers, period="5d")
        pd.testing.assert_frame_equal(real, canned, check_like=True)
        quote = quote_from_frame(real, "AAPL", frames.NOW)
        assert quote.price == Decimal(str(fake.rows["AAPL"]["Close"].iloc[-1])).quantize(
            Decimal("1.0000")
        )
        assert quote_from_frame(real, "ZZZZQ", frames.NOW) is None


def test_make_provider_can_fall_back_to_the_sim(fake, clock):
    yahoo = make_provider(
        "yfinance", yf_module=fake, clock=clock, fallback="sim", fallback_settings={"seed": 4}
    )
    fake.error = ConnectionError("down")

    assert yahoo.quotes(["NFLX"])["NFLX"].source == "sim"


def test_a_quote_fetched_after_its_session_is_as_of_that_close():
    from datetime import datetime

    columns = pd.MultiIndex.from_product(
        [["AAPL"], ["Open", "High", "Low", "Close", "Adj Close", "Volume"]],
        names=["Ticker", "Price"],
    )
    index = pd.DatetimeIndex(["2026-02-26", "2026-02-27"])  # Thursday, Friday
    frame = pd.DataFrame(
        [[1, 2, 1, 1.5, 1.5, 10], [1.5, 2, 1, 1.8, 1.8, 10]], index=index, columns=columns
    )
    saturday = quote_from_frame(frame, "AAPL", datetime(2026, 2, 28, 12, 0))
    assert saturday.as_of == datetime(2026, 2, 27, 21, 0)  # Friday's 16:00 ET close
    during = quote_from_frame(frame, "AAPL", datetime(2026, 2, 27, 18, 0))
    assert during.as_of == datetime(2026, 2, 27, 18, 0)  # in the session: when fetched
