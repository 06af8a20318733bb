"""Parsing and formatting of money amounts as Decimal."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class AmountError(ValueError):
    """The value is not an acceptable amount of money."""


def parse_amount(value, max_amount: Decimal) -> Decimal:
    """Turn user input into a positive Decimal with at most 2 decimals, at most ``max_amount``.

    Accepts str, int, Decimal and finite float (taken by its shortest repr); refuses
    bool, NaN, infinity, text, zero, negatives, a third decimal and amounts over the cap.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError("Amount must be a number.")
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AmountError("Amount must be a number.") from None
    if not amount.is_finite():
        raise AmountError("Amount must be a finite number.")
    if amount <= 0:
        raise AmountError("Amount must be greater than zero.")
    if amount > max_amount:
        raise AmountError(f"Amount must not exceed {format_money(max_amount)}.")
    if amount != amount.quantize(CENT):
        raise AmountError("Amount can have at most 2 decimal places.")
    return amount.quantize(CENT)


def format_money(value: Decimal | None) -> str:
    """Format a Decimal as 1,234.56 (empty string for None)."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
