"""The traffic generator: every order it sends is within the account's means, and the
books balance after a run, in-process and over HTTP with API tokens."""

import threading

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from extensions import db
from models import Order, User
from services.verify import verify

ORDER_KINDS = ("market", "limit", "stop", "trailing_stop", "quote_commit")


def _table(output: str) -> dict[str, tuple[int, int]]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 3 and cells[1].isdigit():
            rows[cells[0]] = (int(cells[1]), int(cells[2]))
    return rows


def _check_books(app):
    with app.app_context():
        assert verify() == []
        placed = db.session.scalar(select(func.count()).select_from(Order))
        rejected = db.session.scalar(select(func.count()).where(Order.order_status == "rejected"))
        traders = db.session.scalar(select(func.count()).select_from(User))
        db.session.remove()
    return placed, rejected, traders


def test_generator_orders_obey_the_account_rules_and_the_books_balance(app, runner):
    args = ["simulate", "traders", "--users", "3", "--rate", "25", "--seconds", "5"]
    result = runner.invoke(args=[*args, "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "audit verify: OK" in result.output
    table = _table(result.output)
    assert table["total"][0] >= 5  # paced at 25/s; a slow database sends fewer
    for kind in ORDER_KINDS:
        assert table.get(kind, (0, 0))[1] == 0, f"{kind} orders were refused"
    placed, rejected, traders = _check_books(app)
    assert traders == 3 and placed >= sum(table.get(k, (0, 0))[0] for k in ORDER_KINDS)
    assert rejected == 0


def test_generator_over_http_with_api_tokens(app, runner):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        args = ["simulate", "traders", "--users", "2", "--rate", "15", "--seconds", "3"]
        result = runner.invoke(args=[*args, "--seed", "9", "--http", url])
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert result.exit_code == 0, result.output
    table = _table(result.output)
    assert table["total"][0] >= 5
    assert all(table.get(kind, (0, 0))[1] == 0 for kind in ORDER_KINDS)
    placed, rejected, _ = _check_books(app)
    assert placed > 0 and rejected == 0


@pytest.mark.parametrize(
    "bad", [["--users", "0"], ["--rate", "5000"], ["--seconds", "0"], ["--http", "ftp://x"]]
)
def test_generator_is_bounded(runner, bad):
    result = runner.invoke(args=["simulate", "traders", *bad])
    assert result.exit_code != 0 and "Invalid value" in result.output
