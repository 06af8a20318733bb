"""Day change of a position: yesterday's close for shares held before today, the purchase
price for shares bought today."""

from decimal import Decimal

CENT = Decimal("0.01")


def day_change(
    quantity: int,
    price: Decimal,
    previous_close: Decimal | None,
    bought_today: int = 0,
    bought_today_value: Decimal = Decimal("0"),
) -> Decimal | None:
    """The position's change in value today, in cents.

    ``bought_today`` shares were bought today for ``bought_today_value`` (fill prices,
    no commission). Sales are taken from the oldest shares first, so the shares bought
    today still held are at most ``quantity``. Returns None when shares held from before
    today have no previous close to compare with.
    """
    new = min(quantity, bought_today)
    old = quantity - new
    change = Decimal("0")
    if new:
        change += price * new - bought_today_value / bought_today * new
    if old:
        if previous_close is None:
            return None
        change += (price - previous_close) * old
    return change.quantize(CENT)
