"""DTS quotes: a seeded random walk per symbol, like the course's quote server, or fixed
prices from a CSV file (``symbol,price``).

The walk starts each UTC day from a price drawn for (seed, symbol, day) and moves once
a minute, so a price depends only on the seed, the symbol and the time: two runs (or
two processes) with the same clock see the same prices. A symbol's whole day is drawn
at once, from a generator seeded with (seed, symbol, day), so the first quote of a symbol
late in the day costs no more than one early in it. Each hit carries a cryptokey-like
quote id derived from the same inputs and the user.
"""

import base64
import csv
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import numpy as np

from services.dts.parser import SYMBOL
from utils.clock import epoch

CENT = Decimal("0.01")
STEP_SECONDS = 60
DAY_SECONDS = 86400
MINUTES = DAY_SECONDS // STEP_SECONDS
VOLATILITY = 0.01  # of a one-minute move (log return)
WALKS_KEPT = 4096  # symbol-days, about 12 KB each


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

    def quote(self, symbol: str, user: str, at: datetime) -> Hit:
        """The price of ``symbol`` at ``at`` (naive UTC), as the user asking sees it."""
        seconds = int(epoch(at))
        step_start = seconds - seconds % STEP_SECONDS
        if self.fixed is not None:
            if symbol not in self.fixed:
                raise QuoteError(f"No price for {symbol} in the price list.")
            price = self.fixed[symbol]
        else:
            day, second = divmod(seconds, DAY_SECONDS)
            cents = day_walk(self.seed, symbol, day)[second // STEP_SECONDS]
            price = Decimal(int(cents)).scaleb(-2)
        key = self._cryptokey(symbol, user, step_start)
        return Hit(symbol, price, step_start * 1000, key)

    def _cryptokey(self, symbol: str, user: str, step_start: int) -> str:
        digest = hmac.new(
            str(self.seed).encode(), f"{symbol}|{user}|{step_start}".encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest)[:44].decode()


@lru_cache(maxsize=WALKS_KEPT)
def day_walk(seed: int, symbol: str, day: int) -> np.ndarray:
    """A symbol's price in cents for each minute of a UTC day: a start drawn between $5
    and $500, then a geometric random walk, never below $1.00."""
    rng = np.random.default_rng([seed % 2**32, day % 2**32, int.from_bytes(symbol.encode())])
    start = rng.uniform(500, 50000)
    moves = rng.normal(0.0, VOLATILITY, MINUTES)
    moves[0] = 0.0
    cents = np.maximum(100, np.rint(start * np.exp(np.cumsum(moves)))).astype(np.int64)
    cents.flags.writeable = False  # shared by every caller
    return cents


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
