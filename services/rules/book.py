"""The worker's index of active rules: by ticker, with incremental moving averages.

A price feeds the averages of its ticker (one per window length in use) and is
read by the rules of that ticker only, so a tick costs in proportion to the rules
whose ticker moved. Rules that pass the checks the index can make alone (end
cooldown) are handed to services.rules.trade, which re-checks everything
under the account's lock.
"""

import time
from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from models import AutoRule
from utils.clock import epoch
from utils.streams.moving import Averages
from utils.streams.signals import Signal, read

RELOAD_SECONDS = 30  # rules edited in another process are seen at least this soon


@dataclass
class RuleView:
    """What the index keeps of an active rule."""

    rule_id: int
    user_id: int
    ticker: str
    window: int
    buy_below: float
    sell_above: float
    cooldown: int
    ends_at: float | None
    last_trade: float | None


def view(rule: AutoRule) -> RuleView:
    """The index's copy of ``rule``."""
    return RuleView(
        rule.rule_id,
        rule.user_id,
        rule.ticker,
        rule.window_seconds,
        float(rule.buy_below_pct),
        float(rule.sell_above_pct),
        rule.cooldown_seconds,
        epoch(rule.ends_at) if rule.ends_at else None,
        epoch(rule.last_trade_at) if rule.last_trade_at else None,
    )


class RuleBook:
    """Active rules by ticker and the moving averages they read."""

    def __init__(self) -> None:
        self.by_ticker: dict[str, list[RuleView]] = {}
        self.averages = Averages()
        self.loaded_at = float("-inf")
        self.stale = True

    def set_rules(self, views: list[RuleView]) -> None:
        """Replace the index (the moving averages keep their prices)."""
        index: dict[str, list[RuleView]] = {}
        for v in views:
            index.setdefault(v.ticker, []).append(v)
            self.averages.track(v.ticker, v.window)
        self.by_ticker = index
        self.loaded_at, self.stale = time.monotonic(), False

    def reload_if_due(self) -> None:
        """Reload the active rules when one changed or RELOAD_SECONDS passed."""
        if self.stale or time.monotonic() - self.loaded_at > RELOAD_SECONDS:
            stmt = select(AutoRule).where(AutoRule.active.is_(True))
            self.set_rules([view(r) for r in db.session.scalars(stmt)])

    def tickers(self) -> set[str]:
        """The tickers some active rule follows (the worker keeps them priced)."""
        return set(self.by_ticker)

    def on_price(self, ticker: str, at: float, price: float) -> list[tuple[RuleView, Signal]]:
        """Feed a price; the (rule, signal) pairs that want to trade now."""
        rules = self.by_ticker.get(ticker)
        self.averages.add(ticker, at, price)
        if not rules:
            return []
        wanted = []
        for rule in rules:
            average = self.averages.track(ticker, rule.window)
            if len(average) < 2:
                continue  # no history yet to compare with
            signal = read(price, average.mean(), rule.buy_below, rule.sell_above)
            if signal.side is None:
                continue
            if rule.last_trade is not None and at - rule.last_trade < rule.cooldown:
                continue
            wanted.append((rule, signal))
        return wanted

    def traded(self, rule: RuleView, at: float) -> None:
        """Note a trade so the cooldown holds before the next reload."""
        rule.last_trade = at
