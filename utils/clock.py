"""One source of the current time, so tests can control it."""

from datetime import UTC, datetime

_frozen_at: datetime | None = None


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how the database stores it)."""
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC).replace(tzinfo=None)


def freeze(at: datetime | None) -> None:
    """Make utcnow() return ``at`` until freeze(None); used by tests."""
    global _frozen_at
    _frozen_at = at
