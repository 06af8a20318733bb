"""What a generated trader does next: a weighted choice of action, sized so that the
order is within the account's means (the order path still checks)."""

import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

WEIGHTS = {
    "market": 30,
    "limit": 20,
    "cancel": 10,
    "quote_commit": 10,
    "stop": 6,
    "trailing_stop": 6,
    "deposit": 4,
    "withdraw": 3,
    "rule": 2,
    "alert": 3,
}
BUDGET_SHARE = Decimal("0.10")  # a buy spends at most this share of the available cash
COLLAR = Decimal("1.06")  # room for the stop collar and commission


@dataclass
class Action:
    """One thing to send: its kind and the fields of the request."""

    kind: str
    body: dict = field(default_factory=dict)


def _shares(cash: Decimal, price: Decimal) -> int:
    return int((cash * BUDGET_SHARE / (price * COLLAR)).to_integral_value(ROUND_DOWN))


def choose(rng: random.Random, tickers, prices: dict, cash: Decimal, free: dict, open_orders):
    """The next action for a trader with ``cash`` available and ``free`` shares."""
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    ticker = rng.choice(tickers)
    price = prices[ticker]
    if kind == "cancel":
        return Action("cancel", {"order_id": rng.choice(open_orders)}) if open_orders else None
    if kind == "deposit":
        return Action("deposit", {"amount": str(rng.randrange(100, 5000))})
    if kind == "withdraw":
        amount = min(cash * BUDGET_SHARE, Decimal(rng.randrange(50, 1000)))
        amount = amount.quantize(Decimal("0.01"), ROUND_DOWN)
        return Action("withdraw", {"amount": str(amount)}) if amount >= 1 else None
    if kind == "alert":
        above = rng.random() < 0.5
        level = price * (Decimal("1.002") if above else Decimal("0.998"))
        threshold = str(level.quantize(Decimal("0.01")))
        return Action(
            "alert",
            {"ticker": ticker, "kind": "above" if above else "below", "threshold": threshold},
        )
    if kind == "rule":
        return Action("rule", _rule(rng, ticker))
    return _order(rng, kind, ticker, price, cash, free)


def _rule(rng: random.Random, ticker: str) -> dict:
    return {
        "ticker": ticker,
        "window_seconds": 5,
        "buy_below_pct": str(rng.choice(["0.05", "0.1", "0.2"])),
        "sell_above_pct": str(rng.choice(["0.05", "0.1", "0.2"])),
        "quantity": rng.randrange(1, 5),
        "max_position": 50,
        "max_trades_per_day": 20,
        "cooldown_seconds": 10,
    }


def _order(rng, kind, ticker, price, cash, free) -> Action | None:
    sell = ticker in free and rng.random() < 0.5
    if sell:
        quantity = rng.randrange(1, free[ticker] + 1)
    else:
        most = _shares(cash, price)
        if most < 1:
            return None
        quantity = rng.randrange(1, min(most, 50) + 1)
    side = "sell" if sell else "buy"
    body = {"ticker": ticker, "order_type": side, "quantity": quantity}
    if kind in ("market", "quote_commit"):
        return Action(kind, body)
    away = Decimal(1 + rng.choice([-1, 1]) * rng.uniform(0.0005, 0.004)).quantize(Decimal("0.0001"))
    level = (price * away).quantize(Decimal("0.01"))
    if kind == "limit":
        return Action(
            "order",
            {**body, "execution_type": "limit", "price": str(level), "time_in_force": "gtc"},
        )
    if kind == "stop":
        stop = price * (Decimal("0.997") if sell else Decimal("1.003"))
        stop = stop.quantize(Decimal("0.01"))
        return Action(
            "order",
            {**body, "execution_type": "stop", "stop_price": str(stop), "time_in_force": "gtc"},
        )
    return Action(
        "order",
        {**body, "execution_type": "trailing_stop", "trail_percent": "0.3", "time_in_force": "gtc"},
    )
