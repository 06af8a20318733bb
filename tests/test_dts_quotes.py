"""The DTS quote source's seeded walk: a price depends on the seed, the symbol and the
minute only, never on which minutes were asked for first or from how many threads."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from services.dts.quotes import QuoteSource

DAY = datetime(2022, 3, 1)


def _price(source, minute, symbol="ABC"):
    return source.quote(symbol, "u1", DAY + timedelta(minutes=minute)).price


def test_a_walk_is_the_same_however_its_minutes_are_first_asked_for():
    in_one_stretch = QuoteSource(seed=7)
    minute_by_minute = QuoteSource(seed=7)
    late_first = [_price(in_one_stretch, 90)]
    steps = [_price(minute_by_minute, m) for m in range(91)]
    assert late_first == steps[-1:]
    assert [_price(in_one_stretch, m) for m in range(91)] == steps
    assert len(set(steps)) > 10  # the price moves


def test_threads_sharing_a_source_see_the_serial_walk():
    serial = [_price(QuoteSource(seed=3), m, s) for s in ("AB", "XYZ") for m in range(0, 300, 7)]
    shared = QuoteSource(seed=3)
    asks = [(m, s) for s in ("AB", "XYZ") for m in range(0, 300, 7)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda ask: _price(shared, *ask), reversed(asks)))
    assert parallel[::-1] == serial


def test_seeds_and_symbols_give_different_walks():
    assert _price(QuoteSource(seed=1), 30) != _price(QuoteSource(seed=2), 30)
    assert _price(QuoteSource(seed=1), 30, "AB") != _price(QuoteSource(seed=1), 30, "CD")
