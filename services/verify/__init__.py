"""``flask audit verify``: every account's books must balance.

The checks, each in its own module:

- cash (``cash``): cash equals the sum of its ledger; available + frozen = total; frozen
  equals the open buy reservations plus the pending withdrawals; no balance is negative;
  each approved fund request moved its amount in one ledger row, and no other one moved any.
- positions (``positions``): each position equals the sum of its fills since the
  account's latest reset, its cost and average follow from them replayed in order, its
  realised P&L is the sum of its sales', reserved shares equal the open resting sells
  and armed DTS sell triggers, and nothing is negative.
- orders (``orders``): every order's fills add up to its filled quantity and match its
  side, ticker and owner; each fill's amount is its price times its shares; a filled
  order has all its shares and a ledger that matches its fills; an open order has
  shares left to fill; an order's commission is its fills'; a closed order reserves
  no cash; no fill comes after a cancelled, rejected or expired order ended; no quote hold
  is used twice, no committed hold lacks its order or filled it at another price than
  it held, and no hold that is not committed names one.
"""

from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from extensions import db
from models import AccountBalance, Order, Portfolio


@dataclass(frozen=True)
class Problem:
    """One broken rule: the account it concerns (None for a rule without one)."""

    check: str
    message: str
    user_id: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Report:
    """The outcome of a verification run: what was checked and what failed."""

    accounts: int
    positions: int
    orders: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def failing_accounts(self) -> list[int]:
        return sorted({p.user_id for p in self.problems if p.user_id is not None})

    def as_dict(self) -> dict:
        """The report as plain JSON-ready data (for ``--json``)."""
        by_check: dict[str, int] = {}
        for problem in self.problems:
            by_check[problem.check] = by_check.get(problem.check, 0) + 1
        return {
            "ok": self.ok,
            "checked": {
                "accounts": self.accounts,
                "positions": self.positions,
                "orders": self.orders,
            },
            "problem_count": len(self.problems),
            "problems_by_check": by_check,
            "failing_accounts": self.failing_accounts,
            "problems": [asdict(p) for p in self.problems],
        }


def verify() -> list[Problem]:
    """Return a Problem for every broken rule (an empty list when the books balance)."""
    from services.verify import cash, orders, positions

    return cash.check() + positions.check() + orders.check()


def report() -> Report:
    """Run every check and count what was looked at, for the command's summary."""
    problems = verify()

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return Report(count(AccountBalance), count(Portfolio), count(Order), problems)
