"""The worker thread: holds the lease and ticks once a second.

Every process may run one; only the lease holder ticks, the others keep trying
to take the lease and so take over within LEASE_SECONDS when the holder dies.
"""

import atexit
import logging
import os
import socket
import threading
import time
import uuid

from flask import Flask

from extensions import db
from services import accounts, candles, lease, sessions, universe
from services.analysis import valuation
from tasks.tick import TickState, run_tick
from utils.clock import utcnow

LEASE_NAME = "market-worker"
PRUNE_EVERY = 600
VALUATION_BATCH = 20
log = logging.getLogger("paperdesk.worker")


class LeaseLost(Exception):
    """Another process took the lease while this one was in a tick."""


class Worker:
    """One process's worker: try the lease, tick when holding it."""

    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.is_holder = False
        self.state = TickState()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_tick = None
        self._steps = 0
        self._renewed_at = None
        self.valued_on = None

    def step(self) -> bool:
        """Take or renew the lease and, if held, run one tick; True when a tick ran."""
        cfg = self.app.config
        with self.app.app_context():
            try:
                if not lease.acquire(LEASE_NAME, self.holder, cfg["LEASE_SECONDS"]):
                    self.is_holder = False
                    return False
                self._renewed_at = utcnow()
                if not self.is_holder:
                    log.info("worker %s took the lease", self.holder)
                    self.state = TickState(tuple(cfg["CANDLE_INTERVALS"]))
                self.is_holder = True
                lease.record_tick(LEASE_NAME, self.holder, self._rate(), self._tick())
                if not self.is_holder:  # lost during the tick: the new holder carries on
                    return False
                self._steps += 1
                if self._steps % PRUNE_EVERY == 0:
                    candles.prune(cfg["CANDLE_RETENTION"])
                    sessions.prune()
                    accounts.prune_login_attempts()
                if self.valued_on != utcnow().date():
                    self._value_accounts()
                return True
            finally:
                db.session.remove()

    def keep(self) -> None:
        """Renew the lease between the phases of a tick (at most once per WORKER_INTERVAL).

        A tick can outlast LEASE_SECONDS on a loaded machine; renewing only before it would
        let the lease run out under a holder that is still at work, and two processes would
        tick at once. A holder stuck inside one phase still loses the lease.
        """
        cfg = self.app.config
        now = utcnow()
        if (
            self._renewed_at is not None
            and (now - self._renewed_at).total_seconds() < cfg["WORKER_INTERVAL"]
        ):
            return
        if not lease.acquire(LEASE_NAME, self.holder, cfg["LEASE_SECONDS"]):
            raise LeaseLost(self.holder)
        self._renewed_at = now

    def _tick(self) -> str | None:
        try:
            run_tick(self.state, self.keep)
            return None
        except LeaseLost:
            db.session.rollback()
            self.is_holder = False
            log.warning("worker %s lost the lease during a tick", self.holder)
            return None
        except Exception as exc:  # a bad tick must not kill the loop
            db.session.rollback()
            log.exception("tick failed")
            return f"{type(exc).__name__}: {exc}"

    def _value_accounts(self) -> None:
        # Once a day, a batch per tick: every account's valuation, for the portfolio curves.
        today = utcnow().date()
        try:
            if valuation.rebuild_due(VALUATION_BATCH) < VALUATION_BATCH:
                self.valued_on = today
        except Exception:
            db.session.rollback()
            log.exception("daily valuation failed")
            self.valued_on = today  # try again tomorrow rather than every tick

    def _rate(self) -> float:
        now = time.monotonic()
        rate = 0.0 if self._last_tick is None else 1.0 / max(now - self._last_tick, 1e-6)
        self._last_tick = now
        return round(rate, 3)

    def run_forever(self) -> None:
        """Step once per WORKER_INTERVAL until stop() is called."""
        interval = self.app.config["WORKER_INTERVAL"]
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.step()
            except Exception:  # the database may be away for a moment
                log.exception("worker step failed")
            self._stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def start(self) -> None:
        """Run in a daemon thread; stopped cleanly at exit."""
        self._thread = threading.Thread(target=self.run_forever, name="paperdesk-worker")
        self._thread.daemon = True
        self._thread.start()
        atexit.register(self.stop)

    def request_stop(self) -> None:
        """Ask the loop to end after the step in progress (all a signal handler may do:
        the step may be inside a transaction, which stop() must not wait on)."""
        self._stop.set()

    def stop(self) -> None:
        """Stop the loop and hand the lease back at once."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.is_holder:
            with self.app.app_context():
                lease.release(LEASE_NAME, self.holder)
                db.session.remove()
            self.is_holder = False


_lock = threading.Lock()


def start_once(app: Flask) -> Worker | None:
    """Start this process's worker thread the first time it is asked (if enabled)."""
    if not app.config["WORKER_ENABLED"]:
        return None
    with _lock:
        worker = app.extensions.get("paperdesk_worker")
        if worker is None:
            with app.app_context():
                universe.seed_default_universe()
                db.session.remove()
            worker = Worker(app)
            app.extensions["paperdesk_worker"] = worker
            worker.start()
        return worker
