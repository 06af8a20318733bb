"""OHLCV candles from a tick stream (seed 002): 10-second and 1-minute windows.

Windows are aligned to interval boundaries, ``window_start = floor(t / W) * W`` in UTC
epoch seconds. ``CandleAggregator`` keeps the open candle per ticker and interval in memory
and hands back closed candles for the caller to persist; ``aggregate_batch`` builds the
same candles from columns of ticks with NumPy, for backfill. Prices are exact: integer
ten-thousandths inside, 4 dp Decimal in every Candle, never float.
"""

from utils.candles.batch import aggregate_batch, aggregate_batch_intervals
from utils.candles.model import (
    DEFAULT_INTERVALS,
    PRICE_SCALE,
    Candle,
    price_from_e4,
    price_to_e4,
    window_start,
)
from utils.candles.stream import CandleAggregator

__all__ = [
    "DEFAULT_INTERVALS",
    "PRICE_SCALE",
    "Candle",
    "CandleAggregator",
    "aggregate_batch",
    "aggregate_batch_intervals",
    "price_from_e4",
    "price_to_e4",
    "window_start",
]
