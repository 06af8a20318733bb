"""Tumbling-window counts over a stream of order and fill events.

Windows are aligned to ``floor(t / W) * W``. The watermark is the newest event
time seen; a window closes when the watermark passes its end plus the grace
period. An event for a window still open (within the grace) is counted in its
own window; one for a closed window is counted as late in the newest window.
"""

from collections import deque


def _empty(start: int) -> dict:
    return {
        "start": start,
        "orders": {},  # "buy market" -> count
        "fills": 0,
        "value": {},  # ticker -> traded value
        "tickers": {},  # ticker -> events
        "users": {},  # user id -> events
        "rejects": 0,
        "cancels": 0,
        "late": 0,
    }


class TumblingWindows:
    """Counts per window of ``width`` seconds; closed windows are kept for ``keep`` seconds."""

    def __init__(self, width: int = 5, grace: float = 2.0, keep: int = 3600) -> None:
        self.width, self.grace = width, grace
        self.open: dict[int, dict] = {}
        self.closed: deque = deque(maxlen=max(1, keep // width))
        self.watermark = float("-inf")
        self.late_total = 0

    def add(self, at: float, kind: str, payload: dict) -> None:
        """Count one event (``kind`` is the event type) that happened at ``at``."""
        width = self.width
        start = int(at // width) * width
        if at > self.watermark:
            self.watermark = at  # the newest event is never late
        elif start + width + self.grace <= self.watermark:
            self._late()
            return
        window = self.open.get(start)
        if window is None:
            window = self.open[start] = _empty(start)
        _count(window, kind, payload)

    def _late(self) -> None:
        # Too late for its own window: counted, once, in the window of the watermark.
        self.late_total += 1
        start = int(self.watermark // self.width) * self.width
        window = self.open.get(start)
        if window is None:
            window = self.open[start] = _empty(start)
        window["late"] += 1

    def advance(self, now: float) -> list[dict]:
        """Move the watermark to ``now`` (when time passes without events) and close the
        windows it passes; returns the windows closed, oldest first."""
        if now > self.watermark:
            self.watermark = now
        done = sorted(s for s in self.open if s + self.width + self.grace <= self.watermark)
        closed = [self.open.pop(s) for s in done]
        self.closed.extend(closed)
        return closed


def _count(window: dict, kind: str, p: dict) -> None:
    users = window["users"]
    user = p.get("user_id")
    users[user] = users.get(user, 0) + 1
    ticker = p.get("ticker")
    tickers = window["tickers"]
    tickers[ticker] = tickers.get(ticker, 0) + 1
    if kind == "order.placed":
        key = f"{p.get('side')} {p.get('kind')}"
        orders = window["orders"]
        orders[key] = orders.get(key, 0) + 1
    elif kind == "order.filled":
        window["fills"] += 1
        value = window["value"]
        value[ticker] = value.get(ticker, 0.0) + float(p.get("value", 0))
    elif kind == "order.rejected":
        window["rejects"] += 1
    elif kind == "order.closed":
        window["cancels"] += p.get("status") == "cancelled"
        window["rejects"] += p.get("status") == "rejected"


def top(counts: dict, n: int = 5) -> list[list]:
    """The ``n`` largest entries of ``counts``, largest first, as [key, count] pairs."""
    return [[k, v] for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]]


def summarize(windows: list[dict], start: int, width: int) -> dict:
    """Merge ``windows`` into one summary starting at ``start`` covering ``width`` seconds."""
    merged = _empty(start)
    for w in windows:
        for name in ("fills", "rejects", "cancels", "late"):
            merged[name] += w[name]
        for name in ("orders", "value", "tickers", "users"):
            target = merged[name]
            for key, count in w[name].items():
                target[key] = target.get(key, 0) + count
    return shape(merged, width)


def shape(window: dict, width: int) -> dict:
    """A window as JSON: totals, the orders by side and type, and the top tickers and users."""
    return {
        "start": window["start"],
        "seconds": width,
        "orders": sum(window["orders"].values()),
        "orders_by_kind": dict(sorted(window["orders"].items())),
        "fills": window["fills"],
        "traded_value": {k: round(v, 2) for k, v in sorted(window["value"].items())},
        "top_tickers": top({k: v for k, v in window["tickers"].items() if k is not None}),
        "top_users": top({str(k): v for k, v in window["users"].items() if k is not None}),
        "rejects": window["rejects"],
        "cancels": window["cancels"],
        "late": window["late"],
    }
