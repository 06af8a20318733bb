"""The simulated market: real bundled daily bars as history, a seeded random walk as live prices.

Sessions follow ``hours`` (utils.market_data.hours): on the exchange's hours, or round
the clock in the always-open practice market. Each session opens at the previous
session's simulated close (utils.market_data.days) and moves one tick per
``tick_seconds``, pinned to the session's close and volume (utils.market_data.walk).
While the exchange is closed the quote is the last session's close and does not move.
The price at a moment depends only on (seed, ticker, session day, tick index), so
restarting the process continues the same path, and two processes with the same seed
agree.
"""

import math
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from utils.clock import utcnow
from utils.market_data.bars import bundled_tickers, load_bars, redate, series_stats
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
from utils.market_data.days import SIM_START, Chain, SimDay, level_price
from utils.market_data.hours import (
    MarketHours,
    Session,
    previous_trading_day,
    trading_days_before,
)
from utils.market_data.walk import SessionPlan, SessionWalk, stable_hash

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
        hours: MarketHours | None = None,
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
        self.hours = hours or MarketHours("always")
        self._bars: dict[str, list[Bar]] = {}
        self._chains: dict[str, Chain] = {}
        self._redated: dict[tuple[str, date], list[Bar]] = {}
        self._walks: dict[date, dict[str, SessionWalk]] = {}
        # The worker and web requests share one provider; walks grow lazily.
        self._lock = threading.Lock()

    def tickers(self) -> list[str]:
        """The bundled tickers."""
        return list(self._tickers)

    def quotes(self, tickers: list[str]) -> dict[str, Quote]:
        """Each ticker's quote now: the walk's current tick in a session, else the last
        session's close (the exchange is closed)."""
        symbols = self._known(tickers)
        now = _naive_utc(self._clock())
        session = self.hours.current(now)
        with self._lock:
            if now < session.opens:
                day = previous_trading_day(session.day)
                return {s: self._closed_quote(s, day) for s in symbols}
            tick = int((now - session.opens).total_seconds() // self.tick_seconds)
            as_of = session.opens + timedelta(seconds=tick * self.tick_seconds)
            return {s: self._quote(s, session, tick, as_of) for s in symbols}

    def history(self, ticker: str, period: str) -> list[Bar]:
        """Daily bars of the sessions before the current one, within ``period``: the
        bundled bars re-dated onto the trading days before SIM_START, then the
        simulated sessions.

        ``adj_close`` equals ``close``: the bundled data is not dividend-adjusted.
        """
        check_period(period)
        symbol = self._known([ticker])[0]
        today = self.hours.current(_naive_utc(self._clock())).day
        with self._lock:
            bars = self._redated.get((symbol, today))
            if bars is None:
                self._redated = {k: v for k, v in self._redated.items() if k[1] == today}
                bars = self._redated[(symbol, today)] = self._history(symbol, today)
        return filter_period(bars, period)

    def _history(self, symbol: str, today: date) -> list[Bar]:
        bundled = self._series(symbol)
        days = trading_days_before(min(today, SIM_START), len(bundled))
        simulated = [day.bar() for day in self._chain(symbol).before(today)]
        return redate(bundled, days) + simulated

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
        return bars

    def _chain(self, symbol: str) -> Chain:
        chain = self._chains.get(symbol)
        if chain is None:
            bars = self._series(symbol)
            start = math.log(float(bars[-1].close))
            entropy = (self.seed, stable_hash(symbol))
            chain = self._chains[symbol] = Chain(start, series_stats(bars), self.hours, entropy)
        return chain

    def _walk(self, symbol: str, session: Session) -> SessionWalk:
        walks = self._walks.get(session.day)
        if walks is None:
            for old in sorted(self._walks)[: max(0, len(self._walks) - _DAYS_KEPT + 1)]:
                del self._walks[old]
            walks = self._walks[session.day] = {}
        walk = walks.get(symbol)
        if walk is None:
            chain = self._chain(symbol)
            day = chain.at(session.day)
            plan = SessionPlan(
                start_level=day.open_level,
                end_level=day.close_level,
                volume=day.volume,
                ticks=int(session.seconds // self.tick_seconds),
            )
            entropy = (self.seed, stable_hash(symbol), session.day.toordinal())
            walk = SessionWalk(plan, chain.tick_volatility(self.tick_seconds), entropy)
            walks[symbol] = walk
        return walk

    def _quote(self, symbol: str, session: Session, tick: int, as_of: datetime) -> Quote:
        walk = self._walk(symbol, session)
        state = walk.at(tick)
        opened = level_price(self._chain(symbol).at(session.day).open_level)
        return _make_quote(
            symbol,
            price=level_price(state.level),
            opened=opened,
            high=level_price(state.high_level),
            low=level_price(state.low_level),
            volume=round(state.volume),
            as_of=as_of,
        )

    def _closed_quote(self, symbol: str, day: date) -> Quote:
        last: SimDay = self._chain(symbol).at(day)
        bar = last.bar()
        return _make_quote(
            symbol,
            price=bar.close,
            opened=bar.open,
            high=bar.high,
            low=bar.low,
            volume=bar.volume,
            as_of=last.session.closes,
        )


def _make_quote(symbol, price, opened, high, low, volume, as_of) -> Quote:
    # The session opens at the previous close: the simulated market has no overnight gap.
    change = price - opened
    return Quote(
        ticker=symbol,
        price=price,
        open=opened,
        high=high,
        low=low,
        previous_close=opened,
        change=change,
        change_percent=(change * 100 / opened).quantize(PRICE_STEP),
        volume=volume,
        as_of=as_of,
        source="sim",
        stale=False,
    )


def _naive_utc(moment: datetime) -> datetime:
    """``moment`` as naive UTC (the clock may hand out an aware datetime)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
