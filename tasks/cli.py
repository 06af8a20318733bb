"""CLI: ``flask market sync [TICKERS...]`` and ``flask worker``."""

import json
import signal

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extensions import db
from services import history, market, universe
from services.errors import ServiceError
from tasks.worker import Worker
from utils.market_data import MarketDataError

market_cli = AppGroup("market", help="Market data: history sync.")


@market_cli.command("sync")
@click.argument("tickers", nargs=-1)
def sync_command(tickers: tuple[str, ...]) -> None:
    """Load or refresh daily history for TICKERS (default: the universe)."""
    try:
        symbols = [market.check_ticker(t) for t in tickers]
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if not symbols:
        universe.seed_default_universe()
        symbols = [row.ticker for row in universe.universe()]
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as progress:
        task = progress.add_task("Syncing history", total=len(symbols))
        try:
            stored = history.sync(symbols, lambda ticker: progress.advance(task))
        except (ServiceError, MarketDataError) as exc:
            raise click.ClickException(getattr(exc, "message", None) or str(exc)) from None
    for ticker, count in stored.items():
        click.echo(f"{ticker}: {count} daily bars")


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run the market worker in the foreground until interrupted."""
    app = current_app._get_current_object()
    universe.seed_default_universe()  # as start_once does for a worker inside the app
    db.session.remove()
    worker = Worker(app)
    signal.signal(signal.SIGTERM, lambda *_: worker.request_stop())  # stop() follows
    click.echo(f"PaperDesk worker {worker.holder}: waiting for the lease (Ctrl+C to stop)")
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()


audit_cli = AppGroup("audit", help="Check the books.")


@audit_cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(as_json: bool) -> None:
    """Check every account's books; list the accounts that fail and exit non-zero."""
    from services.verify import report

    result = report()
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _print_report(result)
    if not result.ok:
        raise SystemExit(1)


def _print_report(result) -> None:
    for problem in result.problems:
        click.echo(f"FAIL [{problem.check}] {problem}")
    click.echo(
        f"Checked {result.accounts} accounts, {result.positions} positions, "
        f"{result.orders} orders: {len(result.problems)} problem(s)."
    )
    if result.ok:
        click.echo("OK: every account balances.")
        return
    failing = ", ".join(str(user) for user in result.failing_accounts) or "none"
    click.echo(f"Failing accounts ({len(result.failing_accounts)}): {failing}")
