"""DUMPLOG: the DTS event log as XML (the course's ``logfile.xsd``), streamed from the
database a chunk of rows at a time, into a file inside the DTS log folder.

The log is valid against ``SCHEMA``, the course's schema with its one date bound
lifted: the published one admits timestamps up to 1 May 2022 only (docs/dts.md).
"""

import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import select

from extensions import db
from models import DtsEvent
from services.errors import ServiceError

EVENTS = DtsEvent.__table__
SCHEMA = Path(__file__).with_name("logfile.xsd")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 char
FIELDS = {  # element -> column, in the order they are written
    "userCommand": ("command", "username", "stockSymbol", "filename", "funds"),
    "quoteServer": ("price", "stockSymbol", "username", "quoteServerTime", "cryptokey"),
    "accountTransaction": ("action", "username", "funds"),
    "systemEvent": ("command", "username", "stockSymbol", "filename", "funds"),
    "errorEvent": ("command", "username", "stockSymbol", "filename", "funds", "errorMessage"),
}
COLUMN = {
    "command": "command",
    "username": "username",
    "stockSymbol": "stock_symbol",
    "filename": "filename",
    "funds": "funds",
    "price": "price",
    "quoteServerTime": "quote_server_time",
    "cryptokey": "cryptokey",
    "action": "action",
    "errorMessage": "message",
}
REQUIRED = {"accountTransaction": ("action", "username", "funds")}


def safe_path(folder: str | Path, requested: str) -> Path:
    """The file a requested name may write: its base name, inside ``folder``.

    Directories, ``..``, absolute paths, backslashes and odd characters in the name
    are dropped; a name that leaves nothing, or names a link, is refused.
    """
    base = os.path.basename((requested or "").replace("\\", "/").strip())
    base = SAFE_NAME.sub("_", base).lstrip(".")
    if not base:
        raise ServiceError("Give DUMPLOG a file name.", field="filename")
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    path = root / base[:120]
    if path.is_symlink() or path.resolve().parent != root:
        raise ServiceError("DUMPLOG may not write there.", field="filename")
    return path


def write_file(folder, requested: str, user: str | None = None) -> Path:
    """Write the log (or one user's) to the file ``requested`` names; returns its path."""
    path = safe_path(folder, requested)
    # A fresh temporary file (O_EXCL: no link followed), renamed over the name when done.
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for chunk in stream(user):
                out.write(chunk)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path


def query(user: str | None = None):
    """The events in log order, optionally one user's."""
    stmt = select(EVENTS).order_by(EVENTS.c.event_id)
    if user is not None:
        stmt = stmt.where(EVENTS.c.username == user)
    return stmt


def stream(user: str | None = None, stmt=None, chunk: int = 2000):
    """Yield the XML document in pieces, reading the rows ``chunk`` at a time."""
    yield '<?xml version="1.0"?>\n<log>\n'
    stmt = stmt if stmt is not None else query(user)
    result = db.session.execute(stmt.execution_options(yield_per=chunk))
    pieces = []
    for row in result:
        pieces.append(element(row._mapping))
        if len(pieces) >= chunk:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "</log>\n"


def element(row) -> str:
    """One event as its XML element (an event the schema cannot hold becomes a comment)."""
    kind = row["kind"]
    if kind not in FIELDS or (
        kind != "accountTransaction" and kind != "quoteServer" and not row["command"]
    ):
        note = re.sub("-{2,}", "-", text(row["message"] or ""))  # "--" ends a comment
        return f"<!-- transaction {row['transaction_num']}: {escape(note)} -->\n"
    parts = [
        f"<{kind}>",
        f"<timestamp>{row['timestamp_ms']}</timestamp>",
        f"<server>{escape(text(row['server']))}</server>",
        f"<transactionNum>{row['transaction_num']}</transactionNum>",
    ]
    for name in FIELDS[kind]:
        value = row[COLUMN[name]]
        if value is None and name in REQUIRED.get(kind, ()):
            value = "0.00" if name == "funds" else ""
        if value is None:
            continue
        if name == "stockSymbol":
            value = str(value)[:3]
        parts.append(f"<{name}>{escape(text(value))}</{name}>")
    parts.append(f"</{kind}>\n")
    return "".join(parts)


def text(value) -> str:
    """``value`` as text XML can hold: characters XML 1.0 forbids are dropped."""
    return NOT_XML.sub("", str(value))
