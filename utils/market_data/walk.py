"""A reproducible random walk for one ticker over one session, pinned to the session's
close and volume.

The session's totals come first (utils.market_data.days draws them per trading day): its
log return and its volume. The walk in between is a Brownian bridge: each tick the log
price moves by ``drift + volatility*sqrt(dt)*Z``, where ``dt`` is the tick's length in
trading days and the drift is chosen so that the last tick lands on the session's close;
each tick's volume is a gamma draw, scaled so that the session adds up to its volume.
Ticks are drawn in chunks, each from its own generator seeded by (entropy..., chunk
index), so the value at tick k depends only on the entropy and k: not on which ticks
were asked for before, nor in which order.
"""

import hashlib
import math
from dataclasses import dataclass

import numpy as np

CHUNK_TICKS = 4096
# Per-tick volume is gamma distributed: always positive and right-skewed.
VOLUME_SHAPE = 2.0
_DETAILS_KEPT = 2
_CHUNK_KEY = 1


def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that is the same in every process (hash() is salted)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class TickState:
    """The walk at one tick: log price, highest and lowest log price since tick 0,
    and shares traded from tick 0 up to this tick."""

    level: float
    high_level: float
    low_level: float
    volume: float


@dataclass(frozen=True, slots=True)
class _Chunk:
    levels: np.ndarray  # log price of each tick relative to the chunk's first tick
    highs: np.ndarray  # running max of levels
    lows: np.ndarray  # running min of levels
    volumes: np.ndarray  # volume traded before each tick, from the chunk's first tick
    end: float  # level of the first tick of the next chunk, relative
    volume: float  # the chunk's whole volume


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """What the walk is pinned to: start and end log price, shares traded, and the
    number of ticks (the session's length over the tick length)."""

    start_level: float
    end_level: float
    volume: float
    ticks: int


class SessionWalk:
    """One ticker's walk over one session (see the module docstring)."""

    def __init__(self, plan: SessionPlan, tick_volatility: float, entropy):
        self._plan = plan
        self._sigma = tick_volatility
        self._entropy = [int(word) for word in entropy]
        self._ticks = max(1, plan.ticks)
        self._chunks = math.ceil(self._ticks / CHUNK_TICKS)
        noise, volume = 0.0, 0.0
        for index in range(self._chunks):  # one pass for the totals the bridge needs
            z, g = self._raw(index)
            noise += float(z.sum())
            volume += float(g.sum())
        self._drift = (plan.end_level - plan.start_level - self._sigma * noise) / self._ticks
        self._volume_scale = plan.volume / volume if volume > 0 else 0.0
        # Prefix summaries per chunk j: level at its first tick, and the high, low and
        # volume of all ticks before it. Grown in order, one entry per chunk.
        self._starts = [plan.start_level]
        self._highs_before = [-math.inf]
        self._lows_before = [math.inf]
        self._volume_before = [0.0]
        self._details: dict[int, _Chunk] = {}

    @property
    def ticks(self) -> int:
        """Ticks in the session; tick ``ticks`` is the close."""
        return self._ticks

    def at(self, tick: int) -> TickState:
        """The walk's state at ``tick`` (0 = the open, ``ticks`` = the close)."""
        if tick < 0:
            raise ValueError("tick must not be negative")
        tick = min(tick, self._ticks)
        index, offset = divmod(tick, CHUNK_TICKS)
        self._summarise_to(index)
        if index == self._chunks:  # the close, just past the last chunk
            end = self._plan.end_level
            return TickState(
                level=end,
                high_level=max(self._highs_before[index], end),
                low_level=min(self._lows_before[index], end),
                volume=self._plan.volume,
            )
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
            self._volume_before.append(self._volume_before[done] + chunk.volume)

    def _chunk(self, index: int) -> _Chunk:
        chunk = self._details.get(index)
        if chunk is None:
            chunk = self._draw(index)
            if len(self._details) >= _DETAILS_KEPT:
                # Ticks move forward, so the oldest detail is the least likely to be asked for.
                del self._details[min(self._details)]
            self._details[index] = chunk
        return chunk

    def _raw(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        size = min(CHUNK_TICKS, self._ticks - index * CHUNK_TICKS)
        seed = np.random.SeedSequence([*self._entropy, _CHUNK_KEY, index])
        rng = np.random.default_rng(seed)
        return rng.standard_normal(size), rng.gamma(VOLUME_SHAPE, 1.0, size)

    def _draw(self, index: int) -> _Chunk:
        z, g = self._raw(index)
        steps = self._drift + self._sigma * z
        volumes = g * self._volume_scale
        levels = np.empty(len(steps))
        levels[0] = 0.0
        np.cumsum(steps[:-1], out=levels[1:])
        before = np.empty(len(volumes))
        before[0] = 0.0
        np.cumsum(volumes[:-1], out=before[1:])
        return _Chunk(
            levels=levels,
            highs=np.maximum.accumulate(levels),
            lows=np.minimum.accumulate(levels),
            volumes=before,
            end=float(levels[-1] + steps[-1]),
            volume=float(before[-1] + volumes[-1]),
        )
