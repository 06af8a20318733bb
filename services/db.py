"""Transaction and row-lock helpers shared by the services."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from extensions import db
from models import AccountBalance, Admin, User
from services.pool import autocommit_engine

LOCK_ERRORS = {1205, 1213}  # MariaDB/MySQL: lock wait timeout, deadlock


def is_lock_contention(error) -> bool:
    """True for a lock wait timeout or deadlock (MariaDB) or a busy database (SQLite)."""
    code = getattr(error.orig, "args", [None])[0]
    return code in LOCK_ERRORS or "database is locked" in str(error.orig)


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


HOLDS_CONNECTION = "paperdesk_holds_connection"


@event.listens_for(Session, "after_begin")
def _connection_begun(session, _transaction, _connection) -> None:
    session.info[HOLDS_CONNECTION] = True  # a transaction is open on the database


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(HOLDS_CONNECTION, None)


def read_rows(stmt, params=None) -> list:
    """The rows of a Core read that needs no transaction of its own.

    On MySQL/MariaDB, while the session has no transaction open on the database (an
    object merged in without a query does not count), the read runs on the
    autocommit pool (services.pool), so nothing is left for the request to roll back;
    inside a transaction, or on SQLite, it runs on db.session as any other statement.
    """
    engine = autocommit_engine()
    if engine is None or db.session().info.get(HOLDS_CONNECTION):
        return db.session.execute(stmt, params).all()
    with engine.connect() as conn:
        return conn.execute(stmt, params).all()


def lock_one(model, *criteria):
    """SELECT ... FOR UPDATE one row, refreshing any copy the session already holds."""
    stmt = (
        select(model).where(*criteria).with_for_update().execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def lock_person(person):
    """Lock a User's or Admin's own row: serialises what they create against a cap."""
    if person.role == "user":
        return lock_one(User, User.user_id == person.id)
    return lock_one(Admin, Admin.admin_id == person.id)


def lock_account(user_id: int) -> AccountBalance:
    """Lock a user's balance row: always the first lock a money operation takes."""
    return lock_one(AccountBalance, AccountBalance.user_id == user_id)
