"""Two app servers on one database: one price loop between them, and no double fill while
both take orders (on MariaDB when TEST_DATABASE_URL names it)."""

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from decimal import Decimal

import requests
from sqlalchemy import func, select

from extensions import db
from models import Order, Transaction, User
from services import lease, tokens
from services.verify import verify
from tasks.worker import LEASE_NAME
from tests.servers.gunicorn import served

SETTINGS = {"WORKER_ENABLED": "true", "WORKER_INTERVAL": "0.3", "LEASE_SECONDS": "5"}


def _holder(app) -> str | None:
    with app.app_context():
        row = lease.status(LEASE_NAME)
        db.session.remove()
        return row.holder if row else None


def _order(url: str, token: str, n: int) -> int:
    kinds = [
        {"order_type": "buy", "quantity": 2},
        {"order_type": "sell", "quantity": 1},
        {"order_type": "buy", "execution_type": "limit", "price": "1.00", "quantity": 1},
    ]
    body = {"ticker": "AAPL", "time_in_force": "gtc", **kinds[n % 3]}
    answer = requests.post(
        f"{url}/user/api/create_order",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return answer.status_code


def test_one_price_loop_and_no_double_fill_across_two_servers(app, app_settings, trader):
    app.config["RISK_PRICE_BAND_PERCENT"] = Decimal("0")
    with app.app_context():
        _, token = tokens.create_token(db.session.get(User, trader), "two servers")
        db.session.remove()
    env = {**SETTINGS, "RISK_PRICE_BAND_PERCENT": "0"}
    with ExitStack() as stack:
        servers = [stack.enter_context(served(app_settings, conf=True, **env)) for _ in range(2)]
        pids = {pid: s for s in servers for pid in s.worker_pids()}
        deadline = time.monotonic() + 60
        while _holder(app) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: _order(servers[n % 2].url, token, n), range(48)))
        holders = set()
        for _ in range(10):
            holders.add(_holder(app))
            time.sleep(0.2)
    assert len(holders) == 1  # one price loop the whole time
    holder_pid = int(holders.pop().split(":")[1])
    assert holder_pid in pids  # ... run by one of the two servers
    assert statuses.count(200) >= 32 and set(statuses) <= {200, 400, 503}
    with app.app_context():
        assert verify() == []
        over = db.session.scalar(
            select(func.count())
            .select_from(Order)
            .where(
                Order.filled_quantity
                != select(func.coalesce(func.sum(Transaction.transaction_quantity), 0))
                .where(Transaction.order_id == Order.order_id)
                .scalar_subquery()
            )
        )
        assert over == 0
        assert db.session.scalar(select(func.count()).select_from(Order)) >= 32
