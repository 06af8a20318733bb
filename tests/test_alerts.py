"""Price alerts fire once; fills of resting orders, fund decisions and rule trades notify;
the notification stream and the JSON API."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Notification, PriceAlert, User
from services import orders
from services.orders import OrderSpec
from tasks.tick import TickState, run_tick
from tests.conftest import csrf_token

T0 = datetime(2026, 3, 2, 14, 30, 0)


@pytest.fixture
def ticks(app, market, frozen_time):
    state = TickState()
    clock = {"t": T0}

    def play(*prices, ticker="AAPL"):
        for price in prices:
            clock["t"] += timedelta(seconds=1)
            frozen_time(clock["t"])
            market.set(ticker, price)
            with app.app_context():
                run_tick(state)
                db.session.remove()

    return play


def _alert(client, ticker, kind, threshold):
    body = {"ticker": ticker, "kind": kind, "threshold": threshold}
    return _post(client, "/user/api/alerts", body)


def _post(client, url, body):
    return client.post(url, json=body, headers={"X-CSRFToken": csrf_token(client, "/user/alerts")})


def _notes(app, user_id=1):
    with app.app_context():
        stmt = select(Notification).where(Notification.user_id == user_id)
        rows = db.session.scalars(stmt.order_by(Notification.notification_id)).all()
        return [(n.kind, n.message) for n in rows]


def test_an_alert_fires_once_not_on_every_tick_after(app, user_client, ticks):
    reply = _post(
        user_client, "/user/api/alerts", {"ticker": "AAPL", "kind": "above", "threshold": "105"}
    )
    assert reply.status_code == 201
    ticks("100", "104.99")
    assert _notes(app) == []
    ticks("105.50", "106", "107", "104", "108")
    assert _notes(app) == [("alert", "AAPL rose to $105.50 (alert: above $105.00).")]
    alerts = user_client.get("/user/api/alerts").get_json()["alerts"]
    assert alerts[0]["fired_price"] == "105.5000"


def test_a_day_move_alert(app, user_client, ticks):
    _post(
        user_client, "/user/api/alerts", {"ticker": "MSFT", "kind": "move_down", "threshold": "3"}
    )
    ticks("98", ticker="MSFT")  # -2 % on the day (the scripted close is 100)
    assert _notes(app) == []
    ticks("96.5", ticker="MSFT")
    assert [k for k, _ in _notes(app)] == ["alert"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticker": "AAPL", "kind": "above", "threshold": "-5"}, "threshold"),
        ({"ticker": "AAPL", "kind": "above", "threshold": "abc"}, "threshold"),
        ({"ticker": "AAPL", "kind": "above", "threshold": "1_000"}, "threshold"),
        ({"ticker": "AAPL", "kind": "above", "threshold": "1e2"}, "threshold"),
        ({"ticker": "AAPL", "kind": "below", "threshold": "\u0661\u0660"}, "threshold"),
        ({"ticker": "AAPL", "kind": "move_up", "threshold": "150"}, "threshold"),
        ({"ticker": "AAPL", "kind": "sideways", "threshold": "1"}, "kind"),
        ({"ticker": "NOPE", "kind": "above", "threshold": "1"}, "ticker"),
    ],
)
def test_bad_thresholds_are_a_400_and_nothing_is_stored(app, user_client, body, field):
    reply = _post(user_client, "/user/api/alerts", body)
    assert reply.status_code == 400
    assert reply.get_json()["success"] is False and reply.get_json()["field"] == field
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PriceAlert)) == 0


def test_alerts_per_user_are_capped(app, user_client):
    app.config["ALERTS_PER_USER"] = 2
    for threshold in ("1", "2"):
        body = {"ticker": "AAPL", "kind": "below", "threshold": threshold}
        assert _post(user_client, "/user/api/alerts", body).status_code == 201
    reply = _post(
        user_client, "/user/api/alerts", {"ticker": "AAPL", "kind": "below", "threshold": "3"}
    )
    assert reply.status_code == 400 and "as many open alerts" in reply.get_json()["error"]


def test_a_resting_fill_and_a_fund_decision_notify(app, trader, ticks, market):
    market.set("AAPL", "100")
    ticks("100")  # the worker joins the stream
    with app.app_context():
        user = db.session.get(User, trader)
        orders.place(user, OrderSpec("AAPL", "buy", "limit", quantity=5, limit=Decimal("95")))
        db.session.remove()
    ticks("96")
    assert [k for k, _ in _notes(app, trader)] == []
    ticks("94.5")  # the limit fills; the next tick's consumer notifies
    ticks("94.5")
    notes = _notes(app, trader)
    assert [k for k, _ in notes] == ["fill"]
    assert "limit buy of AAPL filled: 5 at $94.50" in notes[0][1]


def test_notifications_list_until_read(app, trader, ticks):
    from models import Admin
    from services import funds

    ticks("100")
    with app.app_context():
        request = funds.request_deposit(db.session.get(User, trader), "50000.00")
        admin = db.session.scalars(select(Admin)).first()
        funds.reject(admin, request.transaction_id, "not today")
        db.session.remove()
    ticks("100")
    assert _notes(app, trader) == [("fund", "Your deposit of $50,000.00 was rejected: not today.")]
    client = app.test_client()
    client.post(
        "/auth/login",
        data={
            "username": "trader",
            "password": "correct-horse-42",
            "csrf_token": csrf_token(client),
        },
    )
    listed = client.get("/user/api/notifications").get_json()
    assert listed["unread"] == 1 and listed["notifications"][0]["read"] is False
    token = csrf_token(client, "/user/notifications")
    assert (
        client.post(
            "/user/api/notifications/read", json={}, headers={"X-CSRFToken": token}
        ).get_json()["marked"]
        == 1
    )
    assert client.get("/user/api/notifications").get_json()["unread"] == 0
    assert len(client.get("/user/api/notifications").get_json()["notifications"]) == 1


def test_the_notification_stream_sends_the_count_then_live_notifications(app, user_client):
    from services import notifications

    app.config["STREAM_MAX_SECONDS"] = 2
    reply = user_client.get("/user/stream/notifications", buffered=False)
    chunks = reply.response
    first = [next(chunks), next(chunks)]
    assert first[1].decode().startswith("event: unread") and '"count": 0' in first[1].decode()
    with app.app_context():
        notifications.add(1, "fill", "Your order filled.")
        db.session.commit()
    rest = b"".join(chunks).decode()
    reply.close()
    assert (
        'event: notification\ndata: {"user_id": 1, "kind": "fill", "message": "Your order filled."}'
        in rest
    )
    assert '"count": 1' in rest


def test_without_the_event_stream_the_bell_polls_the_count(app, user_client):
    """Redis away (nothing answers on the URL): the stream still shows a notification
    stored by another process, by polling the unread count."""
    from sqlalchemy import insert

    from services import events

    app.config.update(REDIS_URL="redis://127.0.0.1:1/5", EVENT_RETRY_SECONDS=60.0)
    app.config["STREAM_MAX_SECONDS"] = 4
    app.extensions["paperdesk_events"] = backend = events.make_backend(app.config)
    backend.publish([events.event("probe", {})])  # finds Redis away
    assert not backend.healthy()
    reply = user_client.get("/user/stream/notifications", buffered=False)
    chunks = reply.response
    assert next(chunks).startswith(b"retry:") and b'"count": 0' in next(chunks)
    with app.app_context():  # as another process would: a row, and no event here
        db.session.execute(
            insert(Notification).values(user_id=1, kind="fund", message="x", created_at=T0)
        )
        db.session.commit()
    rest = b"".join(chunks).decode()
    reply.close()
    assert 'event: unread\ndata: {"count": 1}' in rest


def test_the_alerts_page_shows_prices_and_moves_as_money_and_percentages(app, user_client):
    user_client.set_cookie("tz", "Europe%2FParis")
    assert _alert(user_client, "AAPL", "above", "100").status_code == 201
    assert _alert(user_client, "AAPL", "move_up", "10").status_code == 201
    page = user_client.get("/user/alerts").text
    assert "<td>$100.00</td>" in page and "<td>10.00%</td>" in page
    assert "E+" not in page  # Decimal.normalize() wrote 100 as 1E+2
    assert re.search(r" CES?T</td>", page)  # set times in the viewer's zone, named


def test_a_refused_alert_form_keeps_what_was_typed(app, user_client):
    form = {"ticker": "ZZZZ", "kind": "move_down", "threshold": "4.5"}
    form["csrf_token"] = csrf_token(user_client, "/user/alerts")
    reply = user_client.post("/user/alerts", data=form)
    page = reply.text
    assert reply.status_code == 400 and "Unknown ticker" in page and "alert-danger" in page
    assert 'value="ZZZZ"' in page and 'value="4.5"' in page
    assert '<option value="move_down" selected>' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PriceAlert)) == 0


def test_a_rejected_withdrawal_notes_its_reason(app, trader, ticks):
    from models import Admin
    from services import funds

    ticks("100")
    with app.app_context():
        user = db.session.get(User, trader)
        admin = db.session.scalars(select(Admin)).first()
        funds.approve(admin, funds.request_deposit(user, "100.00").transaction_id)
        request = funds.request_withdrawal(user, "20.00")
        funds.reject(admin, request.transaction_id, "Bank details do not match.")
        db.session.remove()
    ticks("100")
    assert _notes(app, trader) == [
        ("fund", "Your deposit of $100.00 was approved."),
        ("fund", "Your withdrawal of $20.00 was rejected: Bank details do not match."),
    ]
