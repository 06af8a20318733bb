"""The event stream: quotes, candles, orders, fills, fund decisions, rule decisions, alerts.

An event is ``{"type": ..., "at": epoch seconds (utils.clock), "payload": {...}}`` (plus an ``id``
given by the backend). Services call :func:`emit` inside their transaction; the
event is published only when that transaction commits (services.events.hooks), and
dropped when it rolls back. :func:`publish` sends at once (for what is not a
database change, such as a refused order or a price tick).

Backends: in-process (the default) or Redis Streams when REDIS_URL is set; both
have ``publish``, ``latest``, ``read`` (Server-Sent Events) and ``join_group`` / ``read_group`` /
``ack`` (the worker's consumers).
"""

import logging

from flask import current_app, has_app_context

from extensions import db
from services.events.memory import MemoryBackend
from utils.clock import epoch

PENDING = "paperdesk_events"
log = logging.getLogger("paperdesk.events")
_fallback = MemoryBackend()


def make_backend(config):
    """The backend the configuration asks for: Redis Streams with REDIS_URL, else in-process."""
    url = config.get("REDIS_URL")
    if not url:
        return MemoryBackend(config.get("EVENT_STREAM_MAXLEN", 10_000))
    from services.events.redis_stream import RedisBackend

    return RedisBackend(
        url,
        config.get("EVENT_STREAM_KEY", "paperdesk:events"),
        config.get("EVENT_STREAM_MAXLEN", 10_000),
        config.get("EVENT_RETRY_SECONDS", 5.0),
    )


def init_app(app) -> None:
    """Give the app its backend and install the commit hooks (once per process)."""
    from services.events import hooks

    app.extensions["paperdesk_events"] = make_backend(app.config)
    hooks.install()


def backend():
    """The current app's backend (a process-wide in-process one outside an app)."""
    if has_app_context():
        found = current_app.extensions.get("paperdesk_events")
        if found is not None:
            return found
    return _fallback


def event(kind: str, payload: dict, at: float | None = None) -> dict:
    """An event of type ``kind``."""
    return {"type": kind, "at": epoch() if at is None else at, "payload": payload}


def emit(kind: str, payload) -> None:
    """Publish ``kind`` when the current transaction commits (never if it rolls back).

    ``payload`` may be a function, called just before the commit, for values (such as
    a new row's id) that are known only then.
    """
    db.session.info.setdefault(PENDING, []).append((kind, payload, epoch()))


def publish(kind: str, payload: dict) -> None:
    """Publish ``kind`` now, outside any transaction."""
    publish_all([event(kind, payload)])


def publish_all(events: list[dict]) -> None:
    """Publish ``events`` now; a failing backend is logged, never raised to the caller."""
    if not events:
        return
    try:
        backend().publish(events)
    except Exception:  # the change is committed already; a lost event must not undo it
        log.exception("could not publish %d events", len(events))
