"""A process killed inside a quote commit strands nothing: the hold stays usable."""

import signal
import subprocess
import sys
from pathlib import Path

from extensions import db
from models import Order, QuoteHold, User
from services import holds
from tests.helpers import balances, count

ROOT = Path(__file__).resolve().parent.parent


def test_a_commit_killed_midway_leaves_the_hold_usable(
    app, app_settings, market, trader, books_balance
):
    market.set("AAPL", "150.00")
    with app.app_context():
        user = db.session.get(User, trader)
        hold_id = holds.hold(user, "AAPL", "buy", 3, None).hold_id
        db.session.remove()
    before = balances(app, trader)

    url, log_dir = app_settings["SQLALCHEMY_DATABASE_URI"], app_settings["LOG_DIR"]
    child = subprocess.run(
        [sys.executable, "-m", "tests.crash.commit_child", url, log_dir, str(trader), str(hold_id)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )

    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    with app.app_context():
        assert db.session.get(QuoteHold, hold_id).status == "held"
    assert count(app, Order) == 0
    assert balances(app, trader) == before
    with app.app_context():
        order = holds.commit(db.session.get(User, trader), hold_id)
        assert order.order_status == "filled"
        assert order.filled_quantity == 3
        assert db.session.get(QuoteHold, hold_id).order_id == order.order_id
        db.session.remove()
