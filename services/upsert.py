"""INSERT ... ON CONFLICT/ON DUPLICATE KEY UPDATE for SQLite and MySQL/MariaDB."""

from sqlalchemy import func
from sqlalchemy.dialects import mysql, sqlite

from extensions import db


def upsert(model, rows: list[dict], keys: list[str], merge=None) -> None:
    """Insert rows, updating every non-key column of rows whose key already exists.

    ``merge`` maps a column to how the stored value and the new one combine, as
    ``merge[column](stored, new, greatest, least)`` with SQL expressions (columns it maps
    to None keep the stored value); the other columns take the new value. Joins the
    caller's transaction; does nothing for an empty list.
    """
    if not rows:
        return
    table = model.__table__
    updates = [c for c in rows[0] if c not in keys]
    merge = merge or {}
    if db.session.get_bind().dialect.name == "sqlite":
        stmt = sqlite.insert(table).values(rows)
        new, greatest, least = stmt.excluded, func.max, func.min  # max(a, b): a scalar
    else:
        stmt = mysql.insert(table).values(rows)
        new, greatest, least = stmt.inserted, func.greatest, func.least
    values = {}
    for column in updates:
        how = merge.get(column, _take_new)
        if how is not None:
            values[column] = how(table.c[column], new[column], greatest, least)
    if isinstance(stmt, sqlite.Insert):
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=values)
    else:
        stmt = stmt.on_duplicate_key_update(values)
    db.session.execute(stmt)


def _take_new(_stored, new, _greatest, _least):
    return new
