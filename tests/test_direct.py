"""services.direct: hot-path statements straight through the MySQL driver's cursor give
what SQLAlchemy's own execution gives (rows, types, defaults, errors, listeners), and
on SQLite (or for a statement it cannot send) they are SQLAlchemy's execution."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound

from app import create_app
from config import TestConfig
from extensions import db
from models import AccountBalance, AuditLog, CashLedger, Order, User
from services import direct, locks
from utils import dbcount
from utils.dbcount import DriverCounter, RoundTrips

A, AUDIT, LEDGER, ORD, USERS = (
    AccountBalance.__table__,
    AuditLog.__table__,
    CashLedger.__table__,
    Order.__table__,
    User.__table__,
)
ACCOUNT = select(A.c.user_id, A.c.available_balance, A.c.updated_at).where(
    A.c.user_id == bindparam("user_id")
)
ENTRIES = (
    select(LEDGER.c.amount, LEDGER.c.kind, LEDGER.c.created_at)
    .where(LEDGER.c.user_id == bindparam("user_id"))
    .order_by(LEDGER.c.entry_id)
)
ADD_ENTRY = insert(LEDGER)
ADD_AUDIT = insert(AUDIT)
ADD_USER = insert(USERS)
SET_AVAILABLE = (
    update(A)
    .where(A.c.user_id == bindparam("key"))
    .values(
        available_balance=bindparam("cash", type_=A.c.available_balance.type),
        total_balance=bindparam("cash", type_=A.c.total_balance.type),
    )
)
TAKEN = {  # the name of the fixture's user: refused as a duplicate
    "user_name": "directuser",
    "user_email": "directuser@example.com",
    "user_password": "x",
    "is_enabled": True,
}
SOME_USERS = select(USERS.c.user_name).where(USERS.c.user_id.in_(bindparam("ids", expanding=True)))


def _mysql() -> bool:
    return db.engine.dialect.name == "mysql"


def _direct() -> bool:
    return db.engine.dialect.driver in direct.DIRECT_DRIVERS


def _entry(user_id: int, amount: str, kind: str = "deposit") -> dict:
    return {
        "user_id": user_id,
        "amount": Decimal(amount),
        "kind": kind,
        "reference_type": "test",
        "reference_id": 1,
        "balance_after": Decimal(amount),
    }


@pytest.fixture
def user_id(app, make_user):
    found = make_user("directuser")
    with app.app_context():
        yield found
        db.session.rollback()


def test_reads_give_the_rows_and_types_sqlalchemy_gives(app, user_id):
    conn = db.session.connection()
    ours = direct.run(conn, ACCOUNT, {"user_id": user_id}).one()
    theirs = conn.execute(ACCOUNT, {"user_id": user_id}).one()
    assert tuple(ours) == tuple(theirs)
    assert ours.user_id == user_id and isinstance(ours.available_balance, Decimal)
    assert type(ours.updated_at) is type(theirs.updated_at)
    if _direct():
        assert direct._plan_for(conn, ACCOUNT, {"user_id": user_id}) is not None
    assert direct.run(conn, ACCOUNT, {"user_id": -1}).one_or_none() is None


def test_many_rows_are_inserted_with_python_defaults_filled_in(app, user_id):
    conn = db.session.connection()
    result = direct.run(conn, ADD_ENTRY, [_entry(user_id, "10.50"), _entry(user_id, "2.25")])
    assert result.rowcount == 2
    rows = direct.run(conn, ENTRIES, {"user_id": user_id}).all()
    assert [r.amount for r in rows] == [Decimal("10.50"), Decimal("2.25")]
    assert all(r.created_at is not None for r in rows)  # the column's default=utcnow
    db.session.commit()
    assert db.session.scalar(select(LEDGER.c.amount).where(LEDGER.c.kind == "deposit")) == (
        Decimal("10.50")
    )


def test_an_insert_gives_its_key_and_an_update_its_matched_rows(app, user_id):
    conn = db.session.connection()
    row = _entry(user_id, "1.00")
    key = direct.run(conn, ADD_ENTRY, row).inserted_primary_key[0]
    assert conn.execute(select(LEDGER.c.user_id).where(LEDGER.c.entry_id == key)).scalar() == (
        user_id
    )
    changed = direct.run(conn, SET_AVAILABLE, {"key": user_id, "cash": Decimal("7.00")})
    assert changed.rowcount == 1
    assert direct.run(conn, ACCOUNT, {"user_id": user_id}).one().available_balance == Decimal(
        "7.00"
    )
    assert direct.run(conn, SET_AVAILABLE, {"key": -1, "cash": Decimal("1")}).rowcount == 0


def test_a_driver_error_arrives_as_sqlalchemys_and_the_transaction_can_roll_back(app, user_id):
    conn = db.session.connection()
    with pytest.raises(IntegrityError):
        direct.run(conn, ADD_USER, TAKEN)
    db.session.rollback()
    assert db.session.scalar(select(USERS.c.user_id).where(USERS.c.user_id == user_id))


def test_listeners_see_each_statement(app, user_id):
    with RoundTrips(db.engine) as trips:
        conn = db.session.connection()
        direct.run(conn, ACCOUNT, {"user_id": user_id}).one()
        direct.run(conn, locks.HOLDING, {"user_id": user_id, "ticker": "AAPL"}).first()
        direct.run(conn, SET_AVAILABLE, {"key": user_id, "cash": Decimal("3.00")})
    locked = {"SELECT": 1, "SELECT FOR UPDATE": 1} if _mysql() else {"SELECT": 2}
    assert {kind: trips.counts[kind] for kind in locked} == locked
    assert trips.counts["UPDATE"] == 1


def test_an_expanding_in_list_falls_back_to_sqlalchemy(app, user_id, make_user):
    other = make_user("directother")
    conn = db.session.connection()
    assert direct._plan_for(conn, SOME_USERS, {"ids": [user_id]}) is None
    names = direct.run(conn, SOME_USERS, {"ids": [user_id, other]}).all()
    assert sorted(n.user_name for n in names) == ["directother", "directuser"]


NAMED_USERS = (
    select(USERS.c.user_name)
    .where(USERS.c.user_name.in_(["directother", "directuser"]))
    .order_by(USERS.c.user_name)
)


def test_an_in_list_of_constants_is_sent_directly(app, user_id, make_user):
    make_user("directother")
    conn = db.session.connection()
    if _direct():
        assert direct._plan_for(conn, NAMED_USERS, {}) is not None
    ours = [r.user_name for r in direct.run(conn, NAMED_USERS, {})]
    assert (
        ours
        == [r.user_name for r in conn.execute(NAMED_USERS)]
        == [
            "directother",
            "directuser",
        ]
    )


def test_one_raises_what_sqlalchemy_raises(app, user_id, make_user):
    make_user("directother")
    conn = db.session.connection()
    if _direct():
        assert direct._plan_for(conn, NAMED_USERS, {}) is not None
    with pytest.raises(MultipleResultsFound):
        direct.run(conn, NAMED_USERS, {}).one()
    with pytest.raises(MultipleResultsFound):
        direct.run(conn, NAMED_USERS, {}).one_or_none()
    with pytest.raises(NoResultFound):
        direct.run(conn, ACCOUNT, {"user_id": -1}).one()


# --- batches: several writes in one round trip ---------------------------------------------

TRICKY = "a 'quote', a \"double\", a back\\slash,\na newline;\nand a ; semicolon %s %(x)s"


def _batched() -> bool:
    return _direct() and direct.accepts_batches(db.session.connection())


def test_a_batch_writes_every_statement_in_one_round_trip(app, user_id):
    conn = db.session.connection()
    batch = direct.Batch(conn)
    batch.add(SET_AVAILABLE, {"key": user_id, "cash": Decimal("4.25")})
    batch.add(ADD_ENTRY, [_entry(user_id, "1.10", "a"), _entry(user_id, "2.20", "b")])
    batch.add(ADD_AUDIT, {"actor_type": "system", "action": "test.tricky", "detail": TRICKY})
    with RoundTrips(db.engine) as trips:
        batch.send()
    sent = {kind: n for kind, n in trips.counts.items() if kind != "checkout"}
    assert sent == ({"BATCH": 1} if _batched() else {"UPDATE": 1, "INSERT": 2})
    rows = direct.run(conn, ENTRIES, {"user_id": user_id}).all()
    assert [(r.amount, r.kind) for r in rows] == [(Decimal("1.10"), "a"), (Decimal("2.20"), "b")]
    assert all(r.created_at is not None for r in rows)  # Python defaults filled in
    stored = conn.execute(select(AUDIT.c.detail).where(AUDIT.c.action == "test.tricky"))
    assert stored.scalar() == TRICKY  # escaped by the driver, and stored exactly
    assert direct.run(conn, ACCOUNT, {"user_id": user_id}).one().available_balance == Decimal(
        "4.25"
    )


def test_a_failing_statement_stops_the_batch_and_raises(app, user_id):
    conn = db.session.connection()
    batch = direct.Batch(conn)
    batch.add(ADD_ENTRY, _entry(user_id, "1.00", "before"))
    batch.add(ADD_USER, TAKEN)  # a duplicate name: refused
    batch.add(ADD_ENTRY, _entry(user_id, "2.00", "after"))
    with pytest.raises(IntegrityError):
        batch.send()
    kinds = select(LEDGER.c.kind).where(LEDGER.c.user_id == user_id)
    assert conn.execute(kinds).scalars().all() == ["before"]  # the rest was not run
    db.session.rollback()
    assert db.session.scalars(kinds).all() == []
    conn = db.session.connection()  # the connection is usable again
    assert direct.run(conn, ACCOUNT, {"user_id": user_id}).one().user_id == user_id


def test_a_statement_built_for_one_call_goes_alone_between_batches(app, user_id):
    conn = db.session.connection()
    batch = direct.Batch(conn)
    batch.add(ADD_ENTRY, _entry(user_id, "1.00", "first"))
    batch.add(ADD_ENTRY, _entry(user_id, "2.00", "second"))
    once = update(A).where(A.c.user_id == user_id).values(updated_at=datetime(2020, 1, 2, 3, 4))
    batch.add(once, None, built_once=False)
    batch.add(ADD_ENTRY, _entry(user_id, "3.00", "third"))
    with RoundTrips(db.engine) as trips:
        batch.send()
    sent = {kind: n for kind, n in trips.counts.items() if kind != "checkout"}
    # the third entry is alone after the update, so it is sent as an INSERT of its own
    assert sent == (
        {"BATCH": 1, "UPDATE": 1, "INSERT": 1}
        if _batched()
        else {
            "INSERT": 3,
            "UPDATE": 1,
        }
    )
    rows = direct.run(conn, ENTRIES, {"user_id": user_id}).all()
    assert [r.kind for r in rows] == ["first", "second", "third"]
    stamped = direct.run(conn, ACCOUNT, {"user_id": user_id}).one().updated_at
    assert stamped == datetime(2020, 1, 2, 3, 4)


def test_batches_can_be_switched_off(app_settings):
    app = create_app(TestConfig, {**app_settings, "DB_BATCH_WRITES": False})
    with app.app_context():
        conn = db.session.connection()
        assert not direct.accepts_batches(conn)
        batch = direct.Batch(conn)
        batch.add(SET_AVAILABLE, {"key": -1, "cash": Decimal("1")})
        batch.add(SET_AVAILABLE, {"key": -2, "cash": Decimal("1")})
        with RoundTrips(db.engine) as trips:
            batch.send()
        assert trips.counts["UPDATE"] == 2 and "BATCH" not in trips.counts
        db.session.rollback()
        db.engine.dispose()


# --- writes held for the commit: they and the COMMIT in one round trip --------------------


def _stored_kinds(user_id: int) -> list[str]:
    """The ledger kinds of the user as another connection sees them (committed only)."""
    with db.engine.connect() as other:
        found = other.execute(select(LEDGER.c.kind).where(LEDGER.c.user_id == user_id))
        return sorted(found.scalars())


def _hold_two(user_id: int, *, second=None) -> None:
    batch = direct.Batch(db.session.connection())
    batch.add(ADD_ENTRY, _entry(user_id, "1.00", "first"))
    batch.add(*(second or (ADD_ENTRY, _entry(user_id, "2.00", "second"))))
    batch.send(at_commit=True)


def test_writes_held_for_the_commit_go_with_it(app, user_id):
    assert dbcount.HELD_FOR_COMMIT == direct.AT_COMMIT  # the counters know them
    with RoundTrips(db.engine) as trips, DriverCounter() as driver:
        _hold_two(user_id)
        db.session.commit()
    sent = {kind: n for kind, n in trips.counts.items() if kind not in ("checkout", "BEGIN")}
    if _batched():
        assert sent == {"BATCH": 1}
        assert dict(driver.counts) == {"query": 1}  # the writes and the COMMIT together
    else:
        assert sent == {"INSERT": 2, "COMMIT": 1}
    assert _stored_kinds(user_id) == ["first", "second"]
    assert not direct.holds_writes(db.session.connection().connection)


def test_a_statement_after_held_writes_sends_them_first(app, user_id):
    _hold_two(user_id)
    conn = db.session.connection()
    rows = direct.run(conn, ENTRIES, {"user_id": user_id}).all()
    assert [r.kind for r in rows] == ["first", "second"]  # the read saw the writes
    assert not direct.holds_writes(conn.connection)
    if _mysql():  # (SQLite: another connection would wait for this one's write lock)
        assert _stored_kinds(user_id) == []  # not committed yet
    with RoundTrips(db.engine) as trips:
        db.session.commit()
    assert trips.counts["COMMIT"] == 1  # nothing left to carry: a COMMIT of its own
    assert _stored_kinds(user_id) == ["first", "second"]


def test_a_failing_held_write_fails_the_commit_and_keeps_nothing(app, user_id):
    with pytest.raises(IntegrityError):  # at the commit (SQLite: when sent, at once)
        _hold_two(user_id, second=(ADD_USER, TAKEN))  # a duplicate name: refused
        db.session.commit()
    db.session.rollback()
    assert _stored_kinds(user_id) == []  # the first write was not committed either
    conn = db.session.connection()
    assert not direct.holds_writes(conn.connection)
    direct.run(conn, ADD_ENTRY, _entry(user_id, "3.00", "later"))
    db.session.commit()
    assert _stored_kinds(user_id) == ["later"]


def test_held_writes_rolled_back_are_forgotten(app, user_id):
    _hold_two(user_id)
    db.session.rollback()
    conn = db.session.connection()
    assert not direct.holds_writes(conn.connection)
    direct.run(conn, ADD_ENTRY, _entry(user_id, "3.00", "later"))
    db.session.commit()
    assert _stored_kinds(user_id) == ["later"]  # the rolled-back writes never went
