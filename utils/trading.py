"""Pure trading arithmetic: commissions, slippage, trigger rules and share sizing.

Prices have 4 decimals, cash 2; every rounding here is ROUND_HALF_UP and explicit.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TICK = Decimal("0.0001")
BPS = Decimal("10000")
HUNDRED = Decimal("100")

LE, GE = "le", "ge"  # the order triggers when the price is <= or >= its trigger price


@dataclass(frozen=True)
class Costs:
    """Commission (fixed per order plus basis points, with a minimum), slippage and collar."""

    fixed: Decimal = Decimal("1.00")
    bps: Decimal = Decimal("0")
    minimum: Decimal = Decimal("1.00")
    slippage_bps: Decimal = Decimal("0")
    collar_bps: Decimal = Decimal("500")

    def commission(self, gross: Decimal) -> Decimal:
        """Commission on an order's fills of ``gross`` dollars in all."""
        fee = self.fixed + gross * self.bps / BPS
        return max(fee, self.minimum).quantize(CENT, ROUND_HALF_UP)

    def fill_commission(self, before: Decimal, value: Decimal, charged: Decimal) -> Decimal:
        """Commission on a fill of ``value`` dollars of an order whose earlier fills came
        to ``before`` and were charged ``charged``: the order's fills together pay the
        commission of one fill of their total, no more than its reservation held."""
        if not before:
            return self.commission(value)
        return max(self.commission(before + value) - charged, Decimal("0.00"))

    def slipped(self, price: Decimal, side: str) -> Decimal:
        """A market fill price: the quote moved against the trader by slippage_bps."""
        sign = 1 if side == "buy" else -1
        return (price * (1 + sign * self.slippage_bps / BPS)).quantize(TICK, ROUND_HALF_UP)

    def collared(self, price: Decimal) -> Decimal:
        """The worst price a market buy is reserved at: the quote plus the collar."""
        return (price * (1 + self.collar_bps / BPS)).quantize(TICK, ROUND_HALF_UP)


def gross(price: Decimal, quantity: int) -> Decimal:
    """Price times quantity, in cents."""
    return (price * quantity).quantize(CENT, ROUND_HALF_UP)


def buy_cost(price: Decimal, quantity: int, costs: Costs) -> Decimal:
    """What a buy of ``quantity`` at ``price`` takes from cash, commission included."""
    value = gross(price, quantity)
    return value + costs.commission(value)


def shares_for_amount(amount: Decimal, price: Decimal, costs: Costs, side: str) -> int:
    """Whole shares a dollar amount buys (commission included) or sells at ``price``."""
    most = int((amount / price).to_integral_value(ROUND_DOWN))
    if side == "sell":
        return most
    low, high = 0, most  # the largest count whose cost fits: cost grows with the count
    while low < high:
        middle = (low + high + 1) // 2
        if buy_cost(price, middle, costs) <= amount:
            low = middle
        else:
            high = middle - 1
    return low


def trailing_stop(water_mark: Decimal, side: str, amount=None, percent=None) -> Decimal:
    """The stop of a trailing order: below the high-water mark for sells, above the low for buys."""
    offset = amount if amount is not None else water_mark * percent / HUNDRED
    stop = water_mark - offset if side == "sell" else water_mark + offset
    return stop.quantize(TICK, ROUND_HALF_UP)


def trigger(kind: str, side: str, limit=None, stop=None, stop_triggered=False):
    """(direction, price) at which a resting order acts; None for market orders.

    A buy limit acts at or below its limit, a sell limit at or above; a buy stop at or
    above its stop, a sell stop at or below. A stop-limit is a stop until triggered,
    then a limit. Trailing stops are stops whose stop price follows the water mark.
    """
    if kind == "limit" or (kind == "stop_limit" and stop_triggered):
        return (LE if side == "buy" else GE), limit
    if kind in ("stop", "stop_limit", "trailing_stop"):
        return (GE if side == "buy" else LE), stop
    return None


def crosses(direction: str, trigger_price: Decimal, price: Decimal) -> bool:
    """Whether ``price`` satisfies a trigger."""
    return price <= trigger_price if direction == LE else price >= trigger_price
