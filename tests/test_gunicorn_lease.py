"""On gunicorn with gunicorn.conf.py, exactly one process holds the worker lease.

Every process starts its market worker when it is up (post_worker_init); the lease lets
one of them tick. A holder killed outright loses the lease to a survivor once it
expires; a holder stopped gracefully (worker_exit) hands it over at once.
"""

import os
import signal
import time
from datetime import timedelta

from extensions import db
from services import lease
from tasks.worker import LEASE_NAME
from tests.servers.gunicorn import served

FAST = {"WORKER_ENABLED": "true", "WORKER_INTERVAL": "0.2"}


def _lease(app):
    with app.app_context():
        row = lease.status(LEASE_NAME)
        if row is not None:
            db.session.expunge(row)
        db.session.remove()
        return row


def _holder_pid(row) -> int:
    return int(row.holder.split(":")[1])


def _wait_for(app, predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = _lease(app)
        if row is not None and predicate(row):
            return row
        time.sleep(0.1)
    raise AssertionError(f"the lease did not reach the expected state: {_lease(app)}")


def test_one_process_of_four_holds_the_lease_and_a_killed_holder_is_replaced(app, app_settings):
    with served(app_settings, workers=3, conf=True, LEASE_SECONDS="3", **FAST) as server:
        first = _wait_for(app, lambda r: r.ticks >= 3)
        assert _holder_pid(first) in server.worker_pids()
        samples = [_wait_for(app, lambda r, n=n: r.ticks >= first.ticks + n) for n in (2, 4)]
        assert {s.holder for s in samples} == {first.holder}  # nobody else took it meanwhile
        os.kill(_holder_pid(first), signal.SIGKILL)
        dead = _lease(app)
        taken = _wait_for(app, lambda r: r.holder != first.holder and r.ticks >= 1)
        assert _holder_pid(taken) in server.worker_pids()
        # The survivor took it once the dead holder's lease ran out, not before.
        assert taken.acquired_at >= dead.expires_at - timedelta(seconds=1)
        assert taken.acquired_at - dead.heartbeat_at <= timedelta(seconds=3 + 1.5)


def test_a_gracefully_stopped_holder_hands_the_lease_over_at_once(app, app_settings):
    with served(app_settings, workers=2, conf=True, LEASE_SECONDS="60", **FAST) as server:
        first = _wait_for(app, lambda r: r.ticks >= 2)
        os.kill(_holder_pid(first), signal.SIGTERM)  # what a graceful restart sends
        # With a 60 s lease, a takeover within 20 s means the lease was handed back.
        taken = _wait_for(app, lambda r: r.holder != first.holder and r.ticks >= 1, seconds=20)
        assert _holder_pid(taken) in server.worker_pids()
        assert taken.acquired_at < first.expires_at
