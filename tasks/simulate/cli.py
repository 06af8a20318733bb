"""``flask simulate traders --users N --rate R --seconds S [--http URL] [--seed K]``.

Creates N demo traders with approved deposits and sends them R actions a second for
S seconds (at most R x S actions), through the services or over HTTP to a running
server. In-process, it also steps the market worker once a second (when no other
process holds the lease) so that resting orders, rules and alerts act. Ends with a
summary and `flask audit verify`'s check of the books.
"""

import random
import secrets
import time
from collections import Counter

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extensions import db
from services import market
from tasks.simulate import clients, flow, traders
from tasks.worker import Worker

simulate_cli = AppGroup("simulate", help="Generate traffic: demo traders and their orders.")
RESTING = {"order"}


def _label(action) -> str:
    return action.body.get("execution_type", action.kind) if action.kind == "order" else action.kind


class Run:
    """One generator run: its traders, client, counters and open orders."""

    def __init__(self, users: int, rate: float, seconds: int, http: str | None, seed: int):
        self.rng = random.Random(seed)
        self.rate, self.seconds = rate, seconds
        prefix = f"sim{secrets.token_hex(3)}u"  # unique per run; the seed fixes the choices
        self.traders = traders.create(users, prefix, with_tokens=http is not None)
        operator = traders.operator()
        self.client = (
            clients.HttpClient(http, operator) if http else clients.ServiceClient(operator)
        )
        self.worker = (
            None if http else Worker(current_app._get_current_object(), f"simulate:{seed}")
        )
        self.tickers = current_app.config["MARKET_UNIVERSE"].split(",")
        self.sent, self.refused, self.skipped = Counter(), Counter(), 0
        self.open: dict[int, list[int]] = {t.user_id: [] for t in self.traders}
        self.prices, self.last_second = {}, float("-inf")
        self.reasons: Counter = Counter()

    def every_second(self) -> None:
        """Step the worker (if this process may) and refresh the prices the flow sizes with."""
        if time.monotonic() - self.last_second < 1:
            return
        self.last_second = time.monotonic()
        db.session.remove()  # the worker uses its own session: hold no transaction here
        if self.worker is not None:
            self.worker.step()
        self.prices = {t: q.price for t, q in market.get_quotes(self.tickers).items()}
        db.session.remove()

    def one(self) -> None:
        """Choose and send one action for a random trader."""
        trader = self.rng.choice(self.traders)
        cash, free = traders.means(trader.user_id)
        mine = self.open[trader.user_id] = traders.still_open(self.open[trader.user_id])
        action = flow.choose(self.rng, list(self.prices), self.prices, cash, free, mine)
        if action is None:
            self.skipped += 1
            return
        label = _label(action)
        try:
            order_id = self.client.send(trader, action.kind, action.body)
        except clients.Refused as exc:
            self.refused[label] += 1
            self.reasons[f"{label}: {str(exc)[:70]}"] += 1
            return
        self.sent[label] += 1
        if action.kind == "cancel":
            mine.remove(action.body["order_id"])
        elif action.kind in RESTING and order_id is not None:
            mine.append(order_id)


@simulate_cli.command("traders")
@with_appcontext
@click.option("--users", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--rate", type=click.FloatRange(0.1, 2000), default=20.0, show_default=True)
@click.option("--seconds", type=click.IntRange(1, 3600), default=30, show_default=True)
@click.option("--http", "http", default=None, help="Send over HTTP to this PaperDesk URL.")
@click.option("--seed", type=int, default=None, help="Same seed, same choices.")
def traders_command(users: int, rate: float, seconds: int, http: str | None, seed) -> None:
    """Create USERS traders and send RATE actions a second for SECONDS seconds."""
    if http:
        try:
            clients.check_url(http)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--http") from None
    seed = random.randrange(10**9) if seed is None else seed
    run = Run(users, rate, seconds, http, seed)
    elapsed = _drive(run)
    _summary(run, elapsed)


def _drive(run: Run) -> float:
    total = int(run.rate * run.seconds)
    run.every_second()  # the first prices (and worker step) before the clock starts
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    started = time.monotonic()
    with Progress(*columns) as progress:
        task = progress.add_task("Sending", total=total)
        for i in range(total):
            now = time.monotonic()
            if now - started > run.seconds:
                break
            time.sleep(max(0.0, started + i / run.rate - now))
            run.every_second()
            if run.prices:
                run.one()
            progress.advance(task)
    if run.worker is not None:
        run.worker.step()  # let the last prices act
        run.worker.stop()
    return time.monotonic() - started


def _summary(run: Run, elapsed: float) -> None:
    from services.verify import verify

    table = Table(title="Traffic generated")
    for name in ("kind", "sent", "refused"):
        table.add_column(name, justify="left" if name == "kind" else "right")
    for kind in sorted(set(run.sent) | set(run.refused)):
        table.add_row(kind, str(run.sent[kind]), str(run.refused[kind]))
    done = sum(run.sent.values()) + sum(run.refused.values())
    table.add_row("total", str(sum(run.sent.values())), str(sum(run.refused.values())))
    console = Console()
    console.print(table)
    console.print(
        f"{done} requests in {elapsed:.1f} s: {done / max(elapsed, 1e-9):.1f}/s "
        f"(asked for {run.rate:g}/s); {run.skipped} turns with nothing to do"
    )
    for reason, count in run.reasons.most_common(5):
        console.print(f"  refused {count} x {reason}")
    problems = verify()
    db.session.remove()
    console.print("audit verify: OK" if not problems else f"audit verify: {len(problems)} problems")
    if problems:
        raise click.ClickException("; ".join(p.message for p in problems[:5]))
