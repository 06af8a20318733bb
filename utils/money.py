"""Parsing and formatting of money amounts as Decimal."""

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


class AmountError(ValueError):
    """The value is not an acceptable amount of money."""


def to_decimal(value) -> Decimal:
    """A number from JSON or text: int, finite float (by its shortest repr), Decimal, or
    plain decimal text (ASCII digits, one optional point and sign, no exponent, no ``_``).

    Raises ValueError for anything else, including bool, NaN and infinity.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("must be a number")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40 or not PLAIN_DECIMAL.fullmatch(text):
            raise ValueError("must be a plain decimal number such as 12.50")
        return Decimal(text)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


def parse_amount(value, max_amount: Decimal) -> Decimal:
    """Turn user input into a positive Decimal with at most 2 decimals, at most ``max_amount``.

    Accepts str, int, Decimal and finite float (taken by its shortest repr); refuses
    bool, NaN, infinity, text, zero, negatives, a third decimal and amounts over the cap.
    """
    try:
        amount = to_decimal(value)
    except ValueError as exc:
        raise AmountError(f"Amount {exc}.") from None
    if amount <= 0:
        raise AmountError("Amount must be greater than zero.")
    if amount > max_amount:
        raise AmountError(f"Amount must not exceed ${format_money(max_amount)}.")
    if amount != amount.quantize(CENT):
        raise AmountError("Amount can have at most 2 decimal places.")
    return amount.quantize(CENT)


def format_money(value: Decimal | None) -> str:
    """Format a Decimal as 1,234.56 (empty string for None)."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
