"""CLI: ``flask dts run FILE``: run a DTS workload file on PaperDesk's engine."""

import json
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.dts import numbers, parallel
from services.dts.context import app_quotes
from services.dts.parser import ParseError, parse
from services.dts.quotes import QuoteSource, read_prices
from services.dts.runner import read_items

dts_cli = AppGroup("dts", help="The Day Trading System: run workload files.")
PROBE_LINES = 50


def _refuse(message: str):
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _read_workload(path: str, limit: int | None) -> list[str]:
    file = Path(path)
    if not file.exists():
        _refuse(f"{path}: no such file.")
    if file.is_dir():
        _refuse(f"{path} is a directory, not a workload file.")
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (UnicodeDecodeError, OSError) as exc:
        _refuse(f"{path} is not a workload file ({exc.__class__.__name__}).")
    lines = [line for line in lines if line.strip()]
    if limit:
        lines = lines[:limit]
    if not lines or not any(_parses(line) for line in lines[:PROBE_LINES]):
        _refuse(f"{path} is not a workload file: no DTS command in its first lines.")
    return lines


def _parses(line: str) -> bool:
    try:
        parse(line, 1)
    except ParseError:
        return False
    return True


def _quotes(prices: str | None) -> QuoteSource:
    if prices is None:
        return app_quotes()
    if not Path(prices).is_file():
        _refuse(f"{prices}: no such price file.")
    try:
        fixed = read_prices(prices)
    except (ValueError, UnicodeDecodeError) as exc:
        _refuse(f"{prices}: {exc}")
    return QuoteSource(current_app.config["DTS_QUOTE_SEED"], fixed)


def _check_writable(path: str | None) -> None:
    """Refuse before the run a summary file that could not be written after it."""
    if path is None:
        return
    folder = Path(path).resolve().parent
    if Path(path).is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        _refuse(f"{path}: cannot write the summary there.")


@dts_cli.command("run")
@click.argument("file")
@click.option("--users-parallel", default=1, type=click.IntRange(1, 32), help="Connections.")
@click.option("--prices", help="CSV of symbol,price: fixed prices instead of the quote walk.")
@click.option("--sim-clock", type=click.FloatRange(min=0), help="Simulated seconds per command.")
@click.option("--summary-json", help="Write the users' final balances here.")
@click.option("--group-size", type=click.IntRange(1, 100000), help="Commands per transaction.")
@click.option("--limit", type=click.IntRange(1), help="Run only the first N lines.")
def run_command(file, users_parallel, prices, sim_clock, summary_json, group_size, limit):
    """Run the workload FILE; ends with commands, errors, seconds and commands per second."""
    lines = _read_workload(file, limit)
    quotes = _quotes(prices)
    _check_writable(summary_json)
    app = current_app._get_current_object()
    # Lines without their own [n] take numbers no other run or request has.
    first = numbers.number_from(lines)
    items = read_items(lines, first_number=first, clock=parallel.sim_clock(sim_clock))
    size = group_size or app.config["DTS_GROUP_SIZE"]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    started = time.perf_counter()
    with Progress(*columns, TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task("DTS commands", total=len(items))
        tally = parallel.run(
            app, items, quotes, users_parallel, size, lambda n: progress.advance(task, n)
        )
    seconds = time.perf_counter() - started
    if summary_json:
        names = list(dict.fromkeys(i.user for i in items if i.user))
        document = parallel.summary(tally, names)
        Path(summary_json).write_text(json.dumps(document, indent=1, sort_keys=True))
    rate = tally.commands / seconds if seconds else 0.0
    click.echo(
        f"commands: {tally.commands}, errors: {tally.errors}, seconds: {seconds:.2f}, "
        f"commands/s: {rate:.0f}"
    )
