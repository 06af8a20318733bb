"""The yfinance calls PaperDesk makes, each given the timeout yfinance accepts for it.

Only this module touches the yfinance API, so a fake module with ``download`` and
``Ticker`` is all tests need. yfinance is imported on first use: importing it is slow
and the simulated market never needs it.
"""

import logging
import threading

from utils.market_data.resilience import RateLimited

QUOTE_PERIOD = "5d"  # enough daily rows to hold today's and the previous close
MAX_DOWNLOAD_THREADS = 8


def is_missing_ticker(exc: BaseException) -> bool:
    """Whether ``exc`` is yfinance saying the ticker has no data (raised only when
    yfinance is configured to raise instead of returning an empty frame)."""
    return any(cls.__name__ == "YFTickerMissingError" for cls in type(exc).__mro__)


class YahooCalls:
    """Thin wrappers over the yfinance module (``yf_module`` or the real one)."""

    def __init__(self, yf_module=None, timeout: float = 10):
        self._yf = yf_module
        self.timeout = timeout

    @property
    def yf(self):
        """The yfinance module, imported on first use."""
        if self._yf is None:
            import yfinance

            self._yf = yfinance
        return self._yf

    def download(self, symbols: list[str]):
        """Daily rows of the last few days for all ``symbols`` in one request batch.

        download() swallows per-ticker errors, rate limits included, and only logs
        them, so its log is watched to raise RateLimited.
        """
        threads = min(len(symbols), MAX_DOWNLOAD_THREADS) if len(symbols) > 1 else False
        with ErrorLogWatch("yfinance") as watch:
            frame = self.yf.download(
                list(symbols),
                period=QUOTE_PERIOD,
                interval="1d",
                group_by="ticker",
                auto_adjust=False,
                actions=False,
                progress=False,
                threads=threads,
                timeout=self.timeout,
                multi_level_index=True,
            )
        if watch.rate_limited:
            raise RateLimited("; ".join(watch.messages))
        return frame

    def history(self, symbol: str, period: str):
        """Unadjusted daily bars (with Adj Close) for a yfinance period string."""
        return self.yf.Ticker(symbol).history(
            period=period, interval="1d", auto_adjust=False, actions=False, timeout=self.timeout
        )

    def info(self, symbol: str) -> dict:
        """Ticker.info (it takes no timeout; the caller bounds the wait)."""
        return self.yf.Ticker(symbol).info or {}

    def statement(self, symbol: str, kind: str):
        """Ticker.balance_sheet or Ticker.income_stmt (no timeout argument either)."""
        ticker = self.yf.Ticker(symbol)
        return ticker.balance_sheet if kind == "balance_sheet" else ticker.income_stmt


class ErrorLogWatch(logging.Handler):
    """Collects the ERROR records a logger emits in the current thread while in a ``with``.

    yf.download() catches each ticker's exception, rate limits included, and only
    logs it; watching its log is the one way to notice it was rate limited.
    """

    def __init__(self, logger_name: str = "yfinance"):
        super().__init__(logging.ERROR)
        self._logger = logging.getLogger(logger_name)
        self._thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message if it was logged by the watching thread."""
        if record.thread == self._thread:
            self.messages.append(record.getMessage())

    def __enter__(self):
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc_info):
        self._logger.removeHandler(self)

    @property
    def rate_limited(self) -> bool:
        """Whether any collected message reports a rate limit."""
        return any("RateLimit" in m or "Too Many Requests" in m for m in self.messages)
