"""The DTS log's gaps closed: worker fills logged with their fill, a log written today
valid against the shipped schema, a large DUMPLOG streamed, and transaction numbers
that concurrent requests never share."""

import threading
import tracemalloc
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import xmlschema
from sqlalchemy import func, insert, select

from extensions import db
from models import Admin, DtsEvent, DtsSequence, Order, Transaction
from services import tokens, verify
from services.dts import dumplog, events, numbers
from services.dts import triggers as dts_triggers
from tests.dts_helpers import Desk

PUBLISHED = "tests/fixtures/dts/logfile.xsd"


@pytest.fixture
def desk(app, tmp_path):
    app.config["DTS_LOG_DIR"] = str(tmp_path / "dts-logs")
    with app.app_context():
        yield Desk({"ABC": "1000.00"})
        assert verify.verify() == []


def logged(kind=None, number=None):
    stmt = select(DtsEvent).order_by(DtsEvent.event_id)
    if kind:
        stmt = stmt.where(DtsEvent.kind == kind)
    if number is not None:
        stmt = stmt.where(DtsEvent.transaction_num == number)
    return db.session.scalars(stmt).all()


def arm_buy(desk):
    """u1 with a buy trigger at 99999.00 on ABC: the desk's price (100000.00) does not meet
    it, the seeded walk the worker prices with does (it starts at $5-$500 and moves 1 % a
    minute: it may pass $999 on some days, never $99,999)."""
    desk.price("ABC", "100000.00")
    desk.ok("ADD,u1,100000.00")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,100000.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,99999.00")
    db.session.commit()
    last = db.session.scalar(select(func.max(DtsEvent.transaction_num)))
    numbers.advance_past(last)  # as `flask dts run` does for a workload's own numbers
    return last


def test_a_worker_fill_of_a_buy_trigger_is_logged_like_a_run(app, desk):
    from tasks.tick import TickState, run_tick

    last = arm_buy(desk)
    assert run_tick(TickState())["fills"] == 1
    fill = db.session.scalar(select(Transaction))
    (system,) = logged("systemEvent")
    number = system.transaction_num
    assert number > last  # a number of its own, after the commands'
    events_ = logged(number=number)
    assert [e.kind for e in events_] == [
        "quoteServer",
        "systemEvent",
        "accountTransaction",
        "accountTransaction",
    ]
    quote, _, removed, released = events_
    value = (fill.transaction_price * fill.transaction_quantity).quantize(Decimal("0.01"))
    assert (quote.username, quote.stock_symbol, quote.price) == (
        "u1",
        "ABC",
        fill.transaction_price,
    )
    assert quote.cryptokey and quote.quote_server_time
    assert (system.command, system.username, system.stock_symbol) == (
        "SET_BUY_TRIGGER",
        "u1",
        "ABC",
    )
    assert system.funds == value and f"{fill.transaction_quantity} shares" in system.message
    assert (removed.action, removed.username, removed.funds) == ("remove", "u1", value)
    assert (released.action, released.funds) == ("release", Decimal("100000.00") - value)


def test_a_worker_fill_of_a_sell_trigger_logs_the_cash_added(app, desk):
    desk.price("ABC", "0.50")  # below the walk's floor of 1.00: the worker's price is higher
    desk.ok("ADD,u1,100.00")
    desk.ok("BUY,u1,ABC,10.00")
    desk.ok("COMMIT_BUY,u1")  # 20 shares
    desk.ok("SET_SELL_AMOUNT,u1,ABC,10.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,1.00")  # reserves 10 shares
    db.session.commit()
    numbers.advance_past(desk.number)
    assert dts_triggers.on_tick() == 1
    sold = db.session.scalar(select(Transaction).where(Transaction.transaction_type == "sell"))
    assert sold.transaction_quantity == 10
    (system,) = logged("systemEvent")
    assert system.command == "SET_SELL_TRIGGER"
    kinds = [(e.kind, e.action) for e in logged(number=system.transaction_num)]
    assert kinds == [("quoteServer", None), ("systemEvent", None), ("accountTransaction", "add")]
    added = logged("accountTransaction", system.transaction_num)[0]
    assert added.funds == (sold.transaction_price * 10).quantize(Decimal("0.01"))


def test_a_worker_fill_and_its_events_are_one_transaction(app, desk, monkeypatch):
    arm_buy(desk)
    before = len(logged())

    def broken(self, session):
        raise RuntimeError("the log cannot be written")

    monkeypatch.setattr(events.EventLog, "write", broken)
    assert dts_triggers.on_tick() == 0  # the failure is contained, and undoes the fill
    assert db.session.scalar(select(func.count()).select_from(Transaction)) == 0
    order = db.session.scalar(select(Order).where(Order.source == "dts"))
    assert order.order_status == "pending" and order.trigger_price == 99999
    assert len(logged()) == before
    monkeypatch.undo()
    assert dts_triggers.on_tick() == 1  # tried again on the next tick
    assert len(logged("systemEvent")) == 1


def test_a_log_written_now_validates_against_the_shipped_schema(app, desk):
    from tasks.tick import TickState, run_tick

    arm_buy(desk)
    desk.now = None  # the real clock from here (not the desk's 2022 one)
    desk.ok("QUOTE,u1,ABC")
    run_tick(TickState())
    desk.ok("DUMPLOG,now.xml")
    path = app.config["DTS_LOG_DIR"] + "/now.xml"
    xmlschema.XMLSchema(str(dumplog.SCHEMA)).validate(path)
    # the published schema refuses exactly today's timestamps, and nothing else
    errors = list(xmlschema.XMLSchema(PUBLISHED).iter_errors(path))
    assert errors and all(e.path.endswith("/timestamp") for e in errors)
    tree = ET.parse(path).getroot()
    assert len(tree.findall("systemEvent")) == 1


@pytest.mark.slow  # tracing every allocation of 200,000 events takes its time
def test_a_large_dumplog_streams_in_bounded_memory(app, tmp_path):
    count, chunk = 200_000, 10_000
    base = {
        "kind": "userCommand",
        "server": "paperdesk",
        "command": "BUY",
        "stock_symbol": "ABC",
        "funds": Decimal("12.34"),
        "timestamp_ms": 1_700_000_000_000,
    }
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the bulk log is built on SQLite (MariaDB streams by a server cursor)")
        for start in range(0, count, chunk):
            rows = [
                dict(base, transaction_num=n + 1, username=f"u{n % 97}")
                for n in range(start, start + chunk)
            ]
            db.session.execute(insert(DtsEvent.__table__), rows)
        db.session.commit()
        tracemalloc.start()
        try:
            path = dumplog.write_file(tmp_path, "big.xml")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        db.session.remove()
    size = path.stat().st_size
    assert size > 30_000_000 and peak < size / 20  # a few MB for a file of tens of MB
    seen, numbers_ = 0, set()
    for _, element in ET.iterparse(path):
        if element.tag == "userCommand":
            seen += 1
            numbers_.add(element.findtext("transactionNum"))
            element.clear()
    assert seen == count and len(numbers_) == count


@pytest.fixture
def admin_token(app, admin):
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(Admin, admin), "dts")
    return {"Authorization": f"Bearer {plaintext}"}


def test_concurrent_requests_never_share_a_transaction_number(app, admin_token):
    threads, per_thread = 6, 5
    barrier = threading.Barrier(threads)
    failures = []

    def client_thread(index):
        client = app.test_client()
        barrier.wait()
        for n in range(per_thread):
            answer = client.post(
                "/api/dts", json={"line": f"ADD,user{index},{n + 1}.00"}, headers=admin_token
            )
            if answer.status_code != 200:
                failures.append(answer.json)
        answer = client.post(
            "/api/dts/batch",
            json={"lines": [f"QUOTE,user{index},ABC", f"DISPLAY_SUMMARY,user{index}"]},
            headers=admin_token,
        )
        if answer.json.get("errors") != 0:
            failures.append(answer.json)

    workers = [threading.Thread(target=client_thread, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures == []
    with app.app_context():
        commands = logged("userCommand")
        assert len(commands) == threads * (per_thread + 2)
        assert len({c.transaction_num for c in commands}) == len(commands)
        for index in range(threads):
            mine = [c.transaction_num for c in commands if c.username == f"user{index}"]
            assert mine == sorted(mine)  # increasing along each client's commands
            quote, display = mine[-2:]
            assert display == quote + 1  # a batch's lines are numbered in a row
        db.session.remove()


def test_unnumbered_lines_follow_numbered_ones(app, client, admin_token):
    client.post("/api/dts", json={"line": "[500] ADD,vic,5.00"}, headers=admin_token)
    client.post("/api/dts", json={"line": "ADD,vic,5.00"}, headers=admin_token)
    with app.app_context():
        assert [c.transaction_num for c in logged("userCommand")] == [500, 501]
        assert numbers.reserve(3) == 502 and numbers.reserve(1) == 505
        db.session.remove()


def test_unnumbered_lines_follow_the_largest_number_a_line_may_carry(app, client, admin_token):
    client.post("/api/dts", json={"line": "[2147483647] ADD,vic,5.00"}, headers=admin_token)
    answer = client.post("/api/dts", json={"line": "ADD,vic,5.00"}, headers=admin_token)
    assert answer.status_code == 200 and answer.json["result"]["cash"] == "10.00"
    with app.app_context():
        numbers_ = [c.transaction_num for c in logged("userCommand")]
        assert numbers_ == [2147483647, 2147483648]
        db.session.remove()


def test_numbering_follows_the_log_when_the_sequence_row_is_missing(app):
    with app.app_context():
        db.session.execute(DtsSequence.__table__.delete())
        db.session.execute(
            insert(DtsEvent.__table__),
            [{"kind": "userCommand", "server": "s", "timestamp_ms": 1, "transaction_num": 41}],
        )
        db.session.commit()
        assert numbers.reserve(2) == 42 and numbers.reserve(1) == 44
        db.session.remove()


def test_workload_runs_number_unnumbered_lines_apart_and_numbered_ones_first(
    app, runner, client, admin_token, tmp_path
):
    app.config["DTS_LOG_DIR"] = str(tmp_path / "dts-logs")
    plain = tmp_path / "plain.txt"
    plain.write_text("$ ADD,w1,5.00\n$ QUOTE,w1,ABC\n")
    for _ in range(2):  # the 2019 file's form: no numbers of its own
        assert runner.invoke(args=["dts", "run", str(plain)]).exit_code == 0
    numbered = tmp_path / "numbered.txt"
    numbered.write_text("[300] ADD,w2,1.00\n[301] QUOTE,w2,ABC\n")
    assert runner.invoke(args=["dts", "run", str(numbered)]).exit_code == 0
    client.post("/api/dts", json={"line": "QUOTE,w2,ABC"}, headers=admin_token)
    with app.app_context():
        found = [c.transaction_num for c in logged("userCommand")]
        db.session.remove()
    first, second = found[0:2], found[2:4]
    assert second[0] == first[1] + 1 and first[1] == first[0] + 1  # two runs, apart, in a row
    assert found[4:] == [300, 301, 302]


# --- what no input may do to the log -------------------------------------------------


def _log_is_valid(app, desk) -> None:
    desk.ok("DUMPLOG,all.xml")
    xmlschema.XMLSchema(str(dumplog.SCHEMA)).validate(app.config["DTS_LOG_DIR"] + "/all.xml")


def test_an_unknown_command_of_dashes_keeps_the_log_well_formed(app, desk):
    desk.ok("ADD,u1,10.00")
    assert "Unknown command" in desk.error("---,u1")  # logged in a comment: no "--" in it
    _log_is_valid(app, desk)


@pytest.mark.parametrize("line", ["DUMPLOG,u1,a\x01b.xml", "ADD,u1\n,5.00", "ADD,u\x0b1,5.00"])
def test_a_line_with_control_characters_is_an_error_and_the_log_stays_valid(app, desk, line):
    desk.ok("ADD,u1,10.00")
    assert "one line of printable characters" in desk.error(line)
    _log_is_valid(app, desk)


def test_a_transaction_number_too_large_to_store_is_an_error(app, desk):
    from services.dts import api
    from services.dts.quotes import QuoteSource

    (answer,) = api.execute(["[99999999999999999999] ADD,u1,5.00"], admin=True,
                            quotes=QuoteSource(1, {}))  # fmt: skip
    assert answer["success"] is False and "at most 2147483647" in answer["error"]
    desk.ok("ADD,u1,10.00")  # the numbers handed out later still fit
    assert max(e.transaction_num for e in logged()) <= 2**31 - 1


def test_a_dumplog_that_cannot_be_written_is_an_error_event(app, desk, tmp_path):
    desk.ok("ADD,u1,10.00")
    (tmp_path / "a-file").write_text("x")
    desk.ctx.log_dir = str(tmp_path / "a-file")  # not a folder
    assert "DUMPLOG could not write the file" in desk.error("DUMPLOG,u1,x.xml")
    assert logged("errorEvent")[-1].command == "DUMPLOG"


def test_dumplog_follows_no_link_left_where_it_writes(app, desk, tmp_path):
    import os

    folder = tmp_path / "dts-logs"
    folder.mkdir(exist_ok=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    os.symlink(outside, folder / "log.xml.partial")
    desk.ok("ADD,u1,10.00")
    desk.ok("DUMPLOG,log.xml")
    assert outside.read_text() == "precious"
    assert ET.parse(folder / "log.xml").getroot().tag == "log"
    assert sorted(p.name for p in folder.iterdir()) == ["log.xml", "log.xml.partial"]
