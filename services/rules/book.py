"""The worker's index of active rules: by ticker, with incremental moving averages.

A price feeds the averages of its ticker (one per window length in use) and is
read by the rules of that ticker only; within a ticker and window the rules are
sorted by their bands, so the deviation finds the rules it triggers by bisection
and a tick costs in proportion to the rules that fire, not to all rules. Rules
past their cooldown are handed to services.rules.trade, which re-checks
everything under the account's lock.
"""

import time
from bisect import bisect_left
from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from models import AutoRule, User
from utils.clock import epoch
from utils.streams.moving import Averages, MovingAverage
from utils.streams.signals import Signal

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


class _Group:
    """The rules of one ticker and window length, sorted by their buy and sell bands, so
    a deviation finds the rules it triggers by bisection."""

    def __init__(self, rules: list[RuleView]) -> None:
        self.buyers = sorted(rules, key=lambda r: r.buy_below)
        self.buy_keys = [r.buy_below for r in self.buyers]
        self.sellers = sorted(rules, key=lambda r: r.sell_above)
        self.sell_keys = [r.sell_above for r in self.sellers]

    def triggered(self, deviation: float) -> tuple[str | None, list[RuleView]]:
        """The side and the rules whose band ``deviation`` (in %) goes beyond."""
        if deviation < 0:
            return "buy", self.buyers[: bisect_left(self.buy_keys, -deviation)]
        if deviation > 0:
            return "sell", self.sellers[: bisect_left(self.sell_keys, deviation)]
        return None, []


class RuleBook:
    """Active rules by ticker and window, and the moving averages they read."""

    def __init__(self) -> None:
        self.by_ticker: dict[str, list[tuple[MovingAverage, _Group]]] = {}
        self.averages = Averages()
        self.loaded_at = float("-inf")
        self.stale = True
        self.count = 0
        self.looked_at: dict[int, float] = {}  # rule id -> its last decision, across reloads

    def set_rules(self, views: list[RuleView]) -> None:
        """Replace the index (the moving averages keep their prices)."""
        grouped: dict[tuple[str, int], list[RuleView]] = {}
        self.looked_at = {
            v.rule_id: self.looked_at[v.rule_id] for v in views if v.rule_id in self.looked_at
        }
        for v in views:
            looked = self.looked_at.get(v.rule_id)
            if looked is not None and (v.last_trade is None or looked > v.last_trade):
                v.last_trade = looked  # a skip's cooldown outlives the reload
            grouped.setdefault((v.ticker, v.window), []).append(v)
        index: dict[str, list[tuple[MovingAverage, _Group]]] = {}
        for (ticker, window), rules in grouped.items():
            average = self.averages.track(ticker, window)
            index.setdefault(ticker, []).append((average, _Group(rules)))
        self.by_ticker, self.count = index, len(views)
        self.loaded_at, self.stale = time.monotonic(), False

    def reload_if_due(self) -> None:
        """Reload the active rules of enabled users when one changed or RELOAD_SECONDS
        passed."""
        if self.stale or time.monotonic() - self.loaded_at > RELOAD_SECONDS:
            stmt = (
                select(AutoRule)
                .join(User, User.user_id == AutoRule.user_id)
                .where(AutoRule.active.is_(True), User.is_enabled.is_(True))
            )
            self.set_rules([view(r) for r in db.session.scalars(stmt)])

    def tickers(self) -> set[str]:
        """The tickers some active rule follows."""
        return set(self.by_ticker)

    def on_price(self, ticker: str, at: float, price: float) -> list[tuple[RuleView, Signal]]:
        """Feed a price; the (rule, signal) pairs that want to trade now."""
        self.averages.add(ticker, at, price)
        wanted = []
        for average, group in self.by_ticker.get(ticker, ()):
            if len(average) < 2:
                continue  # no history yet to compare with
            mean = average.mean()
            deviation = (price - mean) / mean * 100.0
            side, rules = group.triggered(deviation)
            for rule in rules:
                if rule.last_trade is not None and at - rule.last_trade < rule.cooldown:
                    continue
                wanted.append((rule, Signal(side, price, mean, deviation)))
        return wanted

    def decided(self, rule: RuleView, at: float) -> None:
        """Note a decision (traded or skipped): the rule is looked at again only after its
        cooldown, so a signal that cannot trade is not logged on every tick."""
        rule.last_trade = self.looked_at[rule.rule_id] = at
