"""The worker lease: exactly one process runs the price loop at a time.

A lease row has a holder and an expiry. The holder renews it with each heartbeat;
another process takes it only once it has expired, so if the holder dies another
takes over within LEASE_SECONDS. Taking and renewing are one conditional UPDATE,
atomic on SQLite and on MySQL/MariaDB alike.
"""

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import WorkerLease
from services.db import transaction
from utils.clock import utcnow


def acquire(name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True if ``holder`` now holds it."""
    now = utcnow()
    expires = now + timedelta(seconds=seconds)
    with transaction():
        renewed = db.session.execute(
            update(WorkerLease)
            .where(
                WorkerLease.name == name,
                or_(WorkerLease.holder == holder, WorkerLease.expires_at < now),
            )
            .values(heartbeat_at=now, expires_at=expires)
        ).rowcount
        if renewed:
            _mark_acquired(name, holder, now)
            return True
    return _create(name, holder, now, expires)


def _mark_acquired(name: str, holder: str, now) -> None:
    # A take-over resets the holder and its counters; a renewal keeps them.
    db.session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == name, WorkerLease.holder != holder)
        .values(holder=holder, acquired_at=now, ticks=0, errors=0, last_error=None)
    )


def _create(name: str, holder: str, now, expires) -> bool:
    try:
        with transaction():
            db.session.add(
                WorkerLease(
                    name=name, holder=holder, acquired_at=now, heartbeat_at=now, expires_at=expires
                )
            )
        return True
    except IntegrityError:
        return False  # another process created it first and holds it


def release(name: str, holder: str) -> None:
    """Give the lease up at once (on a clean stop), so another can take it."""
    with transaction():
        db.session.execute(
            update(WorkerLease)
            .where(WorkerLease.name == name, WorkerLease.holder == holder)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


def record_tick(name: str, holder: str, ticks_per_second: float, error: str | None) -> None:
    """Store the holder's last tick, its rate and any error, for the admin status page."""
    values = {"last_tick_at": utcnow(), "ticks_per_second": ticks_per_second}
    values["ticks"] = WorkerLease.ticks + 1
    if error:
        values["errors"] = WorkerLease.errors + 1
        values["last_error"] = error[:2000]
    with transaction():
        db.session.execute(
            update(WorkerLease)
            .where(WorkerLease.name == name, WorkerLease.holder == holder)
            .values(**values)
        )


def status(name: str) -> WorkerLease | None:
    """The lease row (holder, heartbeat, last tick, ticks, errors), or None if never taken."""
    return db.session.scalar(select(WorkerLease).where(WorkerLease.name == name))
