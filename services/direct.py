"""Hot-path statements sent straight to the MySQL/MariaDB driver's cursor.

SQLAlchemy Core compiles a statement once and caches it, but every execution still
builds an execution context, processes each parameter and wraps the cursor in a
Result: about as much CPU as PyMySQL itself spends on the round trip, and several
times what mysqlclient does. ``run`` keeps what that work is for and drops the rest:

- the statement is compiled once per dialect (and set of INSERT/UPDATE columns);
  its SQL, the order of its parameters, their type processors and defaults, and the
  Python-side column defaults it needs (``default=``, ``onupdate=``) are kept;
- it runs on the cursor of the connection SQLAlchemy holds, inside that connection's
  transaction, with the same parameters SQLAlchemy would send;
- the ``before_cursor_execute`` listeners (round-trip counters, the pool's reset
  bookkeeping, the DTS runner's write counter) are called as SQLAlchemy calls them;
- a driver error goes through SQLAlchemy's own handling: it arrives wrapped as a
  ``DBAPIError`` (IntegrityError, OperationalError ...), and a dead connection is
  invalidated.

``Batch`` sends several writes in one round trip where the connection accepts
several statements in one request (services.pool.accept_batches): each statement is
rendered with the driver's own escaping, they go together, and the first one that
fails stops the rest and raises as it would alone. The writes a transaction leaves
for its commit go with the COMMIT itself (``send(at_commit=True)``): they are held on
the connection until SQLAlchemy commits it, and the dialect's commit
(services.pool.accept_batches) sends them and the COMMIT in one request. A statement
run in between sends the held writes before it, so they still come first.

Rows come back as named tuples with the result types SQLAlchemy gives. On any other
database, or for a statement this cannot send as it is (an expanding IN list, a
default computed by SQL), ``run`` is ``connection.execute``: the same answer.
"""

from collections import namedtuple
from contextlib import suppress
from functools import lru_cache

from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.sql import Insert, Select, Update

DIRECT_DRIVERS = frozenset({"pymysql", "mysqldb"})
BATCHES = "paperdesk_batches"  # connection record info: several statements per request
AT_COMMIT = "paperdesk_at_commit"  # connection record info: writes that go with the COMMIT
SEPARATOR = ";\n"  # escaped literals never hold a newline, so this only ends statements


def run(conn, stmt, params=None):
    """Execute ``stmt`` with ``params`` (a dict, or a list of dicts for many rows) on
    ``conn`` (a Connection in a transaction); returns a result with ``first``, ``one``,
    ``one_or_none``, ``all``, ``scalar``, iteration, ``rowcount`` and
    ``inserted_primary_key``."""
    many = isinstance(params, list)
    plan = _plan_for(conn, stmt, params[0] if many else params)
    if plan is None:
        return conn.execute(stmt, params)
    return plan.execute(conn, params, many)


def _plan_for(conn, stmt, sample):
    dialect = conn.dialect
    if dialect.driver not in DIRECT_DRIVERS or not conn.in_transaction():
        return None
    keys = tuple(sorted(sample)) if sample and not isinstance(stmt, Select) else ()
    return _plan(stmt, dialect, keys)


@lru_cache(maxsize=1024)  # statements built once: a module's constants
def _plan(stmt, dialect, keys: tuple):
    """The compiled form of ``stmt`` for ``dialect`` and the given column keys, or None
    when it cannot be sent directly."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys) if keys else None)
    if compiled.escaped_bind_names or compiled.returning:
        return None
    defaults = _python_defaults(compiled, stmt)
    if defaults is None:
        return None
    expanded = None
    lists = compiled.post_compile_params | compiled.literal_execute_params
    if lists:
        if any(p.value is None or p.callable is not None for p in lists):
            return None  # a list the caller gives: SQLAlchemy renders it per call
        # A list written in the statement (IN of constants) is rendered once.
        expanded = compiled._process_parameters_for_postcompile(
            compiled.construct_params(_check=False)
        )
    return Plan(compiled, dialect, defaults, expanded)


def _python_defaults(compiled, stmt):
    """{bind name: default} of the columns SQLAlchemy fills in Python, or None when one
    of them is not a plain value or callable."""
    if isinstance(stmt, Insert):
        columns, attr = compiled.insert_prefetch, "default"
    elif isinstance(stmt, Update):
        columns, attr = compiled.update_prefetch, "onupdate"
    else:
        return {}
    found = {}
    for column in columns:
        default = getattr(column, attr)
        if default is None or not (default.is_scalar or default.is_callable):
            return None
        found[column.key] = default
    return found


class Batch:
    """Writes to send together on ``conn`` (a Connection in a transaction), in order.

    ``send`` makes one round trip of them where the connection accepts batches, and
    one ``run`` each elsewhere (SQLite, or a statement that cannot be sent directly,
    which goes alone between the batches before and after it)."""

    def __init__(self, conn):
        self.conn = conn
        self.steps: list[tuple] = []

    def add(self, stmt, params, built_once: bool = True) -> None:
        """Queue ``stmt`` with ``params`` (a dict, or a list of dicts for many rows).
        A statement built for this call only (``built_once=False``) goes through
        SQLAlchemy, alone: it is not worth compiling for the direct path."""
        self.steps.append((stmt, params, built_once))

    def send(self, at_commit: bool = False) -> None:
        """Send every queued write; with ``at_commit``, the last ones that can go
        together are held for the transaction's COMMIT (see ``send_held``)."""
        steps, self.steps = self.steps, []
        batches = accepts_batches(self.conn)
        if not batches or (len(steps) < 2 and not at_commit):
            for stmt, params, built_once in steps:
                _run_step(self.conn, stmt, params, built_once)
            return
        together = []
        for stmt, params, built_once in steps:
            many = isinstance(params, list)
            plan = _plan_for(self.conn, stmt, params[0] if many else params) if built_once else None
            if plan is None:
                _send_together(self.conn, together)
                together = []
                _run_step(self.conn, stmt, params, built_once)
            else:
                together.append((plan, params, many))
        if at_commit and together:
            _hold(self.conn, together)
        else:
            _send_together(self.conn, together)


def _run_step(conn, stmt, params, built_once: bool):
    return run(conn, stmt, params) if built_once else conn.execute(stmt, params)


def accepts_batches(conn) -> bool:
    """True when ``conn`` may send several statements in one request."""
    return conn.dialect.driver in DIRECT_DRIVERS and conn.connection.info.get(BATCHES, False)


def _send_together(conn, steps: list[tuple]) -> None:
    if len(steps) < 2:
        for plan, params, many in steps:
            plan.execute(conn, params, many)
        return
    cursor = conn.connection.dbapi_connection.cursor()
    sql = ""
    try:
        sql = _announced(conn, cursor, steps)
        _run_all(cursor, sql)
    except Exception as exc:
        conn._handle_dbapi_exception(exc, sql, (), cursor, None)
    finally:
        cursor.close()


def _announced(conn, cursor, steps: list[tuple]) -> str:
    """``steps`` rendered as one request, the listeners told of it as SQLAlchemy tells
    them of a statement."""
    sql = SEPARATOR.join(plan.rendered(cursor, params, many) for plan, params, many in steps)
    for listener in conn.dispatch.before_cursor_execute:
        listener(conn, cursor, sql, (), None, False)
    return sql


def _run_all(cursor, sql: str) -> None:
    cursor.execute(sql)
    while cursor.nextset():
        pass  # each statement's answer, in order: an error stops the request here


def _hold(conn, steps: list[tuple]) -> None:
    """Render ``steps`` and keep them on the connection for its COMMIT. The listeners
    see them now, as the statement the transaction sends before its commit."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        conn.connection.info[AT_COMMIT] = _announced(conn, cursor, steps)
    finally:
        cursor.close()


def holds_writes(connection) -> bool:
    """True while ``connection`` (a pool connection) holds writes for its COMMIT."""
    return AT_COMMIT in connection.info


def send_held(connection, commit: bool) -> bool:
    """Send the writes ``connection`` (a pool connection) holds, and with ``commit`` the
    COMMIT in the same request; False when it holds none. A driver error is raised as
    the driver raises it: the caller (SQLAlchemy's commit, or the statement that needed
    the writes first) handles it, and nothing after the failing statement runs; a
    failed commit rolls the transaction back first."""
    sql = connection.info.pop(AT_COMMIT, None)
    if sql is None:
        return False
    cursor = connection.dbapi_connection.cursor()
    try:
        _run_all(cursor, f"{sql}{SEPARATOR}COMMIT" if commit else sql)
    except Exception:
        if commit:  # SQLAlchemy takes a failed commit for an ended transaction: end it
            _roll_back(connection)
        raise
    finally:
        cursor.close()
    return True


def _roll_back(connection) -> None:
    with suppress(Exception):  # a dead connection: the server has dropped its transaction
        connection.dbapi_connection.rollback()


def drop_held(connection) -> None:
    """Forget the writes ``connection`` holds (its transaction is rolled back)."""
    connection.info.pop(AT_COMMIT, None)


class Plan:
    """One statement compiled for one dialect, ready to send through the cursor."""

    def __init__(self, compiled, dialect, defaults: dict, expanded=None):
        shown = expanded or compiled
        self.sql = expanded.statement if expanded else compiled.string
        self.names = tuple(shown.positiontup) if compiled.positional else None
        given = expanded.parameters if expanded else compiled.construct_params(_check=False)
        self.fixed = {name: value for name, value in given.items() if value is not None}
        self.binds = {
            name: fn for name, fn in compiled._bind_processors.items() if not callable(name)
        }
        if expanded:
            self.binds.update(expanded.processors)
        self.defaults = defaults
        self.columns = [(c[0], c[3]) for c in compiled._result_columns]
        self.dialect = dialect
        self._rows = None  # (row class, result processors), on the first rows read

    def parameters(self, params: dict | None):
        """The values to send, in the driver's parameter style."""
        values = {**self.fixed, **params} if params else dict(self.fixed)
        for name, default in self.defaults.items():
            if name not in values:
                values[name] = default.arg(None) if default.is_callable else default.arg
        for name, process in self.binds.items():
            if name in values:
                values[name] = process(values[name])
        if self.names is None:
            return values
        return tuple(values[name] for name in self.names)

    def execute(self, conn, params, many: bool):
        """Send the statement; a driver error is raised as SQLAlchemy raises it."""
        sent = [self.parameters(p) for p in params] if many else self.parameters(params)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            for listener in conn.dispatch.before_cursor_execute:
                listener(conn, cursor, self.sql, sent, None, many)
            if many:
                cursor.executemany(self.sql, sent)
            else:
                cursor.execute(self.sql, sent)
            description = cursor.description
            rows = cursor.fetchall() if description is not None else None
            answer = Answer(self._shape(description, rows), cursor.rowcount, cursor.lastrowid)
        except Exception as exc:
            conn._handle_dbapi_exception(exc, self.sql, sent, cursor, None)
        finally:
            cursor.close()
        return answer

    def rendered(self, cursor, params, many: bool) -> str:
        """The statement with its values written in by the driver's escaping; many rows
        of an INSERT become one multi-row INSERT, as the driver's executemany makes."""
        if not many:
            return cursor.mogrify(self.sql, self.parameters(params))
        head, values, row = self.sql.rpartition(" VALUES ")
        if not (values and row.startswith("(") and row.endswith(")")):
            return SEPARATOR.join(cursor.mogrify(self.sql, self.parameters(p)) for p in params)
        rows = ", ".join(cursor.mogrify(row, self.parameters(p)) for p in params)
        return f"{head}{values}{rows}"

    def _shape(self, description, rows):
        if rows is None:
            return None
        if self._rows is None:
            self._rows = self._row_shape(description)
        row_class, processors = self._rows
        if processors:
            return [
                row_class._make(p(v) if p else v for p, v in zip(processors, row, strict=True))
                for row in rows
            ]
        return [row_class._make(row) for row in rows]

    def _row_shape(self, description):
        names = [name for name, _ in self.columns] or [d[0] for d in description]
        processors = [
            type_._cached_result_processor(self.dialect, d[1])
            for (_, type_), d in zip(self.columns, description, strict=True)
        ]
        row_class = namedtuple("Row", names, rename=True)
        return row_class, processors if any(processors) else None


class Answer:
    """What a directly sent statement gave: its rows (None for a write), the rows it
    matched, and the key of the row it inserted."""

    __slots__ = ("lastrowid", "rowcount", "rows")

    def __init__(self, rows, rowcount: int, lastrowid):
        self.rows, self.rowcount, self.lastrowid = rows, rowcount, lastrowid

    @property
    def inserted_primary_key(self) -> tuple:
        """(the key of the inserted row,), as SQLAlchemy gives it."""
        return (self.lastrowid,)

    def __iter__(self):
        return iter(self.rows)

    def all(self) -> list:
        """Every row."""
        return self.rows

    def first(self):
        """The first row, or None."""
        return self.rows[0] if self.rows else None

    def one_or_none(self):
        """The only row, or None; more than one raises MultipleResultsFound, as
        SQLAlchemy's result does."""
        if len(self.rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self.first()

    def one(self):
        """The only row; none raises NoResultFound and more than one
        MultipleResultsFound, as SQLAlchemy's result does."""
        if not self.rows:
            raise NoResultFound("No row was found when one was required")
        self.one_or_none()
        return self.rows[0]

    def scalar(self):
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None
