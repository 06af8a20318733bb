"""Activity statistics through the worker: windows in memory, minutes in the database,
the admin JSON and its bad input."""

import contextlib
from datetime import datetime, timedelta

import pytest

from extensions import db
from models import ActivityMinute, User
from services import orders
from services.errors import ServiceError
from services.orders import OrderSpec
from tasks.tick import TickState, run_tick
from utils.clock import epoch

T0 = datetime(2026, 3, 2, 14, 30, 0)


@pytest.fixture
def worker(app, market, frozen_time):
    state = TickState()

    def tick(at):
        frozen_time(at)
        with app.app_context():
            run_tick(state)
            db.session.remove()

    return tick


def _buy(app, user_id, quantity):
    with app.app_context():
        with contextlib.suppress(ServiceError):
            orders.place(
                db.session.get(User, user_id), OrderSpec("AAPL", "buy", "market", quantity=quantity)
            )
        db.session.remove()


def test_windows_and_minutes_from_the_worker(app, trader, worker, admin_client, market):
    market.set("AAPL", "100")
    worker(T0)  # the worker joins the stream
    for second in range(0, 70, 3):  # an order every 3 s for 70 s, and one refused
        at = T0 + timedelta(seconds=second)
        worker(at)
        _buy(app, trader, 1)
    _buy(app, trader, 10_000)  # refused: insufficient funds
    worker(T0 + timedelta(seconds=80))
    reply = admin_client.get(f"/admin/api/activity?window=5&since={epoch(T0)}").get_json()
    assert reply["success"] and reply["source"] == "memory" and reply["window"] == 5
    windows = reply["windows"]
    assert all(w["start"] % 5 == 0 for w in windows)
    assert sum(w["orders"] for w in windows) == 24 and sum(w["fills"] for w in windows) == 24
    assert sum(w["rejects"] for w in windows) == 1
    assert windows[0]["orders_by_kind"] == {"buy market": windows[0]["orders"]}
    minute = admin_client.get(f"/admin/api/activity?window=60&since={epoch(T0)}").get_json()
    assert minute["windows"][0]["start"] == epoch(T0) and minute["windows"][0]["orders"] == 20
    with app.app_context():
        stored = db.session.get(ActivityMinute, int(epoch(T0)))
        assert stored.summary["orders"] == 20 and stored.summary["fills"] == 20
    del app.extensions["paperdesk_activity"]  # as a process without the worker sees it
    from_db = admin_client.get(f"/admin/api/activity?since={epoch(T0)}").get_json()
    assert from_db["source"] == "database" and from_db["windows"][0]["orders"] == 20


@pytest.mark.parametrize(
    "query", ["window=7", "window=0", "window=x", "window=7200", "since=abc", "since=-5"]
)
def test_bad_activity_queries_are_a_400(admin_client, query):
    reply = admin_client.get(f"/admin/api/activity?{query}")
    assert reply.status_code == 400
    assert reply.get_json()["field"] == query.split("=")[0]


def test_only_admins_read_activity(user_client):
    assert user_client.get("/admin/api/activity").status_code == 403


def test_activity_names_the_most_active_users(app, trader, worker, admin_client, market):
    market.set("AAPL", "100")
    worker(T0)
    for second in (0, 1, 2):
        worker(T0 + timedelta(seconds=second))
        _buy(app, trader, 1)
    worker(T0 + timedelta(seconds=70))
    windows = admin_client.get(f"/admin/api/activity?since={epoch(T0)}").get_json()["windows"]
    assert windows[0]["top_users"] == [[str(trader), 6]]  # placed and filled, three times
    assert windows[0]["user_names"] == {str(trader): "trader"}
    del app.extensions["paperdesk_activity"]  # the stored minutes are named too
    stored = admin_client.get(f"/admin/api/activity?since={epoch(T0)}").get_json()["windows"]
    assert stored[0]["user_names"] == {str(trader): "trader"}
