"""A reproducible geometric Brownian motion for one ticker over one session.

The log price moves by ``drift*dt + volatility*sqrt(dt)*Z`` each tick, where ``dt``
is the tick length in trading days (one trading day = 6.5 h = 23,400 s). Ticks are
drawn in chunks, each from its own generator seeded by (entropy..., chunk index),
so the value at tick k depends only on the entropy and k: not on which ticks were
asked for before, nor in which order.
"""

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from utils.market_data.bars import SeriesStats

TRADING_DAY_SECONDS = 23_400
CHUNK_TICKS = 4096
# Per-tick volume is gamma distributed: always positive, right-skewed, and with
# mean = the tick's share of the average daily volume.
VOLUME_SHAPE = 2.0
_DETAILS_KEPT = 2


def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that is the same in every process (hash() is salted)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class TickState:
    """The walk at one tick: log price, highest and lowest log price since tick 0,
    and shares traded from tick 0 up to and including this tick."""

    level: float
    high_level: float
    low_level: float
    volume: float


@dataclass(frozen=True, slots=True)
class _Chunk:
    levels: np.ndarray  # log price of each tick relative to the chunk's first tick
    highs: np.ndarray  # running max of levels
    lows: np.ndarray  # running min of levels
    volumes: np.ndarray  # running sum of per-tick volume
    end: float  # level of the first tick of the next chunk


class PathWalk:
    """One ticker's walk from ``start_price`` at tick 0."""

    def __init__(self, start_price: float, stats: SeriesStats, tick_seconds: float, entropy):
        dt = tick_seconds / TRADING_DAY_SECONDS
        self._mu = stats.drift * dt
        self._sigma = stats.volatility * math.sqrt(dt)
        self._tick_volume = stats.average_volume * dt
        self._entropy = [int(word) for word in entropy]
        # Prefix summaries per chunk j: level at its first tick, and the high, low
        # and volume of all ticks before it. Grown in order, one entry per chunk.
        self._starts = [math.log(start_price)]
        self._highs_before = [-math.inf]
        self._lows_before = [math.inf]
        self._volume_before = [0.0]
        self._details: dict[int, _Chunk] = {}

    def at(self, tick: int) -> TickState:
        """The walk's state at ``tick`` (0 = the session's first tick)."""
        if tick < 0:
            raise ValueError("tick must not be negative")
        index, offset = divmod(tick, CHUNK_TICKS)
        self._summarise_to(index)
        chunk = self._chunk(index)
        start = self._starts[index]
        return TickState(
            level=start + float(chunk.levels[offset]),
            high_level=max(self._highs_before[index], start + float(chunk.highs[offset])),
            low_level=min(self._lows_before[index], start + float(chunk.lows[offset])),
            volume=self._volume_before[index] + float(chunk.volumes[offset]),
        )

    def _summarise_to(self, index: int) -> None:
        while len(self._starts) <= index:
            done = len(self._starts) - 1
            chunk, start = self._chunk(done), self._starts[done]
            self._starts.append(start + chunk.end)
            self._highs_before.append(max(self._highs_before[done], start + float(chunk.highs[-1])))
            self._lows_before.append(min(self._lows_before[done], start + float(chunk.lows[-1])))
            self._volume_before.append(self._volume_before[done] + float(chunk.volumes[-1]))

    def _chunk(self, index: int) -> _Chunk:
        chunk = self._details.get(index)
        if chunk is None:
            chunk = self._draw(index)
            if len(self._details) >= _DETAILS_KEPT:
                # Ticks move forward, so the oldest detail is the least likely to be asked for.
                del self._details[min(self._details)]
            self._details[index] = chunk
        return chunk

    def _draw(self, index: int) -> _Chunk:
        rng = np.random.default_rng(np.random.SeedSequence([*self._entropy, index]))
        steps = self._mu + self._sigma * rng.standard_normal(CHUNK_TICKS)
        volumes = rng.gamma(VOLUME_SHAPE, self._tick_volume / VOLUME_SHAPE, CHUNK_TICKS)
        levels = np.empty(CHUNK_TICKS)
        levels[0] = 0.0
        np.cumsum(steps[:-1], out=levels[1:])
        return _Chunk(
            levels=levels,
            highs=np.maximum.accumulate(levels),
            lows=np.minimum.accumulate(levels),
            volumes=np.cumsum(volumes),
            end=float(levels[-1] + steps[-1]),
        )
