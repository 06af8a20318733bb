"""A DTS desk for tests: fixed prices, a clock the test moves, one context throughout."""

from datetime import datetime, timedelta
from decimal import Decimal

from services.dts import summary
from services.dts.context import Context
from services.dts.quotes import QuoteSource
from services.dts.runner import read_items, run_items
from services.dts.users import Directory

START = datetime(2022, 2, 1, 12, 0, 0)


class Desk:
    """Runs DTS lines at ``now`` on fixed prices the test can change."""

    def __init__(self, prices: dict[str, str], admin: bool = True, group_size: int = 200):
        self.quotes = QuoteSource(1, {k: Decimal(v) for k, v in prices.items()})
        self.ctx = Context(self.quotes, admin=admin)
        self.now = START
        self.group_size = group_size
        self.number = 0

    def run(self, *lines: str) -> list:
        """Run the lines as one batch; returns their outcomes."""
        items = read_items(lines, first_number=self.number + 1, clock=lambda i: self.now)
        self.number += len(items)
        return run_items(self.ctx, items, self.group_size)

    def ok(self, line: str) -> dict:
        """Run one line that must succeed; its result."""
        (outcome,) = self.run(line)
        assert outcome.success, outcome.error
        return outcome.result

    def error(self, line: str) -> str:
        """Run one line that must fail; its error message."""
        (outcome,) = self.run(line)
        assert not outcome.success, outcome.result
        return outcome.error

    def later(self, seconds: float) -> None:
        """Move the clock."""
        self.now += timedelta(seconds=seconds)

    def price(self, symbol: str, price: str) -> None:
        """Change a fixed price."""
        self.quotes.fixed[symbol] = Decimal(price)

    def state(self, user: str) -> dict:
        """The user's balances, holdings and triggers."""
        return summary.balances(Directory().need(user))
