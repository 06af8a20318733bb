"""Streaming candle aggregation: one tick at a time, the open candles kept in memory.

Only the shortest interval is updated per tick; a longer candle is rolled up from the short
candles as they close (a minute is six 10-second candles). That halves the per-tick work
for (10, 60) and is exact because every longer interval is a multiple of the shortest.
"""

import math
import numbers
from collections.abc import Iterable
from decimal import Decimal

from utils.candles.model import (
    DEFAULT_INTERVALS,
    Candle,
    candle_from_e4,
    checked_intervals,
    price_to_e4,
    whole_second,
)

# A ticker's book is [watermark, shortest state, longer states...]. A state is
# [window_start, open, high, low, close, volume, trades], prices in integer ten-thousandths.
# Ticks before the watermark (newest window opened, or end of the newest window closed)
# are late. Invariant: a longer state covers the window the open shortest state lies in.
_WATERMARK, _SHORTEST = 0, 1
_NO_WATERMARK = -(1 << 63)
_floor = math.floor


class CandleAggregator:
    """Aggregate ticks into OHLCV candles for several intervals at once (10 s and 60 s).

    Windows are aligned to multiples of the interval in epoch seconds. Each ticker has at
    most one open candle per interval; a tick in a later window closes it. Inside the open
    window ticks count in arrival order (the last to arrive is the close). A tick from a
    window that is already over for its ticker is late: it is counted in ``late_ticks`` and
    dropped, so a candle handed out as closed never changes and is never emitted twice.
    Every interval must be a multiple of the shortest one. Not thread-safe: one worker owns
    an instance.
    """

    def __init__(self, intervals: Iterable[int] = DEFAULT_INTERVALS) -> None:
        """Set up empty state for ``intervals`` (positive whole seconds)."""
        self._intervals = checked_intervals(intervals)
        self._shortest = self._intervals[0]
        if any(interval % self._shortest for interval in self._intervals):
            raise ValueError(f"Every interval must be a multiple of {self._shortest} s.")
        self._longer = tuple(enumerate(self._intervals[1:], start=_SHORTEST + 1))
        self._books: dict[str, list] = {}
        self._late_ticks = 0
        # A lower bound on the end of every open candle: flush(now) is a no-op before it,
        # which lets the worker call flush on every tick for almost nothing.
        self._next_deadline: float = math.inf

    @property
    def intervals(self) -> tuple[int, ...]:
        """The candle lengths in seconds, ascending."""
        return self._intervals

    @property
    def late_ticks(self) -> int:
        """How many ticks were dropped because their window had already moved on."""
        return self._late_ticks

    def add(
        self, ticker: str, ts: float | int | Decimal, price: Decimal | int | str, volume: int
    ) -> list[Candle]:
        """Validate and add one tick; return the candles it closed (shortest interval first).

        ``price`` goes through ``price_to_e4`` (Decimal, int or str; float is refused).
        ``volume`` must be a non-negative int. Raises TypeError/ValueError on bad input.
        """
        if not isinstance(ticker, str) or not ticker:
            raise ValueError("Ticker must be a non-empty string.")
        second, price_e4 = whole_second(ts), price_to_e4(price)
        return self.add_scaled(ticker, second, price_e4, _checked_volume(volume))

    def add_scaled(self, ticker: str, ts: float | int, price_e4: int, volume: int) -> list[Candle]:
        """Add one tick whose price is already integer ten-thousandths; nothing is validated.

        The hot path for the worker and the benchmark. Returns the candles the tick closed.
        """
        second = ts if ts.__class__ is int else _floor(ts)
        book = self._books.get(ticker)
        if book is not None:
            state = book[_SHORTEST]
            if state is not None and 0 <= second - state[0] < self._shortest:
                if price_e4 > state[2]:
                    state[2] = price_e4
                elif price_e4 < state[3]:
                    state[3] = price_e4
                state[4] = price_e4
                state[5] += volume
                state[6] += 1
                return []
        return self._open_window(ticker, second, price_e4, volume)

    def current(self, ticker: str, interval: int) -> Candle | None:
        """The open (not yet closed) candle of ``ticker`` for ``interval``, or None."""
        if interval not in self._intervals:
            raise ValueError(f"Interval {interval} s is not aggregated here {self._intervals}.")
        book = self._books.get(ticker)
        if book is None:
            return None
        shortest = book[_SHORTEST]
        if interval == self._shortest:
            return None if shortest is None else _candle(ticker, interval, shortest)
        state = book[_SHORTEST + self._intervals.index(interval)]
        if shortest is not None:
            state = _merged(state, shortest, interval)
        return None if state is None else _candle(ticker, interval, state)

    def flush(self, now: float | int | None = None) -> list[Candle]:
        """Close and return the open candles whose window has ended by ``now`` (epoch s).

        With ``now=None`` every open candle is closed (end of a backfill, shutdown). Cheap
        when nothing is due, so the worker calls it on every tick: a ticker that stops
        trading still gets its candle closed on time.
        """
        if now is not None and now < self._next_deadline:
            return []
        closed: list[Candle] = []
        next_deadline: float = math.inf
        for ticker, book in self._books.items():
            state = book[_SHORTEST]
            if state is not None:
                end = state[0] + self._shortest
                if now is None or end <= now:
                    closed.append(self._close_shortest(ticker, book))
                    book[_WATERMARK] = max(book[_WATERMARK], end)
                else:
                    next_deadline = min(next_deadline, end)
            for slot, interval in self._longer:
                state = book[slot]
                if state is None:
                    continue
                end = state[0] + interval
                if now is None or end <= now:
                    closed.append(_candle(ticker, interval, state))
                    book[slot] = None
                    book[_WATERMARK] = max(book[_WATERMARK], end)
                else:
                    next_deadline = min(next_deadline, end)
        self._next_deadline = next_deadline
        return closed

    def _open_window(self, ticker: str, second: int, price_e4: int, volume: int) -> list[Candle]:
        """The slow path of add_scaled: a new ticker, a late tick or a tick in a new window."""
        book = self._books.get(ticker)
        if book is None:
            book = self._books[ticker] = [_NO_WATERMARK] + [None] * len(self._intervals)
        elif second < book[_WATERMARK]:
            self._late_ticks += 1
            return []
        closed = []
        if book[_SHORTEST] is not None:
            closed.append(self._close_shortest(ticker, book))
        # The tick proves that any longer window before its own is over.
        for slot, interval in self._longer:
            state = book[slot]
            if state is not None and state[0] != second - second % interval:
                closed.append(_candle(ticker, interval, state))
                book[slot] = None
        window = second - second % self._shortest
        book[_SHORTEST] = [window, price_e4, price_e4, price_e4, price_e4, volume, 1]
        # The watermark is a multiple of the shortest interval and <= second, so <= window.
        book[_WATERMARK] = window
        self._next_deadline = min(self._next_deadline, window + self._shortest)
        return closed

    def _close_shortest(self, ticker: str, book: list) -> Candle:
        """Close the shortest candle and roll it up into the longer ones."""
        state = book[_SHORTEST]
        book[_SHORTEST] = None
        for slot, interval in self._longer:
            book[slot] = _merged(book[slot], state, interval)
        return _candle(ticker, self._shortest, state)


def _merged(longer: list | None, shorter: list, interval: int) -> list:
    """A new longer-candle state: ``longer`` (may be None) followed by ``shorter``."""
    if longer is None:
        window = shorter[0] - shorter[0] % interval
        return [window, *shorter[1:]]
    window, open_, high, low, _, volume, trades = longer
    return [
        window,
        open_,
        max(high, shorter[2]),
        min(low, shorter[3]),
        shorter[4],
        volume + shorter[5],
        trades + shorter[6],
    ]


def _candle(ticker: str, interval: int, state: list) -> Candle:
    window, open_, high, low, close, volume, trades = state
    return candle_from_e4(ticker, interval, window, (open_, high, low, close), volume, trades)


def _checked_volume(volume: int) -> int:
    if volume.__class__ is not int:  # the isinstance check on an ABC is slow; skip it for int
        if isinstance(volume, bool) or not isinstance(volume, numbers.Integral):
            raise TypeError(f"Volume must be an int, not {type(volume).__name__}.")
        volume = int(volume)
    if volume < 0:
        raise ValueError(f"Volume must not be negative, got {volume}.")
    return volume
