"""One Server-Sent Events stream per page, carrying every live part the page shows.

A page's stream multiplexes feeds as named events: ``quote`` (the page's tickers,
with their open 10-second candle), ``account`` (the user's account changed: an
order placed, filled, cancelled or expired, cash moved) and ``unread`` /
``notification`` / ``fill`` (the bell). The stream follows the event stream
(services.events), so a fill or notification from the worker in another process
arrives at once over Redis; quotes and the account are also re-read every second,
so they move even when the event stream cannot carry them (in-process backend,
worker elsewhere). It holds one stream slot (routes.market.slots) whatever it
carries, so the bell no longer costs a second slot per tab.
"""

import time

from flask_login import current_user

from routes import live as sse_stream  # a module: routes.live imports this package's slots
from routes.market.shapes import quote_json
from services import candles, live, market, notifications

POLL_SECONDS = 1.0
ACCOUNT_KINDS = {"order.placed", "order.filled", "order.closed", "fund.decided"}
NOTE_KINDS = {"notification", "notification.read", "order.filled"}
NOTE_EVENTS = {"notification": "notification", "order.filled": "fill"}


class QuoteFeed:
    """Quotes of the page's tickers whose time moved since they were last sent."""

    every = POLL_SECONDS

    def __init__(self, tickers: list[str]) -> None:
        self.tickers, self.sent, self.polled = tickers, {}, float("-inf")

    def wants(self, event: dict) -> bool:
        """A tick that priced one of the tickers."""
        prices = event["payload"].get("prices") if event["type"] == "quotes" else None
        return bool(prices) and any(t in prices for t in self.tickers)

    def first(self) -> list[str]:
        """Every ticker's quote."""
        return self._poll()

    def busy(self) -> list[str]:
        """The quotes once, for a stream without a slot."""
        return self._poll()

    def step(self, found: list[dict], _degraded: bool) -> list[str]:
        """The moved quotes, on a tick of these tickers or once a second."""
        if any(self.wants(e) for e in found) or time.monotonic() - self.polled >= self.every:
            return self._poll()
        return []

    def _poll(self) -> list[str]:
        self.polled = time.monotonic()
        chunks = []
        for ticker, quote in market.get_quotes(self.tickers).items():
            if self.sent.get(ticker) == quote.as_of:
                continue
            self.sent[ticker] = quote.as_of
            item = quote_json(quote)
            row = candles.current(ticker, 10)
            item["candle"] = candles.as_json(row) if row else None
            chunks.append(sse_stream.sse("quote", item))
        return chunks


class AccountFeed:
    """An ``account`` event whenever the user's account stamp (services.live) changes."""

    every = POLL_SECONDS

    def __init__(self, user_id: int) -> None:
        self.user_id, self.stamp, self.polled = user_id, None, float("-inf")

    def wants(self, event: dict) -> bool:
        """An order or fund event of this user."""
        return event["type"] in ACCOUNT_KINDS and event["payload"].get("user_id") == self.user_id

    def first(self) -> list[str]:
        """Nothing to send: the page was rendered with the current account."""
        self._changed()
        return []

    def busy(self) -> list[str]:
        """Without a slot the page refreshes at each reconnection instead."""
        return [sse_stream.sse("account", {})]

    def step(self, found: list[dict], _degraded: bool) -> list[str]:
        """``account`` when the stamp moved (looked at on the user's events and every second)."""
        if any(self.wants(e) for e in found) or time.monotonic() - self.polled >= self.every:
            return [sse_stream.sse("account", {})] if self._changed() else []
        return []

    def _changed(self) -> bool:
        self.polled = time.monotonic()
        before, self.stamp = self.stamp, live.account_stamp(self.user_id)
        return before is not None and before != self.stamp


class NoteFeed:
    """The bell: the unread count, each new notification, and the user's fills."""

    every = None  # events only; while the event stream is away the count is polled

    def __init__(self, user_id: int) -> None:
        self.user_id, self.count = user_id, None

    def wants(self, event: dict) -> bool:
        """A notification, a read mark or a fill of this user."""
        return event["type"] in NOTE_KINDS and event["payload"].get("user_id") == self.user_id

    def first(self) -> list[str]:
        """The unread count."""
        return self._unread()

    busy = first

    def step(self, found: list[dict], degraded: bool) -> list[str]:
        """Each notification and fill, then the count when it may have moved."""
        mine = [e for e in found if self.wants(e)]
        chunks = [
            sse_stream.sse(NOTE_EVENTS[e["type"]], e["payload"])
            for e in mine
            if e["type"] in NOTE_EVENTS
        ]
        if any(e["type"] != "order.filled" for e in mine):
            chunks += self._unread()
        elif degraded:  # the event stream is away: poll the count, send it when it moves
            before = self.count
            fresh = self._unread()
            chunks += fresh if self.count != before else []
        return chunks

    def _unread(self) -> list[str]:
        self.count = notifications.unread_count(self.user_id)
        return [sse_stream.sse("unread", {"count": self.count})]


def page_stream(feeds: list):
    """The response streaming ``feeds`` as one Server-Sent Events stream in one slot."""
    periods = [f.every for f in feeds if f.every is not None]

    def snapshot():
        return [chunk for f in feeds for chunk in f.busy()]

    def wanted(event):
        return any(f.wants(event) for f in feeds)

    def on_events(_app, found, degraded):
        return [chunk for f in feeds for chunk in f.step(found, degraded)]

    def first():
        return [chunk for f in feeds for chunk in f.first()]

    def stream(app):
        seconds = app.config["STREAM_MAX_SECONDS"]
        every = min(periods) if periods else None
        yield from sse_stream.follow(app, wanted, on_events, seconds, first, every=every)

    return sse_stream.stream_response(current_user.get_id(), snapshot, stream)
