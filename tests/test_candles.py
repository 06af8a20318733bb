"""Candle aggregation (utils.candles): alignment, exact OHLCV, closing, late ticks, batch."""

import random
from datetime import datetime
from decimal import Decimal

import numpy as np
import pytest

from utils.candles import (
    Candle,
    CandleAggregator,
    aggregate_batch,
    aggregate_batch_intervals,
    price_from_e4,
    price_to_e4,
    window_start,
)

T0 = 1_700_000_040  # 2023-11-14 22:14:00 UTC, a multiple of 60 (and so of 10)


def row(candle: Candle) -> tuple:
    """Every field of a candle, prices as text so a lost 4th decimal place shows."""
    return (
        candle.ticker,
        candle.interval,
        candle.window_start,
        str(candle.open),
        str(candle.high),
        str(candle.low),
        str(candle.close),
        candle.volume,
        candle.trades,
    )


def rows(candles: list[Candle]) -> list[tuple]:
    """Candles as rows in a fixed order (interval, ticker, window)."""
    return sorted((row(c) for c in candles), key=lambda r: (r[1], r[0], r[2]))


# --- alignment -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "interval", "expected"),
    [
        (T0, 10, T0),
        (T0, 60, T0),
        (T0 + 9.999, 10, T0),
        (T0 + 10, 10, T0 + 10),
        (T0 + 10.0, 10, T0 + 10),
        (T0 + 19, 10, T0 + 10),
        (T0 + 59.999, 60, T0),
        (T0 + 60, 60, T0 + 60),
        (T0 + 61.5, 60, T0 + 60),
        (T0 - 0.001, 10, T0 - 10),
        (T0 - 0.001, 60, T0 - 60),
        (Decimal(T0) + Decimal("35.25"), 10, T0 + 30),
        (1_700_000_000, 60, 1_699_999_980),
        (-0.5, 10, -10),  # floor, not truncation, should a pre-1970 time ever appear
    ],
)
def test_window_start_is_floor_of_t_over_w_times_w(t, interval, expected):
    start = window_start(t, interval)
    assert start == expected
    assert type(start) is int


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), True, "1700000000"])
def test_window_start_refuses_non_finite_or_non_numeric_time(bad):
    with pytest.raises((TypeError, ValueError)):
        window_start(bad, 10)


# --- prices ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "e4"),
    [
        (Decimal("123.4567"), 1_234_567),
        ("123.4567", 1_234_567),
        (" 0.0001 ", 1),
        (42, 420_000),
        (Decimal("1.230000"), 12_300),
        (Decimal("1E+2"), 1_000_000),
    ],
)
def test_price_to_e4_is_exact(price, e4):
    assert price_to_e4(price) == e4
    assert type(price_to_e4(price)) is int


@pytest.mark.parametrize(
    ("price", "error"),
    [
        (123.45, TypeError),  # float refused: convert at the provider, not here
        (True, TypeError),
        (None, TypeError),
        ("1.23456", ValueError),  # a fifth decimal place would be rounded away
        ("abc", ValueError),
        ("NaN", ValueError),
        (Decimal("Infinity"), ValueError),
        (0, ValueError),
        ("-1.5", ValueError),
        (Decimal("1." + "0" * 40 + "1"), ValueError),  # too many digits to scale exactly
    ],
)
def test_price_to_e4_refuses_float_and_inexact_prices(price, error):
    with pytest.raises(error):
        price_to_e4(price)


def test_price_from_e4_has_exactly_four_decimal_places():
    assert str(price_from_e4(1_234_567)) == "123.4567"
    assert str(price_from_e4(500_000)) == "50.0000"
    assert price_from_e4(1).as_tuple().exponent == -4


# --- exact OHLCV on a hand-written series ----------------------------------------------

SERIES = [  # (seconds after T0, price, volume)
    (0.0, "100.0000", 10),
    (3.2, "101.5000", 5),
    (7.9, "99.2500", 20),
    (9.999, "100.1000", 1),
    (10.0, "100.2000", 7),
    (15.5, "100.0500", 3),
    (31.0, "102.0000", 2),  # nothing in [T0+20, T0+30): no candle for that window
    (59.0, "98.7654", 4),
    (60.0, "99.0000", 1),
]


def test_known_series_gives_exact_candles_for_both_intervals():
    aggregator = CandleAggregator((10, 60))
    closed_by = [aggregator.add("AAPL", T0 + dt, price, vol) for dt, price, vol in SERIES]

    assert closed_by[:4] == [[], [], [], []]
    assert [row(c) for c in closed_by[4]] == [
        ("AAPL", 10, T0, "100.0000", "101.5000", "99.2500", "100.1000", 36, 4)
    ]
    assert closed_by[5] == []
    assert [row(c) for c in closed_by[6]] == [
        ("AAPL", 10, T0 + 10, "100.2000", "100.2000", "100.0500", "100.0500", 10, 2)
    ]
    assert [row(c) for c in closed_by[7]] == [
        ("AAPL", 10, T0 + 30, "102.0000", "102.0000", "102.0000", "102.0000", 2, 1)
    ]
    assert [row(c) for c in closed_by[8]] == [
        ("AAPL", 10, T0 + 50, "98.7654", "98.7654", "98.7654", "98.7654", 4, 1),
        ("AAPL", 60, T0, "100.0000", "102.0000", "98.7654", "98.7654", 52, 8),
    ]
    assert [row(c) for c in aggregator.flush()] == [
        ("AAPL", 10, T0 + 60, "99.0000", "99.0000", "99.0000", "99.0000", 1, 1),
        ("AAPL", 60, T0 + 60, "99.0000", "99.0000", "99.0000", "99.0000", 1, 1),
    ]
    assert aggregator.late_ticks == 0


def test_only_configured_intervals_are_built():
    aggregator = CandleAggregator((60,))
    for dt, price, vol in SERIES:
        aggregator.add("AAPL", T0 + dt, price, vol)
    assert [(c.interval, c.window_start, c.volume) for c in aggregator.flush()] == [
        (60, T0 + 60, 1)
    ]


# --- open candle, closing and flush ----------------------------------------------------


def test_current_shows_the_open_candle_including_the_minute_so_far():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 1, "100", 1)
    aggregator.add("AAPL", T0 + 12, "105", 2)
    aggregator.add("AAPL", T0 + 13, "95", 3)

    assert [row(aggregator.current("AAPL", 10))] == [
        ("AAPL", 10, T0 + 10, "105.0000", "105.0000", "95.0000", "95.0000", 5, 2)
    ]
    assert [row(aggregator.current("AAPL", 60))] == [
        ("AAPL", 60, T0, "100.0000", "105.0000", "95.0000", "95.0000", 6, 3)
    ]
    assert aggregator.current("MSFT", 10) is None
    with pytest.raises(ValueError):
        aggregator.current("AAPL", 30)


def test_flush_now_closes_only_windows_that_have_ended():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 1, "100", 1)
    aggregator.add("AAPL", T0 + 2, "101", 1)

    assert aggregator.flush(T0 + 9.999) == []
    closed = aggregator.flush(T0 + 10)
    assert [row(c) for c in closed] == [
        ("AAPL", 10, T0, "100.0000", "101.0000", "100.0000", "101.0000", 2, 2)
    ]
    assert aggregator.current("AAPL", 10) is None
    assert aggregator.current("AAPL", 60).volume == 2  # the minute is still open
    assert aggregator.flush(T0 + 30) == []
    assert [(c.interval, c.window_start) for c in aggregator.flush(T0 + 60)] == [(60, T0)]
    assert aggregator.current("AAPL", 60) is None
    assert aggregator.flush() == []


def test_flush_without_now_closes_every_open_candle():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 1, "100", 1)
    aggregator.add("MSFT", T0 + 45, "300", 2)

    closed = aggregator.flush()

    assert sorted((c.ticker, c.interval, c.window_start) for c in closed) == [
        ("AAPL", 10, T0),
        ("AAPL", 60, T0),
        ("MSFT", 10, T0 + 40),
        ("MSFT", 60, T0),
    ]
    assert aggregator.current("AAPL", 10) is None
    assert aggregator.current("MSFT", 60) is None


def test_gaps_produce_no_empty_candles():
    aggregator = CandleAggregator()
    closed = aggregator.add("AAPL", T0 + 1, "100", 1)
    closed += aggregator.add("AAPL", T0 + 45, "101", 1)
    closed += aggregator.add("AAPL", T0 + 200, "102", 1)
    closed += aggregator.flush()

    assert sorted((c.interval, c.window_start) for c in closed) == [
        (10, T0),
        (10, T0 + 40),
        (10, T0 + 200),
        (60, T0),
        (60, T0 + 180),
    ]
    assert all(c.trades == 1 for c in closed if c.interval == 10)


def test_a_tick_in_a_later_minute_closes_the_minute_even_after_the_short_one_was_flushed():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 5, "100", 1)
    assert [c.interval for c in aggregator.flush(T0 + 10)] == [10]

    closed = aggregator.add("AAPL", T0 + 61, "101", 1)

    assert [(c.interval, c.window_start, c.volume) for c in closed] == [(60, T0, 1)]


# --- late ticks, several tickers -------------------------------------------------------


def test_late_tick_is_dropped_and_counted():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 25, "100", 5)

    assert aggregator.add("AAPL", T0 + 12, "999", 7) == []  # its 10 s window has passed

    assert aggregator.late_ticks == 1
    assert row(aggregator.current("AAPL", 10))[3:] == ("100.0000",) * 4 + (5, 1)
    assert row(aggregator.current("AAPL", 60))[3:] == ("100.0000",) * 4 + (5, 1)


def test_tick_for_an_already_flushed_window_does_not_reopen_it():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 5, "100", 5)
    first = aggregator.flush()

    assert aggregator.add("AAPL", T0 + 7, "50", 1) == []

    assert aggregator.late_ticks == 1
    assert aggregator.flush() == []  # no second candle for the same window
    assert [c.low for c in first] == [Decimal("100"), Decimal("100")]


def test_tick_for_a_flushed_short_window_is_late_while_the_minute_is_open():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 5, "100", 5)
    assert [c.interval for c in aggregator.flush(T0 + 10)] == [10]

    assert aggregator.add("AAPL", T0 + 7, "50", 1) == []

    assert aggregator.late_ticks == 1
    assert aggregator.current("AAPL", 10) is None
    assert [(c.interval, c.low, c.trades) for c in aggregator.flush()] == [(60, Decimal(100), 1)]


def test_earlier_tick_inside_the_open_window_is_not_late():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 25.5, "100", 1)
    aggregator.add("AAPL", T0 + 21, "101", 1)  # out of order but the window is still open

    assert aggregator.late_ticks == 0
    assert aggregator.current("AAPL", 10).trades == 2


def test_interleaved_tickers_stay_separate():
    aggregator = CandleAggregator()
    ticks = [("AAPL", 1, "100"), ("MSFT", 2, "300"), ("AAPL", 3, "102"), ("MSFT", 4, "298")]
    for ticker, dt, price in ticks:
        aggregator.add(ticker, T0 + dt, price, 10)

    closed = aggregator.add("AAPL", T0 + 11, "103", 1)

    assert [row(c) for c in closed] == [
        ("AAPL", 10, T0, "100.0000", "102.0000", "100.0000", "102.0000", 20, 2)
    ]
    assert [row(aggregator.current("MSFT", 10))] == [
        ("MSFT", 10, T0, "300.0000", "300.0000", "298.0000", "298.0000", 20, 2)
    ]
    assert aggregator.late_ticks == 0


# --- input checks ----------------------------------------------------------------------


@pytest.mark.parametrize("intervals", [(), (0,), (-10,), (10, 15), (10.0,), (True,), ("10",)])
def test_bad_intervals_are_refused(intervals):
    with pytest.raises(ValueError):
        CandleAggregator(intervals)


@pytest.mark.parametrize(
    ("ticker", "ts", "price", "volume", "error"),
    [
        ("AAPL", T0, 100.5, 1, TypeError),
        ("AAPL", T0, "100.12345", 1, ValueError),
        ("AAPL", T0, "100", -1, ValueError),
        ("AAPL", T0, "100", True, TypeError),
        ("AAPL", T0, "100", 1.0, TypeError),
        ("AAPL", float("nan"), "100", 1, ValueError),
        ("", T0, "100", 1, ValueError),
        (None, T0, "100", 1, ValueError),
    ],
)
def test_add_refuses_bad_ticks_and_changes_nothing(ticker, ts, price, volume, error):
    aggregator = CandleAggregator()
    with pytest.raises(error):
        aggregator.add(ticker, ts, price, volume)
    assert aggregator.flush() == []


def test_add_accepts_decimal_int_and_str_prices_like_add_scaled():
    checked, scaled = CandleAggregator(), CandleAggregator()
    for dt, price in [(1, Decimal("10.5")), (2, 11), (3, "9.2500")]:
        checked.add("AAPL", T0 + dt, price, 1)
        scaled.add_scaled("AAPL", T0 + dt, price_to_e4(price), 1)
    expected = ("AAPL", 10, T0, "10.5000", "11.0000", "9.2500", "9.2500", 3, 3)
    assert row(checked.current("AAPL", 10)) == expected
    assert rows(checked.flush()) == rows(scaled.flush())


# --- types -----------------------------------------------------------------------------


def assert_exact_types(candle: Candle) -> None:
    """Prices are 4 dp Decimal, counts and times are plain int: no float, no NumPy scalars."""
    for price in (candle.open, candle.high, candle.low, candle.close):
        assert type(price) is Decimal
        assert price.as_tuple().exponent == -4
    for whole in (candle.interval, candle.window_start, candle.volume, candle.trades):
        assert type(whole) is int
    assert type(candle.ticker) is str
    assert not any(isinstance(value, float) for value in row(candle))


def test_candles_hold_decimal_prices_and_no_float():
    aggregator = CandleAggregator()
    aggregator.add("AAPL", T0 + 1.5, Decimal("100.1"), 3)
    streamed = aggregator.flush()
    batched = aggregate_batch(["AAPL"], np.array([T0 + 1.5]), np.array([1_001_000]), [3], 10)

    for candle in [*streamed, *batched]:
        assert_exact_types(candle)
    assert streamed[0].started_at == datetime(2023, 11, 14, 22, 14)
    assert streamed[0].started_at.tzinfo is None
    assert streamed[0].window_end == T0 + 10
    with pytest.raises(AttributeError):
        streamed[0].close = Decimal("1")  # frozen


# --- batch -----------------------------------------------------------------------------


def random_series(seed: int, count: int = 3_000, tickers: int = 20):
    """Ticks in time order with gaps, equal timestamps and exact boundaries in the mix."""
    rng = random.Random(seed)
    names = [f"T{i:02d}" for i in range(tickers)]
    t = float(T0)
    series = []
    for _ in range(count):
        t += rng.choice([0.0, 0.25, 1.0, 3.7, 10.0, 75.0]) * rng.random()
        if rng.random() < 0.05:
            t = float(int(t) // 10 * 10 + 10)  # land exactly on a window boundary
        series.append((rng.choice(names), t, rng.randint(1, 5_000_000), rng.randint(0, 900)))
    return series


def streamed(series, intervals=(10, 60), flush_every_tick=False) -> list[Candle]:
    aggregator = CandleAggregator(intervals)
    closed = []
    for ticker, t, price_e4, volume in series:
        closed += aggregator.add_scaled(ticker, t, price_e4, volume)
        if flush_every_tick:
            closed += aggregator.flush(t)
    assert aggregator.late_ticks == 0
    return closed + aggregator.flush()


def columns(series):
    tickers, ts, prices, volumes = zip(*series, strict=True)
    return list(tickers), np.array(ts), np.array(prices), np.array(volumes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_equals_streaming_on_a_random_series(seed):
    series = random_series(seed)
    expected = rows(streamed(series))

    per_interval = aggregate_batch(*columns(series), 10) + aggregate_batch(*columns(series), 60)
    together = aggregate_batch_intervals(*columns(series), (10, 60))

    assert len(expected) > 500  # enough windows for the comparison to mean something
    assert rows(per_interval) == expected
    assert rows(together) == expected
    assert rows(streamed(series, flush_every_tick=True)) == expected


def test_batch_orders_shuffled_ticks_by_time_per_ticker():
    series = [(ticker, t + i * 1e-3, p, v) for i, (ticker, t, p, v) in enumerate(random_series(7))]
    shuffled = random.Random(7).sample(series, len(series))

    assert rows(aggregate_batch_intervals(*columns(shuffled))) == rows(streamed(series))


def test_batch_accepts_int_timestamps_and_lists():
    series = [("AAPL", T0 + 1, 1_000_000, 1), ("AAPL", T0 + 11, 1_010_000, 2)]
    tickers, ts, prices, volumes = (list(col) for col in zip(*series, strict=True))

    candles = aggregate_batch(tickers, ts, prices, volumes, 10)

    assert [row(c) for c in candles] == [
        ("AAPL", 10, T0, "100.0000", "100.0000", "100.0000", "100.0000", 1, 1),
        ("AAPL", 10, T0 + 10, "101.0000", "101.0000", "101.0000", "101.0000", 2, 1),
    ]


def test_batch_refuses_float_prices_and_ragged_columns():
    with pytest.raises(TypeError):
        aggregate_batch(["AAPL"], [T0], np.array([100.5]), [1], 10)
    with pytest.raises(ValueError):
        aggregate_batch(["AAPL", "MSFT"], [T0], [1_000_000], [1], 10)
    with pytest.raises(ValueError):
        aggregate_batch(["AAPL"], [float("nan")], [1_000_000], [1], 10)
    assert aggregate_batch([], [], [], [], 10) == []
