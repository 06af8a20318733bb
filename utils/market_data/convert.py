"""Turning the numbers sources give us (float, int, str, NaN) into Decimal or None."""

import math
from decimal import Decimal, InvalidOperation
from numbers import Integral, Real

PRICE_STEP = Decimal("0.0001")


def to_decimal(value) -> Decimal | None:
    """A finite number as Decimal, or None for None, NaN, infinity, bools and non-numbers.

    Floats go through their shortest repr so 28.1 becomes Decimal("28.1"), not the
    binary expansion.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, Integral):  # int and numpy integers, exactly
        return Decimal(int(value))
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        if number.is_integer() and abs(number) < 1e18:
            return Decimal(int(number))  # 3.9e11 from a statement reads as 390000000000
        return Decimal(repr(number))
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def to_price(value) -> Decimal | None:
    """A price rounded to 4 dp (half-even), or None when it is not a finite number."""
    number = to_decimal(value)
    return None if number is None else number.quantize(PRICE_STEP)


def to_int(value) -> int | None:
    """A share count as int, or None when it is not a finite number."""
    number = to_decimal(value)
    return None if number is None else int(number)
