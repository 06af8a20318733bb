"""INSERT ... ON CONFLICT/ON DUPLICATE KEY UPDATE for SQLite and MySQL/MariaDB."""

from sqlalchemy.dialects import mysql, sqlite

from extensions import db


def upsert(model, rows: list[dict], keys: list[str]) -> None:
    """Insert rows, updating every non-key column of rows whose key already exists.

    Joins the caller's transaction; does nothing for an empty list.
    """
    if not rows:
        return
    table = model.__table__
    updates = [c for c in rows[0] if c not in keys]
    if db.session.get_bind().dialect.name == "sqlite":
        stmt = sqlite.insert(table).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: stmt.excluded[c] for c in updates}
        )
    else:
        stmt = mysql.insert(table).values(rows)
        stmt = stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in updates})
    db.session.execute(stmt)
