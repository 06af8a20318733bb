"""What a price compared with its moving average says: buy, sell or nothing."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    """A rule's reading of one price: the side (or None), the average and the deviation."""

    side: str | None
    price: float
    average: float
    deviation_pct: float


def read(price: float, average: float, buy_below_pct: float, sell_above_pct: float) -> Signal:
    """Buy when ``price`` is below ``average`` by more than ``buy_below_pct`` percent, sell
    when it is above by more than ``sell_above_pct`` percent."""
    deviation = (price - average) / average * 100.0
    side = None
    if deviation < -buy_below_pct:
        side = "buy"
    elif deviation > sell_above_pct:
        side = "sell"
    return Signal(side, price, average, deviation)
