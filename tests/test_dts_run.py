"""``flask dts run``: the public workloads end to end, the log, parallel users, bad files."""

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
import xmlschema

from extensions import db
from services import verify
from services.dts.dumplog import safe_path
from services.errors import ServiceError
from tests.conftest import _empty_tables

FIXTURES = Path(__file__).parent / "fixtures" / "dts"
SCHEMA = FIXTURES / "logfile.xsd"


@pytest.fixture
def logs(app, tmp_path):
    app.config["DTS_LOG_DIR"] = str(tmp_path / "dts-logs")
    return Path(app.config["DTS_LOG_DIR"])


def run(runner, *args):
    result = runner.invoke(args=["dts", "run", *map(str, args)])
    return result


def last_line(result) -> dict:
    line = result.output.strip().splitlines()[-1]
    numbers = dict(re.findall(r"([a-z/]+): ([0-9.]+)", line))
    return numbers


def price_file(tmp_path, workload: Path) -> Path:
    """A fixed price for every symbol of the workload, from a hash of the symbol."""
    symbols = set()
    for line in workload.read_text().splitlines():
        parts = line.split("] ", 1)[-1].strip().split(",")
        if len(parts) > 2 and re.fullmatch(r"[A-Za-z]{1,3}", parts[2]):
            symbols.add(parts[2].upper())
    path = tmp_path / "prices.csv"
    rows = ["symbol,price"]
    for symbol in sorted(symbols):
        cents = int(hashlib.sha256(symbol.encode()).hexdigest(), 16) % 30000 + 500
        rows.append(f"{symbol},{cents / 100:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_one_user_workload_matches_the_balances_worked_out_by_hand(app, runner, logs, tmp_path):
    prices = tmp_path / "p.csv"
    prices.write_text("symbol,price\nS,100.00\n")
    out = tmp_path / "summary.json"
    result = run(
        runner,
        FIXTURES / "1userWorkLoad.txt",
        "--prices",
        prices,
        "--sim-clock",
        1,
        "--summary-json",
        out,
    )
    assert result.exit_code == 0, result.output
    assert last_line(result)["commands"] == "100"
    # Worked by hand, S at 100.00, one simulated second per line, holds of 60 s:
    # ADDs 63511.53 + 45016.23 + 71879.98 + 74315.15 + 52802.93 + 87863.73 = 395389.55.
    # Committed buys (line: BUY amount -> whole shares at 100):
    #   4: 276.83->2, 14: 303.83->3, 26: 156.07->1, 33: 575.27 (line 27)->5,
    #   41: 657.49->6, 44: 710.47->7, 46: 208.11->2, 52: 387.59->3,
    #   54: 264.17 (line 38, 16 s old; line 49 was cancelled at 53)->2, 64: 384.67->3,
    #   82: 333.91->3, 87: 730.08->7, 89: 427.36 (line 84)->4, 92: ? see below, 97: 749.86->7.
    #   92 commits line 77's 289.68 -> 2 (line 70 was cancelled at 71, 66 at 67).
    # Shares bought 2+3+1+5+6+7+2+3+2+3+3+7+4+2+7 = 57, cost 5700.00.
    # Committed sells: 74 commits line 61's SELL 429.74 -> 4 shares = 400.00 (the SELLs of
    # 83 and 90 were cancelled at 85 and 91; 99's SELL is never committed).
    # The SET_BUY_AMOUNT of 658.38 (line 30) is cancelled at 56; the SET_SELL_AMOUNT of
    # line 68 is cancelled at 69 before any trigger: nothing stays reserved.
    # Cash 395389.55 - 5700.00 + 400.00 = 390089.55; shares 57 - 4 = 53.
    document = json.loads(out.read_text())
    assert document["users"] == {
        "oY01WVirLr": {
            "cash": "390089.55",
            "reserved_cash": "0.00",
            "holdings": {"S": 53},
            "reserved_shares": {},
            "buy_triggers": {},
            "sell_triggers": {},
        }
    }
    assert document["commands"] == 100
    with app.app_context():
        assert verify.verify() == []
    assert (logs / "testLOG").is_file()  # DUMPLOG,./testLOG: a base name in the log folder


def test_ten_user_workload_balances_and_its_log_validates(app, runner, logs):
    result = run(runner, FIXTURES / "10userWorkLoad.txt", "--sim-clock", 1)
    assert result.exit_code == 0, result.output
    numbers = last_line(result)
    assert numbers["commands"] == "10000" and 0 < int(numbers["errors"]) < 10000
    with app.app_context():
        assert verify.verify() == []
    schema = xmlschema.XMLSchema(str(SCHEMA))
    dumped = logs / "testLOG"
    schema.validate(str(dumped))
    text = dumped.read_text()
    assert text.count("<userCommand>") > 4000
    assert "<errorMessage>" in text and "<quoteServer>" in text
    # the negative ADD of line 9962 is an error that changed nothing
    assert "<transactionNum>9962</transactionNum><command>ADD</command>" in text


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="parallel connections need MariaDB"
)
def test_parallel_users_end_exactly_as_serially(app, runner, logs, tmp_path):
    workload = FIXTURES / "10userWorkLoad.txt"
    prices = price_file(tmp_path, workload)
    serial, parallel = tmp_path / "serial.json", tmp_path / "parallel.json"
    common = ("--prices", prices, "--sim-clock", 1)
    result = run(runner, workload, *common, "--summary-json", serial)
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        _empty_tables()
    result = run(runner, workload, *common, "--users-parallel", 4, "--summary-json", parallel)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert verify.verify() == []
    one, four = json.loads(serial.read_text()), json.loads(parallel.read_text())
    assert len(one["users"]) == 10
    assert any(u["holdings"] for u in one["users"].values())
    assert one == four


def test_the_summary_leaves_out_user_ids_that_name_no_dts_user(
    app, runner, logs, tmp_path, make_user
):
    make_user("bob")  # a platform user: the DTS refuses the name
    workload, out = tmp_path / "names.txt", tmp_path / "summary.json"
    workload.write_text("[1] ADD,alice,10.00\n[2] ADD,Alice,5.00\n[3] ADD,bob,1.00\n")
    result = run(runner, workload, "--sim-clock", 1, "--summary-json", out)
    assert result.exit_code == 0, result.output
    assert last_line(result)["errors"] == "2"
    users = json.loads(out.read_text())["users"]
    assert list(users) == ["alice"] and users["alice"]["cash"] == "10.00"


def test_missing_file_is_exit_2(runner, tmp_path, logs):
    result = run(runner, tmp_path / "nothing.txt")
    assert result.exit_code == 2 and "no such file" in result.output
    assert not logs.exists()


def test_directory_is_exit_2(runner, tmp_path, logs):
    result = run(runner, tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.output


@pytest.mark.parametrize("content", [b"hello\nworld\n", b"\x00\xff\xfe\x00", b""])
def test_not_a_workload_is_exit_2(app, runner, tmp_path, logs, content):
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    result = run(runner, path)
    assert result.exit_code == 2 and "not a workload" in result.output
    with app.app_context():
        from sqlalchemy import func, select

        from models import DtsEvent, User

        assert db.session.scalar(select(func.count()).select_from(DtsEvent)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_bad_price_file_is_exit_2(runner, tmp_path, logs):
    prices = tmp_path / "p.csv"
    prices.write_text("S,abc\n")
    result = run(runner, FIXTURES / "1userWorkLoad.txt", "--prices", prices)
    assert result.exit_code == 2 and "not a price" in result.output


@pytest.mark.parametrize(
    "name, expected",
    [
        ("./testLOG", "testLOG"),
        ("../../etc/passwd", "passwd"),
        ("/tmp/absolute.xml", "absolute.xml"),
        ("..\\..\\windows.xml", "windows.xml"),
        ("a/b/../c.xml", "c.xml"),
        ("..hidden", "hidden"),
        ("we ird;$(rm).xml", "we_ird___rm_.xml"),
    ],
)
def test_dumplog_names_stay_inside_the_log_folder(tmp_path, name, expected):
    folder = tmp_path / "logs"
    path = safe_path(folder, name)
    assert path.parent == folder.resolve() and path.name == expected


@pytest.mark.parametrize("name", ["..", "/", "", "../", "..."])
def test_dumplog_names_that_leave_nothing_are_refused(tmp_path, name):
    with pytest.raises(ServiceError):
        safe_path(tmp_path, name)


def test_dumplog_does_not_follow_a_link_out_of_the_folder(app, tmp_path, logs):
    logs.mkdir(parents=True)
    outside = tmp_path / "outside.xml"
    (logs / "link.xml").symlink_to(outside)
    with pytest.raises(ServiceError):
        safe_path(logs, "link.xml")
    from tests.dts_helpers import Desk

    with app.app_context():
        desk = Desk({"ABC": "1.00"})
        desk.ok("ADD,u1,5.00")
        assert "may not write" in desk.error("DUMPLOG,../link.xml")
    assert not outside.exists()
