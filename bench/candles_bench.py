"""Candle aggregation throughput: naive per-tick loop vs CandleAggregator vs NumPy batch.

Run from the project root:  .venv/bin/python bench/candles_bench.py [--ticks N] [--tickers N]
[--repeat N] [--seconds N]. Every method builds 10 s and 60 s candles from the same seeded
tick stream; the script asserts they all produce identical candles, then prints ticks per
second (best of the repeats) and the speed-up over the naive loop.
"""

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.candles import (
    Candle,
    CandleAggregator,
    aggregate_batch,
    aggregate_batch_intervals,
    price_from_e4,
)

INTERVALS = (10, 60)
START = 1_700_000_040  # a multiple of 60, so the first minute is a whole one


@dataclass
class Ticks:
    """One synthetic tick stream in time order: Python rows, and columns for the batch path.

    The batch columns are what a backfill query hands over: tickers as a list of str (the
    fastest input for the ticker coding), the numeric columns as NumPy arrays.
    """

    tickers: list[str]
    ts: list[float]
    prices_e4: list[int]
    prices: list[Decimal]
    volumes: list[int]
    columns: tuple[list[str], np.ndarray, np.ndarray, np.ndarray]


def make_ticks(count: int, ticker_count: int, seconds: int, seed: int = 2) -> Ticks:
    """A seeded stream: uniform arrival times (ms resolution), prices around a per-ticker base."""
    rng = np.random.default_rng(seed)
    names = np.array([f"T{i:04d}" for i in range(ticker_count)])
    ts = START + np.round(np.sort(rng.uniform(0, seconds, count)), 3)
    which = rng.integers(0, ticker_count, count)
    base_e4 = rng.integers(5 * 10_000, 500 * 10_000, ticker_count)
    prices_e4 = base_e4[which] + rng.integers(-2_000, 2_001, count)
    volumes = rng.integers(1, 500, count)
    tickers = names[which].tolist()
    prices_list = prices_e4.tolist()
    return Ticks(
        tickers=tickers,
        ts=ts.tolist(),
        prices_e4=prices_list,
        prices=[price_from_e4(p) for p in prices_list],
        volumes=volumes.tolist(),
        columns=(tickers, ts, prices_e4, volumes),
    )


def naive_loop(ticks: Ticks) -> list[Candle]:
    """What a first implementation writes: a dict of dicts per (ticker, interval), Decimals."""
    open_candles: dict[tuple[str, int], dict] = {}
    closed = []
    for ticker, ts, price, volume in zip(
        ticks.tickers, ticks.ts, ticks.prices, ticks.volumes, strict=True
    ):
        for interval in INTERVALS:
            start = int(ts // interval) * interval
            key = (ticker, interval)
            candle = open_candles.get(key)
            if candle is not None and candle["window_start"] == start:
                candle["high"] = max(candle["high"], price)
                candle["low"] = min(candle["low"], price)
                candle["close"] = price
                candle["volume"] += volume
                candle["trades"] += 1
                continue
            if candle is not None:
                closed.append(_naive_candle(key, candle))
            open_candles[key] = {
                "window_start": start,
                "open": price,
                "high": price,
                "low": price,
                "close": price,
                "volume": volume,
                "trades": 1,
            }
    closed.extend(_naive_candle(key, candle) for key, candle in open_candles.items())
    return closed


def _naive_candle(key: tuple[str, int], c: dict) -> Candle:
    ticker, interval = key
    return Candle(
        ticker,
        interval,
        c["window_start"],
        c["open"],
        c["high"],
        c["low"],
        c["close"],
        c["volume"],
        c["trades"],
    )


def stream_add_decimal(ticks: Ticks) -> list[Candle]:
    """CandleAggregator.add with Decimal prices (validated, converted per tick)."""
    aggregator = CandleAggregator(INTERVALS)
    closed = []
    add = aggregator.add
    for row in zip(ticks.tickers, ticks.ts, ticks.prices, ticks.volumes, strict=True):
        closed += add(*row)
    return closed + aggregator.flush()


def stream_add_scaled(ticks: Ticks) -> list[Candle]:
    """CandleAggregator.add_scaled with integer ten-thousandths."""
    aggregator = CandleAggregator(INTERVALS)
    closed = []
    add = aggregator.add_scaled
    for row in zip(ticks.tickers, ticks.ts, ticks.prices_e4, ticks.volumes, strict=True):
        closed += add(*row)
    return closed + aggregator.flush()


def stream_add_scaled_and_flush(ticks: Ticks) -> list[Candle]:
    """add_scaled plus flush(now) after every tick, as the worker runs it."""
    aggregator = CandleAggregator(INTERVALS)
    closed = []
    add, flush = aggregator.add_scaled, aggregator.flush
    for ticker, ts, price_e4, volume in zip(
        ticks.tickers, ticks.ts, ticks.prices_e4, ticks.volumes, strict=True
    ):
        closed += add(ticker, ts, price_e4, volume)
        closed += flush(ts)
    return closed + aggregator.flush()


def batch_per_interval(ticks: Ticks) -> list[Candle]:
    """aggregate_batch once per interval (each call sorts)."""
    return [
        candle
        for interval in INTERVALS
        for candle in aggregate_batch(*ticks.columns, interval=interval)
    ]


def batch_all_intervals(ticks: Ticks) -> list[Candle]:
    """aggregate_batch_intervals: one sort shared by both intervals."""
    return aggregate_batch_intervals(*ticks.columns, intervals=INTERVALS)


METHODS: list[tuple[str, Callable[[Ticks], list[Candle]]]] = [
    ("naive loop (Decimal, dict of dicts)", naive_loop),
    ("stream add() Decimal", stream_add_decimal),
    ("stream add_scaled() int e4", stream_add_scaled),
    ("stream add_scaled() + flush(now)", stream_add_scaled_and_flush),
    ("batch aggregate_batch x2", batch_per_interval),
    ("batch aggregate_batch_intervals", batch_all_intervals),
]


def best_time(method: Callable[[Ticks], list[Candle]], ticks: Ticks, repeat: int):
    """Best wall time over ``repeat`` runs, and the candles of the last run."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        candles = method(ticks)
        best = min(best, time.perf_counter() - began)
    return best, candles


def canonical(candles: list[Candle]) -> list[tuple]:
    """Candles in a fixed order, with prices as text so 4 dp formatting is compared too."""
    rows = [
        (c.interval, c.ticker, c.window_start, *map(str, prices(c)), c.volume, c.trades)
        for c in candles
    ]
    return sorted(rows)


def prices(candle: Candle) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(open, high, low, close) of a candle."""
    return candle.open, candle.high, candle.low, candle.close


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, time every method, check they agree and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=500_000)
    parser.add_argument("--tickers", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=300, help="span of the stream")
    args = parser.parse_args(argv)

    ticks = make_ticks(args.ticks, args.tickers, args.seconds)
    print(
        f"{args.ticks:,} ticks, {args.tickers:,} tickers, {args.seconds} s, intervals {INTERVALS},"
        f" best of {args.repeat}; Python {platform.python_version()}, NumPy {np.__version__},"
        f" {os.cpu_count()} CPUs"
    )
    results = [(name, *best_time(method, ticks, args.repeat)) for name, method in METHODS]

    expected = canonical(results[0][2])
    for name, _, candles in results[1:]:
        assert canonical(candles) == expected, f"{name} disagrees with the naive loop"
    print(f"all methods agree: {len(expected):,} candles\n")

    baseline = results[0][1]
    print(f"{'method':<36} {'seconds':>8} {'ticks/s':>12} {'vs naive':>9}")
    for name, seconds, _ in results:
        rate = args.ticks / seconds
        print(f"{name:<36} {seconds:>8.3f} {rate:>12,.0f} {baseline / seconds:>8.1f}x")


if __name__ == "__main__":
    main()
