"""Connection pool behaviour for MySQL/MariaDB: no round trip that does no work.

Without ``pool_pre_ping`` a checkout costs nothing; ``pool_recycle`` retires a
connection before the server's ``wait_timeout`` would, and a connection that died
anyway fails its statement once, is invalidated with the rest of the pool, and the
request answers 503 (app.register_db_errors).

Ending a transaction that only ran plain SELECTs is skipped: under READ COMMITTED
such a transaction holds no row locks and no snapshot, so its ROLLBACK (at the end
of every read-only request) or COMMIT would be a round trip that changes nothing.
Any other statement (a write, SELECT ... FOR UPDATE, DDL) makes the next COMMIT or
ROLLBACK go to the server as usual. What such an idle connection still holds are
the shared metadata locks of the tables it read, so schema migrations are run with
the app stopped (as ``flask db upgrade`` at deploy time is).
"""

from sqlalchemy import event

from utils.dbcount import statement_kind

DIRTY = "paperdesk_dirty"


def _info(connection):
    return getattr(connection, "info", None)


def configure_mysql(engine) -> None:
    """Skip COMMIT/ROLLBACK of read-only READ COMMITTED transactions on ``engine``."""
    dialect = engine.dialect
    real_commit, real_rollback = dialect.do_commit, dialect.do_rollback

    @event.listens_for(engine, "before_cursor_execute")
    def mark(conn, _cursor, statement, _params, _context, _many):
        if statement_kind(statement) != "SELECT" or "LOCK IN SHARE MODE" in statement.upper():
            conn.connection.info[DIRTY] = True

    def ender(real):
        def end(connection):
            info = _info(connection)
            if info is not None and not info.get(DIRTY, True):
                return  # nothing to end: only plain reads since the last COMMIT/ROLLBACK
            real(connection)
            if info is not None:
                info[DIRTY] = False

        return end

    dialect.do_commit = ender(real_commit)
    dialect.do_rollback = ender(real_rollback)
