"""DTS quotes: a seeded random walk per symbol, like the course's quote server, or fixed
prices from a CSV file (``symbol,price``).

The walk starts each UTC day from a price drawn for (seed, symbol, day) and moves once
a minute, so a price depends only on the seed, the symbol and the time: two runs (or
two processes) with the same clock see the same prices. Each hit carries a
cryptokey-like quote id derived from the same inputs and the user.
"""

import base64
import csv
import hashlib
import hmac
import math
import random
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from services.dts.parser import SYMBOL
from utils.clock import epoch

CENT = Decimal("0.01")
STEP_SECONDS = 60
DAY_SECONDS = 86400


class QuoteError(ValueError):
    """No price for a symbol (missing from a fixed price list)."""


@dataclass(frozen=True)
class Hit:
    """One answer of the quote source."""

    symbol: str
    price: Decimal
    quote_time_ms: int
    cryptokey: str


class QuoteSource:
    """Prices for DTS symbols: fixed ones when given, else the seeded walk."""

    def __init__(self, seed: int, fixed: dict[str, Decimal] | None = None):
        self.seed = seed
        self.fixed = fixed
        self._walks: dict[tuple[str, int], list[Decimal]] = {}
        self._lock = threading.Lock()  # runs with --users-parallel share one source

    def quote(self, symbol: str, user: str, at: datetime) -> Hit:
        """The price of ``symbol`` at ``at`` (naive UTC), as the user asking sees it."""
        seconds = int(epoch(at))
        step_start = seconds - seconds % STEP_SECONDS
        if self.fixed is not None:
            if symbol not in self.fixed:
                raise QuoteError(f"No price for {symbol} in the price list.")
            price = self.fixed[symbol]
        else:
            price = self._walk_price(symbol, seconds)
        key = self._cryptokey(symbol, user, step_start)
        return Hit(symbol, price, step_start * 1000, key)

    def _walk_price(self, symbol: str, seconds: int) -> Decimal:
        day, minute = divmod(seconds, DAY_SECONDS)
        minute //= STEP_SECONDS
        with self._lock:
            walk = self._walks.get((symbol, day))
            if walk is None:
                walk = self._walks[(symbol, day)] = [self._start(symbol, day)]
            while len(walk) <= minute:
                walk.append(self._step(symbol, day, len(walk), walk[-1]))
            return walk[minute]

    def _step(self, symbol: str, day: int, minute: int, price: Decimal) -> Decimal:
        # One generator per minute, so a price never depends on which minutes were asked
        # for first (a walk extended in one stretch or minute by minute is the same walk).
        rng = random.Random(f"{self.seed}:{symbol}:{day}:{minute}")
        moved = max(Decimal("1.00"), price * Decimal(math.exp(rng.gauss(0, 0.01))))
        return moved.quantize(CENT, ROUND_HALF_UP)

    def _start(self, symbol: str, day: int) -> Decimal:
        rng = random.Random(f"{self.seed}:{symbol}:{day}")
        return Decimal(str(round(rng.uniform(5, 500), 2))).quantize(CENT)

    def _cryptokey(self, symbol: str, user: str, step_start: int) -> str:
        digest = hmac.new(
            str(self.seed).encode(), f"{symbol}|{user}|{step_start}".encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest)[:44].decode()


def read_prices(path: str | Path) -> dict[str, Decimal]:
    """``{SYMBOL: price}`` from a CSV of ``symbol,price`` (a header line is allowed).

    Raises ValueError naming the first bad line.
    """
    prices = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip():
                continue
            if number == 1 and row[0].strip().lower() == "symbol":
                continue
            if len(row) != 2 or not SYMBOL.match(row[0].strip()):
                raise ValueError(f"line {number}: expected symbol,price")
            try:
                price = Decimal(row[1].strip()).quantize(CENT, ROUND_HALF_UP)
            except InvalidOperation:
                raise ValueError(f"line {number}: {row[1].strip()!r} is not a price") from None
            if price <= 0:
                raise ValueError(f"line {number}: the price must be positive")
            prices[row[0].strip().upper()] = price
    return prices
