"""The worker: one lease holder at a time, take-over after expiry, ticks and candles."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Candle, LatestQuote
from services import lease, market, universe
from tasks.tick import TickState, run_tick
from tasks.worker import LEASE_NAME, Worker
from utils.clock import epoch, utcnow
from utils.market_data import MarketDataError

T0 = datetime(2026, 3, 2, 14, 30, 0)


def test_only_one_of_two_workers_ticks(app, frozen_time):
    frozen_time(T0)
    first, second = Worker(app, "proc-a"), Worker(app, "proc-b")
    assert first.step() is True
    assert second.step() is False
    assert first.step() is True
    with app.app_context():
        status = lease.status(LEASE_NAME)
        assert status.holder == "proc-a" and status.ticks == 2 and status.errors == 0


def test_another_worker_takes_over_when_the_holder_stops_heartbeating(app, frozen_time):
    frozen_time(T0)
    first, second = Worker(app, "proc-a"), Worker(app, "proc-b")
    first.step()
    frozen_time(T0 + timedelta(seconds=app.config["LEASE_SECONDS"] - 1))
    assert second.step() is False
    frozen_time(T0 + timedelta(seconds=app.config["LEASE_SECONDS"] + 1))
    assert second.step() is True
    assert first.step() is False  # the old holder has lost it
    with app.app_context():
        assert lease.status(LEASE_NAME).holder == "proc-b"


def test_a_clean_stop_hands_the_lease_over_at_once(app, frozen_time):
    frozen_time(T0)
    first, second = Worker(app, "proc-a"), Worker(app, "proc-b")
    first.step()
    first.stop()
    assert second.step() is True


def test_lease_is_exclusive_under_concurrent_attempts(app, frozen_time):
    frozen_time(T0)
    barrier = threading.Barrier(6)
    winners = []

    def contend(name):
        with app.app_context():
            barrier.wait()
            if lease.acquire(LEASE_NAME, name, 10):
                winners.append(name)
            db.session.remove()

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(winners) == 1


def test_tick_errors_are_counted_and_do_not_stop_the_worker(app, frozen_time, monkeypatch):
    frozen_time(T0)
    worker = Worker(app, "proc-a")

    def broken(_state, _keep):
        raise RuntimeError("provider exploded")

    monkeypatch.setattr("tasks.worker.run_tick", broken)
    assert worker.step() is True
    with app.app_context():
        status = lease.status(LEASE_NAME)
        assert status.errors == 1 and "provider exploded" in status.last_error


def test_ticks_store_quotes_and_close_aligned_candles(app, frozen_time):
    state = TickState()
    with app.app_context():
        universe.seed_universe(["AAPL", "MSFT"])
        for second in range(0, 61):
            frozen_time(T0 + timedelta(seconds=second))
            run_tick(state)
        quotes = db.session.scalar(select(func.count()).select_from(LatestQuote))
        assert quotes == 2
        closed = db.session.scalars(
            select(Candle).where(Candle.is_closed.is_(True), Candle.ticker == "AAPL")
        ).all()
        tens = sorted(c.window_start for c in closed if c.interval_seconds == 10)
        minutes = [c for c in closed if c.interval_seconds == 60]
        assert len(tens) == 6 and all(w % 10 == 0 for w in tens)
        assert len(minutes) == 1 and minutes[0].window_start % 60 == 0
        ten_second = [c for c in closed if c.interval_seconds == 10]
        assert minutes[0].high == max(c.high for c in ten_second)
        assert minutes[0].open == min(ten_second, key=lambda c: c.window_start).open


def test_active_universe_follows_interest(app, make_user, frozen_time):
    from models import User

    frozen_time(T0)
    user_id = make_user("alice")
    with app.app_context():
        universe.seed_universe(["AAPL"])
        universe.watch(db.session.get(User, user_id), "KO")
        universe.mark_viewed("NFLX")
        assert universe.active_universe() == ["AAPL", "KO", "NFLX"]
        frozen_time(T0 + timedelta(seconds=app.config["VIEW_WINDOW"] + 31))
        assert universe.active_universe() == ["AAPL", "KO"]


def test_worker_starts_with_the_app_when_enabled(app):
    import time

    app.config.update(WORKER_ENABLED=True, WORKER_INTERVAL=0.05)
    app.test_client().get("/health")
    worker = app.extensions["paperdesk_worker"]
    try:
        deadline = time.monotonic() + 10
        ticks = 0
        while time.monotonic() < deadline and ticks < 2:
            with app.app_context():
                status = lease.status(LEASE_NAME)
                ticks = status.ticks if status else 0
                db.session.remove()
            time.sleep(0.05)
        assert ticks >= 2 and worker.is_holder
    finally:
        worker.stop()
    with app.app_context():
        # Given back on stop: expired now, not LEASE_SECONDS after the last heartbeat. (Not
        # compared with heartbeat_at: at whole seconds on MariaDB the two can be equal.)
        assert lease.status(LEASE_NAME).expires_at < utcnow()
        assert db.session.scalar(select(func.count()).select_from(LatestQuote)) > 0


def test_a_tick_that_outlasts_the_lease_renews_it_between_phases(app, frozen_time, monkeypatch):
    """Measured in the crash run: under load a holder went 8.8 s and 10.9 s without a
    heartbeat (LEASE_SECONDS=5) while alive, so the lease ran out under it."""
    frozen_time(T0)
    first, second = Worker(app, "proc-a"), Worker(app, "proc-b")
    lease_seconds = app.config["LEASE_SECONDS"]
    seen = []

    def slow_fill(ticker, price, volume):  # each ticker's matching takes half a lease
        seen.append(ticker)
        frozen_time(T0 + timedelta(seconds=lease_seconds * len(seen) / 2))
        return 0

    monkeypatch.setattr("tasks.tick.matching.on_price", slow_fill)
    with app.app_context():
        universe.seed_universe(["AAPL", "MSFT", "KO", "XOM"])
        db.session.remove()
    assert first.step() is True
    assert len(seen) == 4  # two leases' worth of work in one tick
    assert second.step() is False  # the holder renewed as it went
    with app.app_context():
        status = lease.status(LEASE_NAME)
        assert status.holder == "proc-a"
        assert status.expires_at > T0 + timedelta(seconds=lease_seconds * 2)


def test_a_holder_that_lost_the_lease_during_a_tick_stops_it(app, frozen_time, monkeypatch):
    frozen_time(T0)
    first, second = Worker(app, "proc-a"), Worker(app, "proc-b")
    seen = []

    def stuck_then_taken(ticker, price, volume):
        seen.append(ticker)
        if len(seen) == 1:  # stuck in one phase past the lease: another takes it meanwhile
            frozen_time(T0 + timedelta(seconds=app.config["LEASE_SECONDS"] + 1))
            db.session.rollback()  # on SQLite the tick's last read holds the write lock
            assert second.step() is True
        return 0

    monkeypatch.setattr("tasks.tick.matching.on_price", stuck_then_taken)
    with app.app_context():
        universe.seed_universe(["AAPL", "MSFT", "KO"])
        db.session.remove()
    assert first.step() is False
    assert first.is_holder is False
    # proc-b's own tick went over every ticker; proc-a stopped after its first.
    assert seen.count("AAPL") + seen.count("MSFT") + seen.count("KO") == 1 + 3
    with app.app_context():
        assert lease.status(LEASE_NAME).holder == "proc-b"


def test_a_take_over_resets_the_counters_and_a_renewal_keeps_them(app, frozen_time):
    frozen_time(T0)
    assert _acquire(app, "proc-a") and _acquire(app, "proc-a")
    with app.app_context():
        lease.record_tick(LEASE_NAME, "proc-a", 1.0, "boom")
    later = T0 + timedelta(seconds=3)
    frozen_time(later)
    assert _acquire(app, "proc-a")
    row = _row(app)
    assert (row.holder, row.acquired_at, row.ticks, row.errors) == ("proc-a", T0, 1, 1)
    assert row.heartbeat_at == later
    taken = T0 + timedelta(seconds=3 + app.config["LEASE_SECONDS"] + 1)
    frozen_time(taken)
    assert _acquire(app, "proc-b")
    row = _row(app)
    assert (row.holder, row.acquired_at, row.ticks, row.errors) == ("proc-b", taken, 0, 0)
    assert row.last_error is None


def test_an_attempt_on_a_held_lease_is_three_statements_and_raises_nothing(app, frozen_time):
    """Every process tries once a second; a renewal is one UPDATE and a COMMIT."""
    from utils.dbcount import RoundTrips

    frozen_time(T0)
    assert _acquire(app, "proc-a")
    with app.app_context():
        with RoundTrips(db.engine) as other:
            assert lease.acquire(LEASE_NAME, "proc-b", 10) is False
        with RoundTrips(db.engine) as renewal:
            assert lease.acquire(LEASE_NAME, "proc-a", 10) is True
        db.session.remove()
    kinds = lambda trips: {k: n for k, n in trips.counts.items() if k not in ("BEGIN", "checkout")}  # noqa: E731
    assert kinds(other) == {"UPDATE": 1, "INSERT": 1, "COMMIT": 1}
    assert kinds(renewal) == {"UPDATE": 1, "COMMIT": 1}


def _acquire(app, holder: str) -> bool:
    with app.app_context():
        got = lease.acquire(LEASE_NAME, holder, app.config["LEASE_SECONDS"])
        db.session.remove()
        return got


def _row(app):
    with app.app_context():
        row = lease.status(LEASE_NAME)
        db.session.expunge(row)
        db.session.remove()
        return row


def test_candles_hold_the_sessions_prices_only(app, frozen_time):
    app.config.update(MARKET_HOURS="exchange", QUOTE_TTL=-1)  # the simulated market, NY hours
    app.extensions.pop("paperdesk_hours", None)
    app.extensions.pop("paperdesk_provider", None)
    friday_close = datetime(2026, 12, 4, 21, 0)  # 16:00 ET
    state = TickState()
    with app.app_context():
        universe.seed_universe(["AAPL"])
        for second in range(-15, 16):  # the last seconds of the session and the first after
            frozen_time(friday_close + timedelta(seconds=second))
            run_tick(state)
        frozen_time(datetime(2026, 12, 5, 15, 0))  # a worker taking over on Saturday
        run_tick(TickState())
        starts = db.session.scalars(select(Candle.window_start).where(Candle.ticker == "AAPL"))
        close = int((friday_close - datetime(1970, 1, 1)).total_seconds())
        assert max(starts.all()) < close  # no candle after the close, none on Saturday


@pytest.mark.parametrize("away", ["out of the universe", "provider down"])
def test_a_price_after_a_gap_puts_no_gap_volume_in_one_candle(app, frozen_time, away):
    app.config.update(QUOTE_TTL=-1)
    back = T0 + timedelta(hours=2)
    state = TickState()
    with app.app_context():
        provider = market.provider()
        universe.seed_universe(["AAPL", "IBM"] if away == "provider down" else ["AAPL"])
        for at in (T0, T0 + timedelta(seconds=1)):
            frozen_time(at)
            universe.mark_viewed("IBM")
            run_tick(state)
        frozen_time(T0 + timedelta(hours=1))
        if away == "provider down":
            real, provider.quotes = provider.quotes, _failing
        run_tick(state)  # IBM not priced, or priced from the stored quote (stale)
        if away == "provider down":
            provider.quotes = real
        seen = []
        for at in (back, back + timedelta(seconds=1)):
            frozen_time(at)
            universe.mark_viewed("IBM")
            run_tick(state)
            seen.append(db.session.get(LatestQuote, "IBM").volume)
        candle = db.session.scalar(
            select(Candle).where(
                Candle.ticker == "IBM",
                Candle.interval_seconds == 10,
                Candle.window_start == int(epoch(back)),
            )
        )
        assert candle.volume == seen[1] - seen[0]  # not the two hours since it was last seen


def _failing(_tickers):
    raise MarketDataError("the provider is down")
