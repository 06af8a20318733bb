"""Live market data from Yahoo Finance through yfinance, guarded against its failures.

Every answer is cached for ``cache_ttl`` seconds. No call waits more than ``timeout``
seconds. After a rate limit Yahoo is left alone for a growing back-off window. When
Yahoo fails, the last good answer (or the ``fallback`` provider's) is served with
``stale=True``; with neither, ProviderUnavailable is raised.
"""

import logging
import time

from utils.clock import utcnow
from utils.market_data import yahoo_frames as frames
from utils.market_data.base import (
    Bar,
    Fundamentals,
    MarketDataError,
    MarketDataProvider,
    Profile,
    ProviderUnavailable,
    Quote,
    Statement,
    UnknownTicker,
    check_period,
    filter_period,
)
from utils.market_data.catalog import is_valid_symbol, load_catalog, normalise_symbol
from utils.market_data.resilience import EMPTY, Backoff, SourceFailed, TTLCache, guarded_call
from utils.market_data.stale import StaleAnswers
from utils.market_data.yahoo_calls import YahooCalls, is_missing_ticker

log = logging.getLogger("paperdesk.market")


class YFinanceProvider(MarketDataProvider):
    """Quotes, history, profiles, fundamentals and statements from Yahoo.

    ``fallback`` is a provider, or a callable returning one (built on first need),
    asked when Yahoo fails and nothing is cached; it is not used for history, whose
    bars could not be told apart from Yahoo's. ``sleep`` spaces the retry of a failed
    call (timeouts and rate limits are not retried). ``clock`` drives the cache and
    the back-off window.
    """

    name = "yfinance"

    def __init__(
        self,
        yf_module=None,
        timeout: float = 10,
        cache_ttl: float = 60,
        clock=utcnow,
        sleep=time.sleep,
        fallback=None,
        retries: int = 1,
        retry_delay: float = 0.5,
        backoff: Backoff | None = None,
    ):
        self.timeout = timeout
        self.retries, self.retry_delay = retries, retry_delay
        self._clock, self._sleep = clock, sleep
        self._calls = YahooCalls(yf_module, timeout)
        self._cache = TTLCache(cache_ttl, clock)
        self.backoff = backoff or Backoff(clock)
        self._stale = StaleAnswers(self._cache, fallback)

    def tickers(self) -> list[str]:
        """The S&P 500 symbols of the bundled catalog; Yahoo can price many more."""
        return load_catalog().symbols()

    def quotes(self, tickers: list[str]) -> dict[str, Quote]:
        """Quotes for many tickers; those not fresh in the cache come from one download().
        A listed ticker Yahoo had no data for is left out when others have an answer."""
        symbols = _symbols(tickers)
        found = {}
        for symbol in symbols:
            quote = self._cache.fresh(("quote", symbol))
            if quote is not None:
                found[symbol] = quote
        missing = [symbol for symbol in symbols if symbol not in found]
        if missing:
            found.update(self._fetch_quotes(missing))
        return {symbol: found[symbol] for symbol in symbols if symbol in found}

    def history(self, ticker: str, period: str) -> list[Bar]:
        """Daily bars for ``period``, oldest first (``adj_close`` is Yahoo's Adj Close)."""
        check_period(period)
        symbol = _symbols([ticker])[0]
        bars = self._answer(
            ("history", symbol, period),
            symbol,
            lambda: frames.bars_from_frame(self._calls.history(symbol, period)) or EMPTY,
        )
        return filter_period(bars, period)

    def profile(self, ticker: str) -> Profile:
        """Name, sector and industry from Ticker.info."""
        symbol = _symbols([ticker])[0]
        return self._answer(
            ("profile", symbol),
            symbol,
            lambda: self._from_info(symbol, "profile"),
            lambda provider: provider.profile(symbol),
        )

    def fundamentals(self, ticker: str) -> Fundamentals:
        """Market cap, P/E, P/B, dividend yield, revenue, net income and EPS from Ticker.info."""
        symbol = _symbols([ticker])[0]
        return self._answer(
            ("fundamentals", symbol),
            symbol,
            lambda: self._from_info(symbol, "fundamentals"),
            lambda provider: provider.fundamentals(symbol),
        )

    def _from_info(self, symbol: str, wanted: str):
        """Read Ticker.info once and cache both the profile and the fundamentals in it."""
        info = self._calls.info(symbol)
        profile = frames.profile_from_info(symbol, info)
        if profile is None:
            return EMPTY
        values = {
            "profile": profile,
            "fundamentals": frames.fundamentals_from_info(symbol, info, self._clock().date()),
        }
        for kind, value in values.items():
            if kind != wanted:
                self._cache.put((kind, symbol), value)
        return values[wanted]

    def balance_sheet(self, ticker: str) -> Statement:
        """Yearly balance sheet, newest period first."""
        return self._statement(ticker, "balance_sheet")

    def income_statement(self, ticker: str) -> Statement:
        """Yearly income statement, newest period first."""
        return self._statement(ticker, "income_statement")

    def _statement(self, ticker: str, kind: str) -> Statement:
        symbol = _symbols([ticker])[0]

        def fetch():
            frame = self._calls.statement(symbol, kind)
            # yfinance also answers a failed request with an empty frame: not worth caching.
            if frame is None or frame.empty:
                return EMPTY
            return frames.statement_from_frame(symbol, kind, frame)

        return self._answer(
            ("statement", symbol, kind),
            symbol,
            fetch,
            lambda provider: getattr(provider, kind)(symbol),
            on_nothing=lambda: frames.statement_from_frame(symbol, kind, None),
        )

    def _fetch_quotes(self, symbols: list[str]) -> dict[str, Quote]:
        """Download ``symbols``; answer the ones Yahoo left out from cache or fallback.

        A listed symbol Yahoo had no data for is left out of an answer that has others,
        so one silent symbol does not hold back every other price."""
        error = None
        try:
            fetched = self._ask_yahoo(lambda: self._download_quotes(symbols))
        except SourceFailed as exc:
            error, fetched = exc, {}
        if fetched is EMPTY:
            fetched = {}
        fetched.update(self._stale.quotes([s for s in symbols if s not in fetched]))
        left = [symbol for symbol in symbols if symbol not in fetched]
        if left:
            problem = self._no_answer(left, error)
            if not fetched or not isinstance(problem, ProviderUnavailable):
                raise problem
            log.warning("%s", problem)
        return fetched

    def _download_quotes(self, symbols: list[str]) -> dict[str, Quote]:
        frame = self._calls.download(symbols)
        as_of = self._clock()
        fetched = {}
        for symbol in symbols:
            quote = frames.quote_from_frame(frame, symbol, as_of)
            if quote is not None:
                fetched[symbol] = quote
                self._cache.put(("quote", symbol), quote)
        return fetched

    def _answer(self, key, symbol: str, fetch, ask_fallback=None, on_nothing=None):
        """Fresh cache, else Yahoo, else a stale answer, else ``on_nothing()`` if Yahoo
        answered with nothing, else an error."""
        value = self._cache.fresh(key)
        if value is not None:
            return value
        error = None
        try:
            value = self._ask_yahoo(fetch)
        except SourceFailed as exc:
            error, value = exc, EMPTY
        if value is EMPTY:
            value = self._stale.one(key, ask_fallback)
            if value is not None:
                return value
            if error is None and on_nothing is not None:
                return on_nothing()
            raise self._no_answer([symbol], error)
        self._cache.put(key, value)
        return value

    def _no_answer(self, symbols: list[str], error) -> MarketDataError:
        """ProviderUnavailable after a failure or for listed symbols, else UnknownTicker."""
        if error is not None:
            return ProviderUnavailable(f"Yahoo Finance is unavailable ({error})")
        catalog = load_catalog()
        unknown = [symbol for symbol in symbols if symbol not in catalog]
        if unknown:
            return UnknownTicker(unknown)
        return ProviderUnavailable(f"Yahoo Finance returned no data for {', '.join(symbols)}")

    def _ask_yahoo(self, fetch):
        """``fetch()`` through the timeout, retry and back-off guard."""
        return guarded_call(
            fetch,
            self.backoff,
            self.timeout,
            self._sleep,
            retries=self.retries,
            retry_delay=self.retry_delay,
            is_empty_error=is_missing_ticker,
        )


def _symbols(tickers) -> list[str]:
    """Normalised, de-duplicated symbols; malformed ones raise UnknownTicker."""
    if isinstance(tickers, str):
        tickers = [tickers]
    symbols = list(dict.fromkeys(normalise_symbol(t) for t in tickers))
    bad = [symbol for symbol in symbols if not is_valid_symbol(symbol)]
    if bad:
        raise UnknownTicker(bad)
    return symbols
