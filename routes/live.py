"""Server-Sent Event streams on the event stream, holding a stream slot each.

Like the quote stream (routes.market.stream), a stream takes a slot
(routes.market.slots) for as long as it is open; without a free slot it answers
one snapshot with a ``retry:`` delay, so the browser comes back later instead of
holding a thread. A signed-in caller's stream checks every STREAM_AUTH_CHECK_SECONDS
that its session is still open (or its token live, the account enabled): after a
sign-out it sends ``signed-out`` and ends.
"""

import json
import time

from flask import Response, current_app, session
from flask_login import current_user

from extensions import db
from routes.helpers import bearer_token
from routes.market.slots import slots
from services import events, sessions, tokens

KEEP_ALIVE_SECONDS = 5


def sse(kind: str, data) -> str:
    """One Server-Sent Event."""
    return f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


def stream_response(owner: str, snapshot, live) -> Response:
    """Stream ``live(app)`` in a slot, or send ``snapshot()`` once with a retry delay."""
    app = current_app._get_current_object()
    cfg = app.config
    if slots.take(owner, cfg["STREAM_SLOTS"], cfg["STREAM_SLOTS_PER_USER"]):
        body = _SlotHeld(_while_signed_in(app, live(app), _caller_check()), owner)
    else:
        body = [f"retry: {cfg['STREAM_BUSY_RETRY'] * 1000}\n\n", sse("busy", {}), *snapshot()]
    db.session.remove()  # hold no transaction while streaming
    return Response(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _caller_check():
    """A check, built while the request is at hand, that its caller is still signed in
    when called later (in an app context); None for an anonymous caller."""
    if not current_user.is_authenticated:
        return None
    token = bearer_token()
    if token is not None:
        return lambda: tokens.owner_of(token) is not None
    model, sid = type(current_user._get_current_object()), session.get("sid")
    owner_id = int(current_user.get_id().partition(":")[2])
    return lambda: sessions.signed_in(model, sid, owner_id) is not None


def _while_signed_in(app, body, still_signed_in):
    """``body``'s chunks while ``still_signed_in()`` holds (checked between chunks, every
    STREAM_AUTH_CHECK_SECONDS); then ``signed-out`` and the end."""
    if still_signed_in is None:
        yield from body
        return
    every, checked = app.config["STREAM_AUTH_CHECK_SECONDS"], time.monotonic()
    try:
        for chunk in body:
            if time.monotonic() - checked >= every:
                checked = time.monotonic()
                with app.app_context():
                    allowed = still_signed_in()
                    db.session.remove()
                if not allowed:
                    yield sse("signed-out", {})
                    return
            yield chunk
    finally:
        body.close()


class _SlotHeld:
    """A live stream that gives its slot back when the response closes."""

    def __init__(self, body, owner: str) -> None:
        self._body, self._owner, self._closed = body, owner, False

    def __iter__(self):
        try:
            yield from self._body
        finally:
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._body.close()
            slots.give_back(self._owner)


def follow(app, wanted, on_events, max_seconds: float, first=(), every: float | None = None):
    """Yield what ``on_events(app, found, degraded)`` makes of the events ``wanted`` keeps,
    for ``max_seconds``; it is also called every ``every`` seconds without events, and
    every second while the event stream is degraded, so the caller can poll the database.
    ``first`` (chunks, or a function making them in the app context once the stream's
    cursor is taken, so nothing published meanwhile is missed) is sent after the retry
    delay."""
    started = last_beat = last_call = time.monotonic()
    with app.app_context():
        bus = events.backend()
        cursor = bus.latest()
        if callable(first):
            first = first()
            db.session.remove()
    yield "retry: 3000\n\n"
    yield from first
    while time.monotonic() - started < max_seconds:
        cursor, found = bus.read(cursor, timeout=1.0 if every is None else min(1.0, every))
        found = [e for e in found if wanted(e)]
        degraded = not bus.healthy()
        due = every is not None and time.monotonic() - last_call >= every
        if found or degraded or due:
            last_call = time.monotonic()
            with app.app_context():
                chunks = on_events(app, found, degraded)
                db.session.remove()
            yield from chunks
        if time.monotonic() - last_beat > KEEP_ALIVE_SECONDS:
            last_beat = time.monotonic()
            yield ": keep-alive\n\n"
