"""The simulated market: real bundled daily bars as history, a seeded random walk as live prices.

Each session starts at 00:00 UTC of the clock's day (the walk's epoch) from the last
bundled close and runs round the clock, one tick per ``tick_seconds``. The price at
a moment depends only on (seed, ticker, session day, tick index), so restarting the
process the same day continues the same path, and two processes with the same seed
agree. Each day is a fresh session from the same last close.
"""

import math
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from utils.clock import utcnow
from utils.market_data.bars import SeriesStats, bundled_tickers, load_bars, redate, series_stats
from utils.market_data.base import (
    Bar,
    Fundamentals,
    MarketDataProvider,
    Profile,
    Quote,
    Statement,
    UnknownTicker,
    check_period,
    filter_period,
)
from utils.market_data.catalog import Catalog, load_catalog, normalise_symbol
from utils.market_data.convert import PRICE_STEP
from utils.market_data.walk import PathWalk, stable_hash

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "prices"
NOT_AVAILABLE = "not available in the simulated market"
_DAYS_KEPT = 2


class SimProvider(MarketDataProvider):
    """Prices the bundled tickers offline; see the module docstring for how."""

    name = "sim"

    def __init__(
        self,
        data_dir: Path | str | None = None,
        seed: int = 0,
        clock=utcnow,
        tick_seconds: float = 1.0,
        catalog: Catalog | None = None,
    ):
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError("seed must be a non-negative integer")
        if not tick_seconds > 0:
            raise ValueError("tick_seconds must be positive")
        self._data_dir = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
        self._tickers = bundled_tickers(self._data_dir)
        if not self._tickers:
            raise ValueError(f"no *_data.csv price files in {self._data_dir}")
        self.seed, self.tick_seconds = seed, float(tick_seconds)
        self._clock = clock
        self._catalog = catalog
        self._bars: dict[str, list[Bar]] = {}
        self._stats: dict[str, SeriesStats] = {}
        self._redated: dict[tuple[str, date], list[Bar]] = {}
        self._walks: dict[date, dict[str, PathWalk]] = {}
        # The worker and web requests share one provider; walks grow lazily.
        self._lock = threading.Lock()

    def tickers(self) -> list[str]:
        """The bundled tickers."""
        return list(self._tickers)

    def quotes(self, tickers: list[str]) -> dict[str, Quote]:
        """The walk's current tick for each ticker; the day's range is tracked since 00:00 UTC."""
        symbols = self._known(tickers)
        now = _naive_utc(self._clock())
        epoch = datetime(now.year, now.month, now.day)
        tick = int((now - epoch).total_seconds() // self.tick_seconds)
        as_of = epoch + timedelta(seconds=tick * self.tick_seconds)
        with self._lock:
            return {symbol: self._quote(symbol, epoch.date(), tick, as_of) for symbol in symbols}

    def history(self, ticker: str, period: str) -> list[Bar]:
        """The bundled bars, re-dated to end on the weekday before today, within ``period``.

        ``adj_close`` equals ``close``: the bundled data is not dividend-adjusted.
        """
        check_period(period)
        symbol = self._known([ticker])[0]
        today = _naive_utc(self._clock()).date()
        with self._lock:
            bars = self._redated.get((symbol, today))
            if bars is None:
                self._redated = {k: v for k, v in self._redated.items() if k[1] == today}
                bars = self._redated[(symbol, today)] = redate(self._series(symbol), today)
        return filter_period(bars, period)

    def profile(self, ticker: str) -> Profile:
        """Name, GICS sector and sub-industry from the bundled S&P 500 list."""
        symbol = self._known([ticker])[0]
        entry = (self._catalog or load_catalog()).get(symbol)
        if entry is None:
            return Profile(symbol, None, None, None, self.name)
        return Profile(symbol, entry.name, entry.sector, entry.industry, self.name)

    def fundamentals(self, ticker: str) -> Fundamentals:
        """Always unavailable: the bundled data has prices only, and none are made up."""
        symbol = self._known([ticker])[0]
        empty = dict.fromkeys(
            ("market_cap", "pe_ratio", "pb_ratio", "dividend_yield", "revenue", "net_income", "eps")
        )
        return Fundamentals(
            ticker=symbol,
            as_of_date=None,
            **empty,
            available=False,
            source=self.name,
            note=NOT_AVAILABLE,
        )

    def balance_sheet(self, ticker: str) -> Statement:
        """Always unavailable in the simulated market."""
        return self._no_statement(ticker, "balance_sheet")

    def income_statement(self, ticker: str) -> Statement:
        """Always unavailable in the simulated market."""
        return self._no_statement(ticker, "income_statement")

    def _no_statement(self, ticker: str, kind: str) -> Statement:
        symbol = self._known([ticker])[0]
        return Statement(symbol, kind, [], available=False, source=self.name, note=NOT_AVAILABLE)

    def _known(self, tickers) -> list[str]:
        """Normalised, de-duplicated symbols; UnknownTicker names any not bundled."""
        if isinstance(tickers, str):
            tickers = [tickers]
        symbols = list(dict.fromkeys(normalise_symbol(t) for t in tickers))
        unknown = [s for s in symbols if s not in self._tickers]
        if unknown:
            raise UnknownTicker(unknown)
        return symbols

    def _series(self, symbol: str) -> list[Bar]:
        bars = self._bars.get(symbol)
        if bars is None:
            bars = self._bars[symbol] = load_bars(self._data_dir / f"{symbol}_data.csv")
            self._stats[symbol] = series_stats(bars)
        return bars

    def _walk(self, symbol: str, day: date) -> PathWalk:
        walks = self._walks.get(day)
        if walks is None:
            for old in sorted(self._walks)[: max(0, len(self._walks) - _DAYS_KEPT + 1)]:
                del self._walks[old]
            walks = self._walks[day] = {}
        walk = walks.get(symbol)
        if walk is None:
            start = float(self._series(symbol)[-1].close)
            entropy = (self.seed, stable_hash(symbol), day.toordinal())
            walk = walks[symbol] = PathWalk(start, self._stats[symbol], self.tick_seconds, entropy)
        return walk

    def _quote(self, symbol: str, day: date, tick: int, as_of: datetime) -> Quote:
        previous = self._series(symbol)[-1].close
        state = self._walk(symbol, day).at(tick)
        price = _price(state.level)
        change = price - previous
        return Quote(
            ticker=symbol,
            price=price,
            open=previous,  # the session opens at the last close: there is no overnight gap
            high=_price(state.high_level),
            low=_price(state.low_level),
            previous_close=previous,
            change=change,
            change_percent=(change * 100 / previous).quantize(PRICE_STEP),
            volume=int(state.volume),
            as_of=as_of,
            source=self.name,
            stale=False,
        )


def _naive_utc(moment: datetime) -> datetime:
    """``moment`` as naive UTC (the clock may hand out an aware datetime)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _price(level: float) -> Decimal:
    return Decimal(math.exp(level)).quantize(PRICE_STEP)
