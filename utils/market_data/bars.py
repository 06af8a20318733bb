"""The bundled daily bars: reading them, moving them to recent dates, and their statistics.

The files hold real bars from 2013-02-08 to 2018-02-07. The simulated market shows
them as if they had just happened, so they are re-dated onto real trading days of the
New York exchange (see redate and utils.market_data.hours).
"""

import csv
import itertools
import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from utils.market_data.base import Bar
from utils.market_data.convert import to_price

FILE_SUFFIX = "_data.csv"


@dataclass(frozen=True, slots=True)
class SeriesStats:
    """Per-ticker figures the random walk needs, from the whole file.

    ``drift`` and ``volatility`` are the mean and sample standard deviation of the
    daily log returns; ``average_volume`` is the mean daily share volume and
    ``volume_spread`` the standard deviation of its logarithm (how much days differ).
    """

    drift: float
    volatility: float
    average_volume: float
    volume_spread: float = 0.0


def bundled_tickers(data_dir: Path) -> list[str]:
    """The tickers that have a <T>_data.csv file in ``data_dir``, sorted."""
    return sorted(path.name[: -len(FILE_SUFFIX)] for path in data_dir.glob(f"*{FILE_SUFFIX}"))


def load_bars(path: Path) -> list[Bar]:
    """Read one price file (date,open,high,low,close,volume,Name), oldest first.

    The data has no dividend adjustment and no adjusted close, so ``adj_close`` is
    the close itself.
    """
    bars = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            close = to_price(row["close"])
            bars.append(
                Bar(
                    date=date.fromisoformat(row["date"]),
                    open=to_price(row["open"]),
                    high=to_price(row["high"]),
                    low=to_price(row["low"]),
                    close=close,
                    adj_close=close,
                    volume=int(row["volume"]),
                )
            )
    bars.sort(key=lambda bar: bar.date)
    return bars


def redate(bars: list[Bar], days: list[date]) -> list[Bar]:
    """Give the i-th bar from the end the i-th of ``days`` from the end.

    Order is kept and neighbouring bars stay one trading day apart when ``days`` are
    consecutive trading days; bars beyond the days given are left out (the oldest).
    """
    kept = bars[len(bars) - len(days) :] if len(days) < len(bars) else bars
    days = days[len(days) - len(kept) :]
    return [replace(bar, date=day) for bar, day in zip(kept, days, strict=True)]


def series_stats(bars: list[Bar]) -> SeriesStats:
    """Drift and volatility of daily log returns, and mean volume, of ``bars``."""
    closes = [float(bar.close) for bar in bars]
    returns = [math.log(b / a) for a, b in itertools.pairwise(closes)]
    if len(returns) < 2:
        raise ValueError("need at least three bars to estimate volatility")
    mean = sum(returns) / len(returns)
    variance = sum((r - mean) ** 2 for r in returns) / (len(returns) - 1)
    volume = sum(bar.volume for bar in bars) / len(bars)
    logs = [math.log(bar.volume) for bar in bars if bar.volume > 0]
    log_mean = sum(logs) / len(logs) if logs else 0.0
    spread = math.sqrt(sum((v - log_mean) ** 2 for v in logs) / max(1, len(logs) - 1))
    return SeriesStats(
        drift=mean,
        volatility=math.sqrt(variance),
        average_volume=volume,
        volume_spread=spread,
    )
