"""Running DTS commands: many per transaction, one savepoint per command.

A group of commands shares one transaction. What a command wrote through the
engine's pending rows (services.rows) is written when it ends, so the next command
(and DISPLAY_SUMMARY) reads it. A command that fails leaves only its error event:
its pending rows are dropped, and since nearly every refusal comes before the first
write, nothing else needs undoing. A command that fails after it wrote sends its
group back to the start, to run again with a savepoint per command (rolled back
for the one that fails). The group's events are inserted in a few multi-row
INSERTs just before the commit. A group that hits a deadlock or lock timeout is
replayed from its first line in a fresh transaction (its events too).

On MariaDB a group runs at READ COMMITTED: a lock on a missing position row then
takes no gap lock that another user's insert could deadlock on.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from extensions import db
from services import events as stream_events
from services import market_clock, risk
from services.db import is_lock_contention
from services.dts import dumplog, summary, triggers
from services.dts.commands import HANDLERS
from services.dts.parser import Command, ParseError, parse
from services.errors import ServiceError
from services.execution import trading_costs
from services.rows import pending
from utils.clock import local_time
from utils.trading import Costs

log = logging.getLogger("paperdesk.dts")
RETRIES = 8
# Commands after which the user's armed triggers are read again.
TRIGGER_COMMANDS = {
    "SET_BUY_AMOUNT",
    "SET_BUY_TRIGGER",
    "CANCEL_SET_BUY",
    "SET_SELL_AMOUNT",
    "SET_SELL_TRIGGER",
    "CANCEL_SET_SELL",
}


@dataclass(slots=True)
class Item:
    """One line of a workload: its place in the file, and its command or parse error."""

    index: int
    cmd: Command | None = None
    error: ParseError | None = None
    at: object = None  # the simulated time it runs at (None: the real clock)

    @property
    def user(self) -> str | None:
        return self.cmd.user if self.cmd else self.error.user


@dataclass
class Outcome:
    """What a command answered."""

    success: bool
    result: dict | None = None
    error: str | None = None
    user: str | None = None

    def as_dict(self) -> dict:
        """The answer as the API gives it."""
        if self.success:
            return {"success": True, "result": self.result}
        return {"success": False, "error": self.error}


@dataclass
class Tally:
    """Commands and errors counted over a run (a workload run keeps no outcomes)."""

    commands: int = 0
    errors: int = 0

    def count(self, outcomes: list[Outcome]) -> "Tally":
        """Add these outcomes to the counts; returns the tally."""
        self.commands += len(outcomes)
        self.errors += sum(not o.success for o in outcomes)
        return self

    def add(self, other: "Tally") -> "Tally":
        """Add another tally's counts; returns this one."""
        self.commands += other.commands
        self.errors += other.errors
        return self


def read_items(lines, first_number: int = 1, clock=None) -> list[Item]:
    """Parse lines (blank ones skipped) into items; ``clock(index)`` gives each its time."""
    items = []
    for line in lines:
        if not line.strip():
            continue
        index = len(items)
        item = Item(index)
        try:
            item.cmd = parse(line, first_number + index)
        except ParseError as exc:
            item.error = exc
        item.at = clock(index) if clock else None
        items.append(item)
    return items


def dts_costs() -> Costs:
    """DTS trades: DTS_COMMISSION per order, no slippage."""
    from flask import current_app

    fee = Decimal(current_app.config["DTS_COMMISSION"])
    return Costs(fixed=fee, bps=Decimal("0"), minimum=fee, slippage_bps=Decimal("0"))


def run_items(ctx, items: list[Item], group_size: int, progress=None) -> list[Outcome]:
    """Run items in order, ``group_size`` commands per transaction; DUMPLOG ends a group."""
    outcomes, group = [], []
    for item in items:
        if item.cmd is not None and item.cmd.name == "DUMPLOG":
            outcomes += run_group(ctx, group, progress)
            outcomes.append(_dump(ctx, item, progress))
            group = []
            continue
        group.append(item)
        if len(group) >= group_size:
            outcomes += run_group(ctx, group, progress)
            group = []
    return outcomes + run_group(ctx, group, progress)


class Replay(Exception):
    """A command failed after it had written: the group is run again with savepoints."""


class WriteCounter:
    """Counts the statements that are not reads on one connection."""

    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("SELECT"):
            self.count += 1


def run_group(ctx, items: list[Item], progress=None) -> list[Outcome]:
    """Run the items in one transaction; replay all of them on a deadlock, or with a
    savepoint per command when one failed after writing."""
    if not items:
        return []
    ctx.savepoints = False
    for attempt in range(RETRIES):
        try:
            outcomes = _attempt(ctx, items)
            if progress:
                progress(len(items))
            return outcomes
        except Replay:
            ctx.savepoints = True
        except DBAPIError as exc:
            if not is_lock_contention(exc) or attempt == RETRIES - 1:
                raise
            log.info("DTS group of %d replayed after %s", len(items), exc.orig)
            time.sleep(0.005 * (attempt + 1))
    raise RuntimeError("A DTS group could not be stored after several tries.")


def _attempt(ctx, items: list[Item]) -> list[Outcome]:
    counter, connection = WriteCounter(), None
    try:
        with trading_costs(dts_costs()), risk.exempt(), market_clock.always_open():
            connection = _begin()
            event.listen(connection, "before_cursor_execute", counter)
            ctx.writes = counter
            outcomes = [_timed(ctx, item) for item in items]
            ctx.log.write(db.session)
            db.session.commit()
    except BaseException:
        _rollback()
        ctx.log.rewind(0)
        ctx.forget_transaction()
        raise
    finally:
        if connection is not None and event.contains(connection, "before_cursor_execute", counter):
            event.remove(connection, "before_cursor_execute", counter)
    ctx.new_users = []
    return outcomes


def _rollback() -> None:
    """Roll the group back; after a deadlock its savepoint is gone with the transaction, so
    a rollback that fails on it gives the connection back instead."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()


def _begin():
    # A caller's open transaction (its reads) is joined as it is.
    if db.session.get_bind().dialect.name == "mysql" and not db.session().in_transaction():
        return db.session.connection(execution_options={"isolation_level": "READ COMMITTED"})
    return db.session.connection()


def _timed(ctx, item: Item) -> Outcome:
    with local_time(item.at):
        return run_one(ctx, item)


def run_one(ctx, item: Item) -> Outcome:
    """Run one command (changing nothing if it fails), then fire its user's triggers
    that the current quotes meet."""
    if item.error is not None:
        ctx.log.fail(item.error, item.error.message)
        return Outcome(False, error=item.error.message, user=item.user)
    cmd = item.cmd
    if cmd.name == "DISPLAY_SUMMARY":
        outcome = _display(ctx, cmd)
    else:
        outcome = _guarded(ctx, cmd, lambda: HANDLERS[cmd.name](ctx, cmd), cmd)
        if outcome.success and cmd.name in TRIGGER_COMMANDS:
            ctx.forget_triggers(cmd.user)
    _fire(ctx, cmd)
    return outcome


def _display(ctx, cmd) -> Outcome:
    try:
        user_id = ctx.users.need(cmd.user)
        result = summary.display(user_id)  # with the group's ledger rows not yet inserted
    except ServiceError as exc:
        ctx.log.fail(cmd, exc.message)
        return Outcome(False, error=exc.message, user=cmd.user)
    ctx.log.command(cmd)
    ctx.log.keep()
    return Outcome(True, result, user=cmd.user)


def _guarded(ctx, cmd, work, logged) -> Outcome:
    """Run ``work`` so that a failure changes nothing: in a savepoint, or (the fast path)
    with none, which holds while the command fails before its first write; a command
    that fails later sends the group back to run with savepoints."""
    if ctx.savepoints:
        return _in_savepoint(ctx, cmd, work, logged)
    session = db.session
    emitted, marks = _marks(session)
    before = ctx.writes.count
    try:
        if logged is not None:
            ctx.log.command(logged)
        result = work()
        _write_records(session)
    except ServiceError as exc:
        if ctx.writes.count != before:
            raise Replay() from exc
        _discard(session, emitted, marks)
        return _failed(ctx, cmd, exc.message, logged)
    except DBAPIError as exc:
        if is_lock_contention(exc):
            raise
        raise Replay() from exc
    ctx.log.keep()
    return Outcome(True, result, user=cmd.user)


def _in_savepoint(ctx, cmd, work, logged) -> Outcome:
    session = db.session
    emitted, marks = _marks(session)
    savepoint = session.begin_nested()
    try:
        if logged is not None:
            ctx.log.command(logged)
        result = work()
        session.flush()
        _write_records(session)
        savepoint.commit()
    except DBAPIError as exc:
        if is_lock_contention(exc):
            raise  # the whole transaction is gone: the group is replayed
        _discard(session, emitted, marks)
        savepoint.rollback()
        log.exception("DTS command %s failed", cmd)
        return _failed(ctx, cmd, "The command could not be stored.", logged)
    except ServiceError as exc:
        _discard(session, emitted, marks)
        savepoint.rollback()
        return _failed(ctx, cmd, exc.message, logged)
    ctx.log.keep()
    return Outcome(True, result, user=cmd.user)


def _failed(ctx, cmd, message: str, logged) -> Outcome:
    if logged is None:
        ctx.log.staged = []
    else:
        ctx.log.fail(cmd, message)
    return Outcome(False, error=message, user=cmd.user)


def _marks(session) -> tuple[int, dict]:
    """Where the pending stream events and rows stand before a command."""
    found = pending(session)
    queued = session.info.get(stream_events.PENDING, [])
    return len(queued), {table: len(rows) for table, rows in found.rows.items()}


def _write_records(session) -> None:
    """Write the command's changed and new records (balances, positions, orders) so the
    next command's reads see them. The rows that are only inserted (fills, ledger, audit)
    wait for the group's commit, where they go in one multi-row INSERT per table."""
    found = pending(session)
    rows, found.rows = found.rows, defaultdict(list)
    try:
        found.flush(session)
    finally:
        found.rows = rows


def _discard(session, emitted: int, marks: dict) -> None:
    """Drop what a failed command left pending: its records, its rows and stream events."""
    found = pending(session)
    found.records.clear()
    for table in list(found.rows):
        del found.rows[table][marks.get(table, 0) :]
    queued = session.info.get(stream_events.PENDING)
    if queued is not None:
        del queued[emitted:]


def _fire(ctx, cmd) -> None:
    if cmd.user is None:
        return
    user_id = ctx.users.ids.get(cmd.user)
    if user_id is None:
        return
    armed = ctx.armed_triggers(user_id)
    if not armed or not triggers.due(ctx, armed, cmd.user):
        return
    outcome = _guarded(ctx, cmd, lambda: triggers.fire(ctx, cmd, user_id, cmd.user), None)
    ctx.forget_triggers(cmd.user)
    if not outcome.success:
        log.warning("DTS triggers of %s not fired: %s", cmd.user, outcome.error)


def _unwritable(exc: OSError) -> str:
    return f"DUMPLOG could not write the file ({exc.strerror or type(exc).__name__})."


def _dump(ctx, item: Item, progress=None) -> Outcome:
    """DUMPLOG: commit what came before, then stream the log to a file."""
    cmd = item.cmd
    with local_time(item.at):
        try:
            user_id = None
            if cmd.user is not None:
                user_id = ctx.users.need(cmd.user)
            elif not ctx.admin:
                raise ServiceError("DUMPLOG of the whole log is for admins.")
            ctx.log.command(cmd)
            ctx.log.keep()
            ctx.log.write(db.session)
            db.session.commit()
            path = dumplog.write_file(ctx.log_dir, cmd.filename, cmd.user if user_id else None)
            result = {"file": path.name}
        except (ServiceError, OSError) as exc:
            message = exc.message if isinstance(exc, ServiceError) else _unwritable(exc)
            ctx.log.fail(cmd, message)
            ctx.log.write(db.session)
            db.session.commit()
            outcome = Outcome(False, error=message, user=cmd.user)
        else:
            outcome = Outcome(True, result, user=cmd.user)
    if progress:
        progress(1)
    return outcome
