"""The simulated market's trading days: one ticker's chain of sessions, each opening at
the previous session's close.

The bundled bars are re-dated onto the trading days before SIM_START; from SIM_START on
every trading day is simulated. A session's totals (log return, volume, and the draws
for its daily high and low) come from a generator seeded by (seed, ticker, day), so
any process computes the same chain, and a chain is extended one cheap draw per day.

A session of T trading days' worth of time (``seconds / day_seconds``: 6.5 hours a
day on the exchange, 24 hours in the always-open practice market) has a log return
with mean ``drift*T`` and variance ``volatility**2 * T``, and a volume of
``average_volume * T`` times a log-normal factor with the ticker's day-to-day spread.
The daily high and low of a past session are drawn from the range of a Brownian bridge
between its open and close, so they are what the walk's law gives, not a replay of it.
"""

import bisect
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from utils.market_data.bars import SeriesStats
from utils.market_data.base import Bar
from utils.market_data.convert import PRICE_STEP
from utils.market_data.hours import MarketHours, Session, is_trading_day, next_trading_day

SIM_START = date(2025, 1, 2)
_DAY_KEY = 0


@dataclass(frozen=True, slots=True)
class SimDay:
    """One simulated session: its open and close (log prices), its high and low (log
    prices, from the bridge's law) and its volume."""

    session: Session
    open_level: float
    close_level: float
    high_level: float
    low_level: float
    volume: float

    def bar(self) -> Bar:
        """The session as a daily bar."""
        close = level_price(self.close_level)
        return Bar(
            date=self.session.day,
            open=level_price(self.open_level),
            high=level_price(self.high_level),
            low=level_price(self.low_level),
            close=close,
            adj_close=close,
            volume=round(self.volume),
        )


def level_price(level: float) -> Decimal:
    """A log price as a price to the tick."""
    return Decimal(math.exp(level)).quantize(PRICE_STEP)


class Chain:
    """One ticker's simulated sessions from SIM_START, grown on demand."""

    def __init__(self, start_level: float, stats: SeriesStats, hours: MarketHours, entropy):
        self._start_level = start_level
        self._stats = stats
        self._hours = hours
        self._entropy = [int(word) for word in entropy]
        self._day_seconds = 23_400 if hours.mode == "exchange" else 86_400
        self.days: list[SimDay] = []
        self._dates: list[date] = []  # the days' dates, for bisect

    def at(self, day: date) -> SimDay:
        """The simulated session on trading day ``day``. Before SIM_START every session
        opens at the last bundled close (there is no chain to follow yet)."""
        if day < SIM_START:
            return self._simulate(self._hours.session(day), self._start_level)
        self._grow_to(day)
        return self.days[bisect.bisect_left(self._dates, day)]

    def before(self, day: date) -> list[SimDay]:
        """The simulated sessions strictly before ``day``, oldest first."""
        if day <= SIM_START:
            return []
        self._grow_to(day)
        return self.days[: bisect.bisect_left(self._dates, day)]

    def tick_volatility(self, tick_seconds: float) -> float:
        """The walk's per-tick volatility in this chain's time scale."""
        return self._stats.volatility * math.sqrt(tick_seconds / self._day_seconds)

    def _grow_to(self, day: date) -> None:
        while not self.days or self.days[-1].session.day < day:
            if self.days:
                after, level = (
                    next_trading_day(self.days[-1].session.day),
                    self.days[-1].close_level,
                )
            else:
                after = SIM_START if is_trading_day(SIM_START) else next_trading_day(SIM_START)
                level = self._start_level
            self.days.append(self._simulate(self._hours.session(after), level))
            self._dates.append(after)

    def _simulate(self, session: Session, open_level: float) -> SimDay:
        stats = self._stats
        span = session.seconds / self._day_seconds
        variance = stats.volatility**2 * span
        seed = np.random.SeedSequence([*self._entropy, session.day.toordinal(), _DAY_KEY])
        z, z_volume = np.random.default_rng(seed).standard_normal(2)
        u_high, u_low = np.random.default_rng(seed.spawn(1)[0]).random(2)
        move = stats.drift * span + math.sqrt(variance) * float(z)
        spread = stats.volume_spread
        volume = stats.average_volume * span * math.exp(spread * float(z_volume) - spread**2 / 2)
        return SimDay(
            session=session,
            open_level=open_level,
            close_level=open_level + move,
            high_level=open_level + _extreme(move, variance, float(u_high)),
            low_level=open_level - _extreme(-move, variance, float(u_low)),
            volume=volume,
        )


def _extreme(move: float, variance: float, uniform: float) -> float:
    # The maximum of a Brownian bridge from 0 to ``move``: (b + sqrt(b^2 - 2 v ln U)) / 2.
    return (move + math.sqrt(move * move - 2 * variance * math.log(max(uniform, 1e-300)))) / 2
