"""The CLI at its edges: broken books, the standalone worker, summary paths, the
configured universe."""

from services.verify import Problem


def test_simulate_reports_broken_books_as_an_error_not_a_crash(app, runner, monkeypatch):
    """Broken books end the simulation with their problems named, not a traceback."""
    monkeypatch.setattr(
        "services.verify.verify", lambda: [Problem("cash", "cash 1 != ledger 2", 1)]
    )
    args = ["simulate", "traders", "--users", "1", "--rate", "1", "--seconds", "1", "--seed", "1"]
    result = runner.invoke(args=args)
    assert not isinstance(result.exception, TypeError), repr(result.exception)
    assert result.exit_code == 1 and "cash 1 != ledger 2" in result.output


def test_flask_worker_as_its_own_process_seeds_the_universe(app, runner, monkeypatch):
    """`flask worker` run as its own process (WORKER_ENABLED=false for the web) seeds
    MARKET_UNIVERSE and prices it."""
    from sqlalchemy import func, select

    from extensions import db
    from models import LatestQuote
    from tasks.worker import Worker

    app.config["WORKER_ENABLED"] = False
    app.test_client().get("/health")  # a web request, as the web processes get
    monkeypatch.setattr(Worker, "run_forever", lambda self: self.step())
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        priced = db.session.scalar(select(func.count()).select_from(LatestQuote))
    assert priced > 0, "the standalone worker has no universe to price"


def test_dts_run_refuses_an_unwritable_summary_path_before_running(app, runner, tmp_path):
    """A --summary-json path that cannot be written is refused before the run."""
    workload = tmp_path / "w.txt"
    workload.write_text("[1] ADD,alice,100.00\n[2] QUOTE,alice,ABC\n")
    missing = tmp_path / "no-such-folder" / "summary.json"
    result = runner.invoke(args=["dts", "run", str(workload), "--summary-json", str(missing)])
    assert not isinstance(result.exception, FileNotFoundError), repr(result.exception)
    assert result.exit_code == 2 and "Error:" in result.output


def test_market_universe_with_spaces_is_seeded_as_clean_symbols(app, runner):
    """MARKET_UNIVERSE="AAPL, MSFT" seeds clean symbols, in the universe and its history."""
    from sqlalchemy import select

    from extensions import db
    from models import MarketData, MarketTicker

    app.config["MARKET_UNIVERSE"] = "AAPL, MSFT"
    result = runner.invoke(args=["market", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        universe = sorted(db.session.scalars(select(MarketTicker.ticker)))
        history = sorted(set(db.session.scalars(select(MarketData.ticker))))
    assert universe == ["AAPL", "MSFT"] and history == ["AAPL", "MSFT"], (universe, history)


def test_market_sync_of_a_bad_universe_ticker_is_an_error_not_a_traceback(app, runner):
    """`flask market sync` of the universe skips a ticker the provider does not know."""
    app.config["MARKET_UNIVERSE"] = "AAPL,TSLA"
    result = runner.invoke(args=["market", "sync"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def test_a_sigterm_during_a_tick_lets_it_finish_then_hands_the_lease_back(app, runner, monkeypatch):
    """`flask worker` stopped by SIGTERM in the middle of a tick: the tick ends as it
    would, and the lease is handed back once it has (not from inside the tick, where
    the release waited on the tick's own transaction, or was taken back by the tick)."""
    import signal

    from extensions import db
    from services import lease
    from tasks.worker import LEASE_NAME
    from utils.clock import utcnow

    handlers = {}
    monkeypatch.setattr("tasks.cli.signal.signal", lambda sig, fn: handlers.setdefault(sig, fn))

    def terminated_meanwhile(ticker, price, volume):
        if handlers:
            handlers.pop(signal.SIGTERM)(signal.SIGTERM, None)
        return 0

    monkeypatch.setattr("tasks.tick.matching.on_price", terminated_meanwhile)
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert not handlers, "no tick reached the matching"
    with app.app_context():
        status = lease.status(LEASE_NAME)
        db.session.remove()
    assert status.ticks == 1 and status.errors == 0, status.last_error
    assert status.expires_at < utcnow(), "the lease is still held by a stopped worker"
