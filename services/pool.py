"""Connection pool behaviour for MySQL/MariaDB: no round trip that does no work.

Without ``pool_pre_ping`` a checkout costs nothing; ``pool_recycle`` retires a
connection before the server's ``wait_timeout`` would, and a connection that died
anyway fails its statement once, is invalidated with the rest of the pool, and the
request answers 503 (app.register_errorhandlers).

The pool's reset on return (a ROLLBACK) is skipped when SQLAlchemy itself has just
ended the connection's transaction with a COMMIT or ROLLBACK and nothing ran since:
SQLAlchemy's own reset is skipped only after a rollback, so every committed request
used to pay one more ROLLBACK. A connection used in any other way (a raw DBAPI
connection, a statement after the commit) is rolled back on return as before.
"""

from flask import current_app
from sqlalchemy import create_engine, event

from services import direct
from services.direct import BATCHES

ENDED = "paperdesk_transaction_ended"
MULTI_STATEMENTS = 1 << 16  # CLIENT_MULTI_STATEMENTS, a capability of the MySQL protocol


def accept_batches(engine) -> None:
    """Connect so that one request may carry several statements (services.direct.Batch).

    Only the hot paths' prepared writes are sent that way: every value in them is
    escaped by the driver, as in any other statement."""

    @event.listens_for(engine, "do_connect")
    def with_batches(_dialect, record, _cargs, cparams):
        cparams["client_flag"] = cparams.get("client_flag", 0) | MULTI_STATEMENTS
        record.info[BATCHES] = True

    commit_with_writes(engine)


def commit_with_writes(engine) -> None:
    """Send the writes a transaction holds for its commit (services.direct) in the
    COMMIT's own request: the dialect's commit sends them with it, any other statement
    sends them before itself, and a rollback or a reset on return forgets them."""
    plain_commit = engine.dialect.do_commit

    def do_commit(connection):
        if not direct.send_held(connection, commit=True):
            plain_commit(connection)

    engine.dialect.do_commit = do_commit

    @event.listens_for(engine, "before_cursor_execute")
    def writes_first(conn, *_args):
        direct.send_held(conn.connection, commit=False)

    @event.listens_for(engine, "rollback")
    def rolled_back(conn):
        direct.drop_held(conn.connection)

    @event.listens_for(engine.pool, "reset")
    def returned(_dbapi_connection, record, _state):
        direct.drop_held(record)


def configure_pool(engine) -> None:
    """Roll back returned connections only when a transaction may still be open.

    Goes with ``pool_reset_on_return=None`` in the engine options (app.register_extensions).
    """

    @event.listens_for(engine.pool, "checkout")
    def checked_out(_dbapi_connection, record, _proxy):
        record.info[ENDED] = False  # what the borrower does is unknown until it ends

    @event.listens_for(engine, "before_cursor_execute")
    def statement(conn, *_args):
        conn.connection.info[ENDED] = False

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def ended(conn):
        conn.connection.info[ENDED] = True

    @event.listens_for(engine.pool, "reset")
    def reset(dbapi_connection, record, state):
        if state.terminate_only or state.transaction_was_reset or record.info.get(ENDED):
            return
        dbapi_connection.rollback()


AUTOCOMMIT = "paperdesk_autocommit_engine"


def configure_autocommit(app, url: str, options: dict) -> None:
    """A second, small pool of MySQL/MariaDB connections in autocommit mode.

    For single statements that need no transaction of their own, above all the API
    token lookup that opens every token request: in autocommit the statement ends its
    own transaction, so no ROLLBACK has to follow it (on the request's connection a
    read must be ended, or the tables' metadata locks stay with the idle connection).
    ``skip_autocommit_rollback`` drops SQLAlchemy's no-op rollbacks, which PyMySQL
    would otherwise send. Nothing here ever holds a lock between statements.
    """
    options = {**options, "isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True}
    options["pool_reset_on_return"] = None
    app.extensions[AUTOCOMMIT] = create_engine(url, **options)


def autocommit_engine(app=None):
    """The app's autocommit engine, or None (SQLite: statements run on db.session)."""
    return (app or current_app).extensions.get(AUTOCOMMIT)


def dispose(app) -> None:
    """Close the autocommit pool's connections (with db.engine.dispose())."""
    engine = autocommit_engine(app)
    if engine is not None:
        engine.dispose()
