"""DTS events, buffered in memory and inserted in multi-row INSERTs.

A command's events are staged while it runs; if it succeeds they join the batch
written with its group, if it fails they are dropped and only its error event is
kept. Nothing here holds a database row open: ``write`` inserts what is buffered.
"""

from decimal import Decimal

from sqlalchemy import insert

from models import DtsEvent
from services import direct
from utils.clock import epoch, utcnow

EVENTS = DtsEvent.__table__
COLUMNS = tuple(c.name for c in EVENTS.columns if c.name != "event_id")
INSERT_CHUNK = 1000
INSERT = insert(EVENTS)  # built once


class EventLog:
    """Events of the commands run so far that are not yet written."""

    def __init__(self, server: str):
        self.server = server
        self.rows: list[dict] = []
        self.staged: list[dict] = []

    def add(self, kind: str, cmd, **values) -> dict:
        """Stage one event of ``cmd`` (a parsed Command or None) at the current time."""
        row = dict.fromkeys(COLUMNS)
        row.update(
            kind=kind,
            transaction_num=getattr(cmd, "number", 1),
            server=self.server,
            timestamp_ms=int(epoch(utcnow()) * 1000),
            command=getattr(cmd, "name", None),
            username=getattr(cmd, "user", None),
        )
        if cmd is not None and kind in ("userCommand", "errorEvent"):
            row.update(
                stock_symbol=cmd.symbol,
                funds=cmd.amount,
                filename=cmd.filename,
            )
        row.update(values)
        self.staged.append(row)
        return row

    def command(self, cmd) -> None:
        """The userCommand event of ``cmd``."""
        self.add("userCommand", cmd)

    def quote(self, cmd, hit, user: str) -> None:
        """A quoteServer event: the price the command was given."""
        self.add(
            "quoteServer",
            cmd,
            username=user,
            stock_symbol=hit.symbol,
            price=hit.price,
            quote_server_time=hit.quote_time_ms,
            cryptokey=hit.cryptokey,
        )

    def account(self, cmd, user: str, action: str, funds: Decimal) -> None:
        """An accountTransaction event: cash added, removed, reserved or released."""
        self.add("accountTransaction", cmd, username=user, action=action, funds=funds)

    def system(self, cmd, user: str, command: str, symbol: str, funds: Decimal, note: str):
        """A systemEvent: something the system did, such as a trigger that fired."""
        self.add(
            "systemEvent",
            cmd,
            username=user,
            command=command,
            stock_symbol=symbol,
            funds=funds,
            message=note,
        )

    def keep(self) -> None:
        """The staged events stand (their command succeeded)."""
        self.rows.extend(self.staged)
        self.staged = []

    def fail(self, cmd, message: str) -> None:
        """Drop the staged events and keep only an error event for the command (a parsed
        Command, or the ParseError of a line that is not one)."""
        self.staged = []
        self.add("errorEvent", cmd, message=message[:1000])
        self.keep()

    def mark(self) -> int:
        """A position to roll back to (see rewind), for a group that is replayed."""
        return len(self.rows)

    def rewind(self, mark: int) -> None:
        """Forget the events after ``mark`` (their transaction rolled back)."""
        del self.rows[mark:]
        self.staged = []

    def write(self, session) -> int:
        """Insert the kept events, many rows per statement; returns how many."""
        rows, self.rows = self.rows, []
        for start in range(0, len(rows), INSERT_CHUNK):
            direct.run(session.connection(), INSERT, rows[start : start + INSERT_CHUNK])
        return len(rows)
