"""Count round trips to the database, at two levels, for benchmarks and tests.

``RoundTrips(engine)`` listens to SQLAlchemy's events: every statement it sends
(by its first word: SELECT, INSERT, UPDATE, ...), every COMMIT and ROLLBACK it
asks the driver for, and every connection checkout. ``DriverCounter`` wraps the
MySQL drivers' own methods (PyMySQL and mysqlclient), so it also sees what the
events cannot: pre-pings and the pool's reset-on-return rollbacks.

Both only count; neither changes what is sent.
"""

import threading
from collections import Counter

from sqlalchemy import event

# services.direct.AT_COMMIT: writes a connection holds for its COMMIT. Spelled out here,
# since the benchmarks load this module by path against other checkouts too.
HELD_FOR_COMMIT = "paperdesk_at_commit"


def statement_kind(sql: str) -> str:
    """The statement's first word, upper-cased (SELECT, INSERT, BEGIN, ...), or BATCH for
    several statements sent in one round trip (services.direct.Batch)."""
    if ";\n" in sql:
        return "BATCH"
    words = sql.lstrip().split(None, 1)
    kind = words[0].upper() if words else "?"
    if kind == "SELECT" and "FOR UPDATE" in sql.upper():
        return "SELECT FOR UPDATE"
    return kind


class RoundTrips:
    """Statements, commits and rollbacks on the ``engines``, per kind, while attached.

    Use as a context manager, or call ``attach()``/``detach()``; ``reset()`` zeroes it.
    A commit or rollback the driver answers without a round trip still counts here
    (see ``DriverCounter`` for what is really sent), except a rollback the dialect
    skips on an autocommit connection (``skip_autocommit_rollback``).
    """

    def __init__(self, *engines):
        self.engines = [e for e in engines if e is not None]
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        self._hooks = []
        for engine in self.engines:
            self._hooks += [
                (engine, "before_cursor_execute", self._on_statement),
                (engine, "commit", self._on_commit),
                (engine, "rollback", self._on_rollback),
                (engine.pool, "checkout", self._on_checkout),
            ]

    def _add(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1

    def _on(self, kind: str):
        def hook(*_args, **_kwargs):
            self._add(kind)

        return hook

    def _on_commit(self, conn):
        if HELD_FOR_COMMIT not in conn.connection.info:  # else it goes with them: one trip
            self._add("COMMIT")

    def _on_rollback(self, conn):
        dialect = conn.dialect
        if dialect.skip_autocommit_rollback and dialect.detect_autocommit_setting(
            conn.connection.dbapi_connection
        ):
            return  # not sent (DefaultDialect.do_rollback)
        self._add("ROLLBACK")

    def _on_statement(self, _conn, _cursor, statement, _params, _context, _many):
        self._add(statement_kind(statement))

    def _on_checkout(self, *_args):
        self._add("checkout")

    def attach(self) -> "RoundTrips":
        for target, name, fn in self._hooks:
            event.listen(target, name, fn)
        return self

    def detach(self) -> None:
        for target, name, fn in self._hooks:
            if event.contains(target, name, fn):
                event.remove(target, name, fn)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    @property
    def total(self) -> int:
        """Round trips: statements plus commits and rollbacks (checkouts are local)."""
        return sum(n for kind, n in self.counts.items() if kind != "checkout")

    def __enter__(self) -> "RoundTrips":
        return self.attach()

    def __exit__(self, *_exc) -> None:
        self.detach()


class DriverCounter:
    """Count the commands the MySQL drivers send (queries, commits, rollbacks, pings).

    Patches the driver classes for the whole process while attached; a no-op for a
    driver that is not installed. Counts are per kind: query, commit, rollback, ping.
    """

    METHODS = ("query", "commit", "rollback", "ping")

    def __init__(self):
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        self._saved: list[tuple[type, str, object]] = []

    def _classes(self) -> list[type]:
        found = []
        try:
            import pymysql.connections

            found.append(pymysql.connections.Connection)
        except ImportError:
            pass
        try:
            import MySQLdb.connections

            found.append(MySQLdb.connections.Connection)
        except ImportError:
            pass
        return found

    def _wrap(self, kind: str, original):
        def counted(conn, *args, **kwargs):
            with self._lock:
                self.counts[kind] += 1
            return original(conn, *args, **kwargs)

        return counted

    def attach(self) -> "DriverCounter":
        for cls in self._classes():
            for name in self.METHODS:
                original = getattr(cls, name)
                self._saved.append((cls, name, cls.__dict__.get(name)))
                setattr(cls, name, self._wrap(name, original))
        return self

    def detach(self) -> None:
        for cls, name, original in reversed(self._saved):
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
        self._saved.clear()

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __enter__(self) -> "DriverCounter":
        return self.attach()

    def __exit__(self, *_exc) -> None:
        self.detach()
