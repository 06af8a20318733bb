"""The Candle value, window alignment and the exact price scale shared by both aggregators.

Prices travel as integers in ten-thousandths ("e4": 123.4567 -> 1_234_567) because the
database keeps prices at 4 dp: integer compare and add is exact and much cheaper per tick
than Decimal, and converting back to a 4 dp Decimal is exact.
"""

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation, Overflow

PRICE_SCALE = 10_000
DEFAULT_INTERVALS = (10, 60)
_EPOCH = datetime(1970, 1, 1)
_TIME_TYPES = (numbers.Real, Decimal)
# Scaling by 10^+-4 under this context raises instead of silently rounding a price with more
# significant digits than any column can hold.
_EXACT = Context(prec=40, traps=[Inexact, InvalidOperation, Overflow])


@dataclass(frozen=True, slots=True)
class Candle:
    """One OHLCV candle of ``interval`` seconds starting at ``window_start`` (UTC epoch s).

    Prices are Decimal with exactly 4 decimal places; ``volume`` is the summed traded
    quantity and ``trades`` the number of ticks that went into the candle.
    """

    ticker: str
    interval: int
    window_start: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int
    trades: int

    @property
    def window_end(self) -> int:
        """The first second after the window (exclusive end), epoch seconds."""
        return self.window_start + self.interval

    @property
    def started_at(self) -> datetime:
        """``window_start`` as a naive UTC datetime, the way the database stores times."""
        return _EPOCH + timedelta(seconds=self.window_start)


def candle_from_e4(
    ticker: str,
    interval: int,
    window: int,
    prices_e4: tuple[int, int, int, int],
    volume: int,
    trades: int,
) -> Candle:
    """Build a Candle from integer state; ``prices_e4`` is (open, high, low, close)."""
    open_, high, low, close = prices_e4
    return Candle(
        ticker,
        interval,
        window,
        price_from_e4(open_),
        price_from_e4(high),
        price_from_e4(low),
        price_from_e4(close),
        volume,
        trades,
    )


def checked_intervals(intervals: Iterable[int]) -> tuple[int, ...]:
    """Distinct positive whole-second intervals, ascending; ValueError otherwise."""
    values = tuple(intervals)
    if not values:
        raise ValueError("At least one interval is needed.")
    for interval in values:
        if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
            raise ValueError(f"Intervals must be positive whole seconds, got {interval!r}.")
    return tuple(sorted(set(values)))


def window_start(t: float | int | Decimal, interval: int) -> int:
    """Start of the ``interval``-second window holding epoch time ``t``: floor(t / W) * W.

    The division is done on whole seconds in integer arithmetic; that is exact because
    W is a whole number of seconds, so floor(t / W) == floor(floor(t) / W).
    """
    second = t if type(t) is int else whole_second(t)
    return second - second % interval


def whole_second(t: float | int | Decimal) -> int:
    """floor(t) as an int; refuses bool and non-numbers (TypeError), NaN and infinity."""
    if t.__class__ is not float and (isinstance(t, bool) or not isinstance(t, _TIME_TYPES)):
        raise TypeError(f"Timestamp must be a number of epoch seconds, not {type(t).__name__}.")
    try:
        return math.floor(t)
    except (ValueError, OverflowError):
        raise ValueError(f"Timestamp must be finite, got {t!r}.") from None


def price_to_e4(price: Decimal | int | str) -> int:
    """Convert a positive price to integer ten-thousandths, exactly.

    Accepts Decimal, int and numeric str with at most 4 decimal places (trailing zeros
    beyond that are fine: "1.230000"). Floats are refused with TypeError: money is never
    float here, and a float reaching the aggregator means a provider skipped its own
    conversion, which is where the rounding decision belongs.
    """
    if price.__class__ is Decimal:
        e4 = _decimal_to_e4(price)
    elif isinstance(price, bool | float) or not isinstance(price, Decimal | int | str):
        raise TypeError(f"Price must be Decimal, int or str, not {type(price).__name__}.")
    elif isinstance(price, int):
        e4 = price * PRICE_SCALE
    else:
        e4 = _decimal_to_e4(_as_decimal(price))
    if e4 <= 0:
        raise ValueError(f"Price must be greater than zero, got {price!r}.")
    return e4


def price_from_e4(e4: int) -> Decimal:
    """Integer ten-thousandths back to a Decimal with exactly 4 decimal places."""
    return Decimal(e4).scaleb(-4, _EXACT)


def _as_decimal(price: Decimal | str) -> Decimal:
    if isinstance(price, Decimal):
        return price
    try:
        return Decimal(price.strip())
    except InvalidOperation:
        raise ValueError(f"Price must be a number, got {price!r}.") from None


def _decimal_to_e4(value: Decimal) -> int:
    if not value.is_finite():
        raise ValueError(f"Price must be finite, got {value!r}.")
    try:
        scaled = value.scaleb(4, _EXACT)
    except DecimalException:
        raise ValueError(f"Price is out of range, got {value!r}.") from None
    e4 = int(scaled)
    if e4 != scaled:
        raise ValueError(f"Price can have at most 4 decimal places, got {value!r}.")
    return e4
