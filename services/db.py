"""Transaction and row-lock helpers shared by the services."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from extensions import db
from models import AccountBalance


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def lock_one(model, *criteria):
    """SELECT ... FOR UPDATE one row, refreshing any copy the session already holds."""
    stmt = (
        select(model).where(*criteria).with_for_update().execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def lock_account(user_id: int) -> AccountBalance:
    """Lock a user's balance row: always the first lock a money operation takes."""
    return lock_one(AccountBalance, AccountBalance.user_id == user_id)
