"""The worker lease: exactly one process runs the price loop at a time.

A lease row has a holder and an expiry. The holder renews it with each heartbeat;
another process takes it only once it has expired, so if the holder dies another
takes over within LEASE_SECONDS. Taking and renewing are one conditional UPDATE,
atomic on SQLite and on MySQL/MariaDB alike.
"""

from datetime import timedelta

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects import mysql, sqlite

from extensions import db
from models import WorkerLease
from services.db import transaction
from utils.clock import utcnow


def acquire(name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True if ``holder`` now holds it.

    One UPDATE renews or takes it and one COMMIT ends it; a process that does not get it
    sends an INSERT that does nothing once the row exists (no error to raise and roll
    back). Every process tries once a second, so the attempt is kept this short: under
    load, the attempt of a survivor competes for its process's CPU with the requests.
    """
    now = utcnow()
    expires = now + timedelta(seconds=seconds)
    mine = WorkerLease.holder == holder
    with transaction():
        renewed = db.session.execute(
            update(WorkerLease)
            .where(WorkerLease.name == name, or_(mine, WorkerLease.expires_at < now))
            # A take-over resets the holder's counters, a renewal keeps them. The holder is
            # set last: MySQL evaluates these assignments left to right.
            .ordered_values(
                (WorkerLease.acquired_at, case((mine, WorkerLease.acquired_at), else_=now)),
                (WorkerLease.ticks, case((mine, WorkerLease.ticks), else_=0)),
                (WorkerLease.errors, case((mine, WorkerLease.errors), else_=0)),
                (WorkerLease.last_error, case((mine, WorkerLease.last_error), else_=None)),
                (WorkerLease.heartbeat_at, now),
                (WorkerLease.expires_at, expires),
                (WorkerLease.holder, holder),
            )
        ).rowcount
        return bool(renewed) or _create(name, holder, now, expires)


def _create(name: str, holder: str, now, expires) -> bool:
    # The first process to run creates the row; for the others the INSERT is ignored.
    row = {
        "name": name,
        "holder": holder,
        "acquired_at": now,
        "heartbeat_at": now,
        "expires_at": expires,
        "ticks": 0,
        "errors": 0,
    }
    table = WorkerLease.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        stmt = sqlite.insert(table).values(row).on_conflict_do_nothing(index_elements=["name"])
    else:
        stmt = mysql.insert(table).values(row).prefix_with("IGNORE")
    return db.session.execute(stmt).rowcount == 1


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
