"""Rows as plain records, locked and written with SQLAlchemy Core.

The hot paths (placing, filling, cancelling) lock their rows with one Core
``SELECT ... FOR UPDATE``, change plain Python records, and write what changed
when the transaction commits: one UPDATE per table for the changed records (a
CASE over their keys when there are several), and the new fills, ledger and
audit rows in one multi-row INSERT per table. No ORM flush, identity map or read
after write: the values computed in Python are the values stored, and the ones
the caller answers with.

Pending writes live in ``session.info`` and are written by a ``before_commit``
hook, so every commit path (services.db.transaction or a plain commit) writes
them, and every rollback drops them.

Rows locked in a transaction stay locked until it ends, so nobody else can change
them: ``Pending.held`` keeps the values each one has in the database (as locked, then
as last written), and services.locks answers a second lock of the same rows in the
same transaction from it, without a query. A savepoint's end forgets them all (a
rollback to it may have undone a write).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import bindparam, case, event, insert, literal, update
from sqlalchemy.orm import Session

from models import AccountBalance, AuditLog, CashLedger, Order, Portfolio, Transaction
from models.types import ScaledDecimal
from services import direct
from utils.clock import utcnow

PENDING = "paperdesk_pending"
KEY, SET = "row_key", "set_"  # bind names of the prebuilt UPDATEs
INSERT_ORDER = (Transaction.__table__, CashLedger.__table__, AuditLog.__table__)


class Record:
    """One row: its columns as attributes, and the values it was loaded (or inserted) with."""

    table = None
    key = ""

    def __init__(self, values: dict, new: bool = False):
        self.__dict__.update(values)
        self._loaded = None if new else dict(values)

    @property
    def is_new(self) -> bool:
        return self._loaded is None

    def values(self) -> dict:
        """Every column's current value."""
        found = self.__dict__
        return {name: found.get(name) for name in _names(self.table)}

    def normalize(self) -> None:
        """Round decimals to their column's places, as the database stores them, so the
        record answers with exactly the stored values."""
        for name, places in _scales(self.table).items():
            value = self.__dict__.get(name)
            if isinstance(value, Decimal):
                self.__dict__[name] = value.quantize(places, ROUND_HALF_UP)
            elif isinstance(value, int) and not isinstance(value, bool):
                self.__dict__[name] = Decimal(value).quantize(places)

    def changes(self) -> dict:
        """The columns whose value differs from the stored one."""
        self.normalize()
        return {
            name: value
            for name, value in self.values().items()
            if name != self.key and self._loaded.get(name) != value
        }

    def stored(self) -> None:
        """Note that the current values are now the stored ones."""
        self._loaded = self.values()

    @classmethod
    def new(cls, **values) -> "Record":
        """A record not yet in the database: unset columns are None."""
        return cls({name: values.get(name) for name in _names(cls.table)}, new=True)


class AccountRecord(Record):
    table = AccountBalance.__table__
    key = "balance_id"


class PositionRecord(Record):
    table = Portfolio.__table__
    key = "id"


class OrderRecord(Record):
    table = Order.__table__
    key = "order_id"

    @property
    def remaining(self) -> int:
        return self.order_quantity - self.filled_quantity

    @property
    def is_open(self) -> bool:
        return self.order_status in ("pending", "partially_filled")


def pending(session) -> "Pending":
    """The session's pending writes (created on first use)."""
    found = session.info.get(PENDING)
    if found is None:
        found = session.info[PENDING] = Pending()
    return found


class Pending:
    """Records to write back and rows to insert when the transaction commits."""

    def __init__(self):
        self.records: dict[tuple, Record] = {}
        self.rows: dict = defaultdict(list)
        self.held: dict[tuple, dict | None] = {}  # held_key -> stored values (None: no row)

    def track(self, record: Record) -> Record:
        """Write ``record``'s changes at commit; the same row loaded twice is one record."""
        ident = (record.table.name, record.__dict__.get(record.key)) if not record.is_new else None
        if ident is None:
            ident = (record.table.name, "new", id(record))
        return self.records.setdefault(ident, record)

    def new_position(self, user_id: int, ticker: str):
        """The position this transaction created for (user_id, ticker), if any."""
        for record in self.records.values():
            if (
                isinstance(record, PositionRecord)
                and record.is_new
                and (record.user_id, record.ticker) == (user_id, ticker)
            ):
                return record
        return None

    def add_row(self, table, row: dict) -> None:
        """Insert ``row`` at commit; a Record among its values stands for its key."""
        self.rows[table].append(row)

    def flush(self, session, at_commit: bool = False) -> None:
        """Write everything pending, in an order the foreign keys accept; with
        ``at_commit`` (the transaction's own commit), what can go with the COMMIT does."""
        records = list(self.records.values())
        self.records.clear()
        new, by_table = defaultdict(list), defaultdict(list)
        for record in records:
            if record.is_new:
                new[record.table].append(record)
            elif changed := record.changes():
                by_table[record.table].append((record, changed))
        if not (new or by_table or any(self.rows.values())):
            return  # nothing to send: no transaction is begun for it
        batch = direct.Batch(session.connection())  # one round trip where it can be
        singles = [changed[0] for changed in by_table.values() if len(changed) == 1]
        one_user = len({r.__dict__.get("user_id") for r, _ in singles}) == 1
        joinable = len(singles) == len(by_table) > 1 and one_user
        if joinable and session.get_bind().dialect.name == "mysql":
            update_joined(batch, singles)
        else:  # the CASE updates of several rows go alone: first, then the batch
            for table, changed in sorted(by_table.items(), key=lambda t: len(t[1]) == 1):
                update_many(batch, table, changed)
        for table, fresh in new.items():  # keys not needed: nothing refers to these rows
            batch.add(inserting(table), [_without_key(r) for r in fresh])
        for table in INSERT_ORDER:
            rows = self.rows.pop(table, None)
            if rows:
                batch.add(inserting(table), [_resolved(r) for r in rows])
        batch.send(at_commit=at_commit)
        self._keep_stored(records)

    def _keep_stored(self, records: list[Record]) -> None:
        """Note the values just written of the locked rows among ``records``."""
        held = self.held
        for record in records:
            ident = held_key(record)
            if record.is_new:
                held.pop(ident, None)  # a row now exists where none was
            elif ident in held:
                held[ident] = record._loaded


def held_key(record: Record) -> tuple:
    """What services.locks looks a locked row up by: the user's account, the user's
    position in a ticker, an order by its key."""
    found = record.__dict__
    if isinstance(record, AccountRecord):
        return account_key(found["user_id"])
    if isinstance(record, PositionRecord):
        return position_key(found["user_id"], found["ticker"])
    return row_key(record.table, found.get(record.key))


def account_key(user_id: int) -> tuple:
    """The held key of a user's account row."""
    return ("account", user_id)


def position_key(user_id: int, ticker: str) -> tuple:
    """The held key of a user's position in a ticker (held as None while none exists)."""
    return ("position", user_id, ticker)


def row_key(table, key) -> tuple:
    """The held key of any other row: its table and primary key."""
    return (table.name, key)


@cache
def _names(table) -> tuple[str, ...]:
    """The table's column names, in order."""
    return tuple(c.name for c in table.columns)


@cache
def _scales(table) -> dict:
    """{column name: Decimal quantum} of the table's fixed-point columns."""
    return {
        c.name: Decimal(1).scaleb(-c.type.scale)
        for c in table.columns
        if isinstance(c.type, ScaledDecimal)
    }


def _without_key(record: Record) -> dict:
    """The values to INSERT: a column left None that has a default gets its default."""
    record.normalize()
    defaulted = _defaulted(record.table)
    return {
        k: v
        for k, v in record.values().items()
        if v is not None or (k != record.key and k not in defaulted)
    }


@cache
def _defaulted(table) -> frozenset:
    return frozenset(
        c.name for c in table.columns if c.default is not None or c.server_default is not None
    )


@cache
def inserting(table):
    """The table's INSERT, built once (SQLAlchemy compiles it once per set of columns)."""
    return insert(table)


def insert_now(session, record: Record) -> Record:
    """INSERT a new record at once (its key is set from the database) and track it."""
    result = direct.run(session.connection(), inserting(record.table), _without_key(record))
    if record.__dict__.get(record.key) is None:
        record.__dict__[record.key] = result.inserted_primary_key[0]
    record.stored()
    pending(session).track(record)
    return record


def update_many(batch: direct.Batch, table, changed: list[tuple[Record, dict]]) -> None:
    """One UPDATE for the changed records of ``table``: a CASE on the key for several."""
    key = table.c[changed[0][0].key]
    if len(changed) == 1:
        record, values = changed[0]
        params = {SET + name: value for name, value in values.items()}
        params[KEY] = record.__dict__[record.key]
        batch.add(updating(table, tuple(sorted(values))), params)
    else:
        columns = sorted({name for _, values in changed for name in values})
        sets = {}
        for name in columns:
            column = table.c[name]
            whens = {
                r.__dict__[r.key]: literal(v[name], column.type) for r, v in changed if name in v
            }
            sets[name] = case(whens, value=key, else_=column)
        ids = [r.__dict__[r.key] for r, _ in changed]
        batch.add(update(table).where(key.in_(ids)).values(sets), None, built_once=False)
    for record, _ in changed:
        record.stored()


@cache
def updating(table, columns: tuple[str, ...]):
    """UPDATE ``columns`` of the row whose key is the bind KEY (a value in SET + name),
    built once per set of columns."""
    key = table.c[_key_of(table)]
    values = {name: bindparam(SET + name, type_=table.c[name].type) for name in columns}
    return update(table).where(key == bindparam(KEY, type_=key.type)).values(values)


def update_joined(batch: direct.Batch, changed: list[tuple[Record, dict]]) -> None:
    """One multi-table UPDATE (MySQL/MariaDB) for single changed rows of several tables,
    all of one user (the tables are joined on user_id)."""
    now = utcnow()
    params = {}
    for record, columns in changed:
        name = record.table.name
        params[f"{name}__{KEY}"] = record.__dict__[record.key]
        params.update({f"{name}__{column}": value for column, value in columns.items()})
        stamps = (column for column in _stamped(record.table) if column not in columns)
        params.update({f"{name}__{column}": now for column in stamps})
    shape = tuple((record.table, tuple(sorted(columns))) for record, columns in changed)
    batch.add(updating_joined(shape), params)
    for record, _ in changed:
        record.stored()


@cache
def updating_joined(shape: tuple) -> object:
    """The multi-table UPDATE of update_joined for ``shape`` ((table, columns) per row),
    built once per shape; its binds are named table__column (and table__KEY)."""
    first = shape[0][0]
    values, where = {}, []
    for table, columns in shape:
        key = table.c[_key_of(table)]
        where.append(key == bindparam(f"{table.name}__{KEY}", type_=key.type))
        if table is not first:
            where.append(table.c.user_id == first.c.user_id)
        for name in (*columns, *(s for s in _stamped(table) if s not in columns)):
            column = table.c[name]
            values[column] = bindparam(f"{table.name}__{name}", type_=column.type)
    return update(first).values(values).where(*where)


@cache
def _key_of(table) -> str:
    return next(c.name for c in table.primary_key.columns)


@cache
def _stamped(table) -> tuple[str, ...]:
    """Columns set on every update (onupdate), which a multi-table UPDATE must set itself."""
    return tuple(c.name for c in table.columns if c.onupdate is not None)


def _resolved(row: dict) -> dict:
    return {k: (v.__dict__[v.key] if isinstance(v, Record) else v) for k, v in row.items()}


@event.listens_for(Session, "before_commit")
def _write_pending(session) -> None:
    found = session.info.get(PENDING)
    if found is not None and (found.records or found.rows):
        session.flush()  # ORM rows first: pending rows may refer to them
        found.flush(session, at_commit=not session.in_nested_transaction())
    if found is not None:
        found.records.clear()


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session, transaction) -> None:
    # Committed (written above), rolled back or closed: nothing carries over.
    if transaction.parent is None:
        session.info.pop(PENDING, None)
    elif transaction.nested and PENDING in session.info:
        session.info[PENDING].held.clear()  # a rollback to the savepoint undid its writes
