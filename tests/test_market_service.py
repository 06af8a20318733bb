"""Quotes served from the shared quote table with a TTL, stale fallback, history sync."""

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from models import FundamentalData, LatestQuote, MarketData
from services import fundamentals, history, market
from services.errors import ServiceError, Unavailable
from tests.fixtures.market.fake_yf import FakeYF
from utils.dbcount import RoundTrips
from utils.market_data import SimProvider, YFinanceProvider
from utils.market_data.days import SIM_START
from utils.market_data.hours import trading_days_between

T0 = datetime(2026, 3, 2, 14, 30, 0)
BUNDLED = 1259  # bars in each bundled file; simulated sessions follow from SIM_START


class CountingProvider:
    """Wraps a provider and counts quotes() calls."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.calls = []

    def quotes(self, tickers):
        self.calls.append(list(tickers))
        return self.inner.quotes(tickers)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def counting(app):
    with app.app_context():
        provider = CountingProvider(SimProvider(seed=7))
        app.extensions["paperdesk_provider"] = provider
        yield provider


def test_quotes_are_served_from_the_table_until_the_ttl_passes(app, counting, frozen_time):
    frozen_time(T0)
    first = market.get_quotes(["AAPL", "MSFT"])
    assert counting.calls == [["AAPL", "MSFT"]]  # one provider call for both
    assert first["AAPL"].source == "sim" and first["AAPL"].stale is False

    frozen_time(T0 + timedelta(seconds=59))
    again = market.get_quotes(["AAPL", "MSFT"])
    assert len(counting.calls) == 1
    assert again["AAPL"].price == first["AAPL"].price

    frozen_time(T0 + timedelta(seconds=61))
    later = market.get_quotes(["AAPL"])
    assert counting.calls[-1] == ["AAPL"] and len(counting.calls) == 2
    assert later["AAPL"].as_of == T0 + timedelta(seconds=61)
    assert db.session.scalar(select(func.count()).select_from(LatestQuote)) == 2


def test_only_missing_or_expired_tickers_are_fetched(app, counting, frozen_time):
    frozen_time(T0)
    market.get_quotes(["AAPL"])
    market.get_quotes(["AAPL", "KO"])
    assert counting.calls == [["AAPL"], ["KO"]]


def test_unknown_ticker_is_a_400(app, counting):
    with pytest.raises(ServiceError, match="Unknown ticker 'ZZZZ'"):
        market.check_ticker("zzzz")
    with pytest.raises(ServiceError, match="ticker symbol"):
        market.check_ticker("$$$")
    assert market.check_ticker(" aapl ") == "AAPL"


@pytest.fixture
def yahoo(app):
    fake = FakeYF(tickers=("AAPL", "MSFT"))
    with app.app_context():
        app.extensions["paperdesk_provider"] = YFinanceProvider(yf_module=fake, timeout=2)
        yield fake


def test_when_yahoo_fails_stored_quotes_are_served_stale(app, yahoo, frozen_time):
    frozen_time(T0)
    fresh = market.get_quote("AAPL")
    assert fresh.source == "yfinance" and fresh.stale is False

    yahoo.error = RuntimeError("Yahoo is down")
    app.extensions["paperdesk_provider"] = YFinanceProvider(yf_module=yahoo, timeout=2)
    frozen_time(T0 + timedelta(minutes=5))
    stale = market.get_quote("AAPL")
    assert stale.stale is True
    assert stale.price == fresh.price and stale.source == "yfinance"


def test_when_yahoo_fails_with_nothing_stored_the_answer_is_unavailable(app, yahoo):
    yahoo.error = RuntimeError("Yahoo is down")
    with pytest.raises(Unavailable):
        market.get_quote("AAPL")


def test_history_sync_replaces_bars_and_periods_filter(app, counting, frozen_time):
    frozen_time(T0)  # a Monday: the sim's last bar is the Friday before
    stored = history.sync(["AAPL"])
    assert stored == {"AAPL": BUNDLED + len(trading_days_between(SIM_START, date(2026, 2, 27)))}
    rows, stale = history.bars("AAPL", "1mo")
    assert not stale
    assert rows[-1].date.isoformat() == "2026-02-27"
    assert rows[0].date >= rows[-1].date - timedelta(days=31)
    assert all(r.low <= min(r.open, r.close) and r.high >= max(r.open, r.close) for r in rows)

    frozen_time(T0 + timedelta(days=1))  # next day: one more simulated session
    history.sync(["AAPL"])
    count = db.session.scalar(select(func.count()).where(MarketData.ticker == "AAPL"))
    last = db.session.scalar(select(func.max(MarketData.date)))
    assert count == stored["AAPL"] + 1 and last.isoformat() == "2026-03-02"


def test_history_syncs_lazily_when_missing_or_old(app, counting, frozen_time):
    frozen_time(T0)
    rows, _ = history.bars("KO", "max")
    assert len(rows) == BUNDLED + len(trading_days_between(SIM_START, date(2026, 2, 27)))


class SlowHistoryProvider(CountingProvider):
    """Counts history() calls; each one waits until the test has started every reader."""

    def __init__(self, inner):
        super().__init__(inner)
        self.history_calls = 0
        self.release = threading.Event()

    def history(self, ticker, period):
        self.history_calls += 1
        self.release.wait(timeout=10)
        return self.inner.history(ticker, period)


def test_readers_of_a_stale_history_share_one_sync(app, frozen_time):
    frozen_time(T0)
    slow = SlowHistoryProvider(SimProvider(seed=7))
    app.extensions["paperdesk_provider"] = slow
    answers = []

    def read():
        with app.app_context():
            rows, stale = history.bars("KO", "1mo")
            answers.append((len(rows), stale))
            db.session.remove()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    time.sleep(0.3)  # every reader has found the history missing by now
    slow.release.set()
    for reader in readers:
        reader.join(timeout=30)
    assert slow.history_calls == 1
    assert len(answers) == 4 and len(set(answers)) == 1 and answers[0][1] is False
    assert answers[0][0] > 15


def test_fundamentals_from_the_sim_are_unavailable_not_invented(app, counting):
    result = fundamentals.fundamentals("AAPL")
    assert result.available is False and result.pe_ratio is None and result.market_cap is None
    assert db.session.scalar(select(func.count()).select_from(FundamentalData)) == 0


def test_yahoo_fundamentals_are_stored_and_served_stale_when_yahoo_fails(app, yahoo):
    result = fundamentals.fundamentals("AAPL")
    assert result.available and result.pe_ratio is not None
    yahoo.error = RuntimeError("down")
    app.extensions["paperdesk_provider"] = YFinanceProvider(yf_module=yahoo, timeout=2)
    stale = fundamentals.fundamentals("AAPL")
    assert stale.stale is True and stale.source == "stored"
    assert stale.pe_ratio == result.pe_ratio.quantize(stale.pe_ratio)


def test_a_periods_bars_are_answered_from_memory_until_a_sync(app, counting, frozen_time):
    frozen_time(T0)
    app.config["HISTORY_CACHE_SECONDS"] = 3600
    history.sync(["AAPL"])
    first, stale = history.bars_answer("AAPL", "1mo")
    assert not stale and first[-1]["date"] == "2026-02-27"
    assert first == [history.bar_json(r) for r in history.bars("AAPL", "1mo")[0]]
    with RoundTrips(db.engine) as trips:
        again, _ = history.bars_answer("AAPL", "1mo")
    assert again == first and not trips.counts  # no query
    assert history.bars_answer("AAPL", "3mo")[0] != first  # another period, its own read

    frozen_time(T0 + timedelta(days=1))
    history.sync(["AAPL"])  # a sync in this process is seen at once
    assert history.bars_answer("AAPL", "1mo")[0][-1]["date"] == "2026-03-02"


def test_the_bars_answer_is_read_every_time_when_the_cache_is_off(app, counting, frozen_time):
    frozen_time(T0)
    history.sync(["AAPL"])
    history.bars_answer("AAPL", "1mo")
    with RoundTrips(db.engine) as trips:
        history.bars_answer("AAPL", "1mo")
    assert trips.counts["SELECT"] >= 2  # freshness, then the bars
