"""One source of the current time, so tests can control it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen_at: datetime | None = None
# A time set for one thread's work (a simulated clock), ahead of the frozen one.
_local_at: ContextVar[datetime | None] = ContextVar("paperdesk_clock", default=None)


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how the database stores it)."""
    local = _local_at.get()
    if local is not None:
        return local
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def local_time(at: datetime | None) -> Iterator[None]:
    """Make utcnow() return ``at`` in this thread (or context) for the block; None: no change.

    Threads that each follow their own simulated clock use this instead of freeze().
    """
    token = _local_at.set(at)
    try:
        yield
    finally:
        _local_at.reset(token)


def freeze(at: datetime | None) -> None:
    """Make utcnow() return ``at`` until freeze(None); used by tests."""
    global _frozen_at
    _frozen_at = at


def epoch(at: datetime | None = None) -> float:
    """Seconds since 1970 for a naive UTC datetime (default: now)."""
    return (at or utcnow()).replace(tzinfo=UTC).timestamp()


def from_epoch(seconds: float) -> datetime:
    """The naive UTC datetime of epoch ``seconds`` (the inverse of ``epoch``)."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def iso_utc(epoch_seconds: float) -> str:
    """ISO 8601 UTC text for epoch seconds, e.g. 2026-03-02T14:30:00Z."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
