"""The worker's consumer group across a lease take-over (Redis): nothing is lost."""

import pytest
from sqlalchemy import select

from extensions import db
from models import Notification
from services import events
from tasks import streams
from tasks.tick import TickState
from tests.redis_helpers import REDIS_URL, redis_or_skip, stream_key


@pytest.fixture
def redis_app(app):
    client = redis_or_skip()
    key = stream_key()
    app.config.update(REDIS_URL=REDIS_URL, EVENT_STREAM_KEY=key)
    app.extensions["paperdesk_events"] = events.make_backend(app.config)
    yield app
    client.delete(key)


def test_a_new_lease_holder_handles_the_events_of_the_take_over_gap(redis_app, make_user):
    """A new lease holder joins the worker's group without reading, so the events
    published while no process held the lease are handled (a fund decision's note)."""
    app = redis_app
    user_id = make_user("alice")
    with app.app_context():
        old = TickState()
        streams.consume(streams.ensure(old), 0.0)  # the old holder made the group, then died
        events.publish(
            "fund.decided",
            {
                "request_id": 1,
                "user_id": user_id,
                "kind": "deposit",
                "amount": "50.00",
                "status": "approved",
            },
        )  # an admin approves a deposit during the gap
        new = TickState()  # the next holder (another process)
        streams.consume(streams.ensure(new), 1.0)
        notes = db.session.scalars(select(Notification).where(Notification.user_id == user_id))
        assert [n.kind for n in notes] == ["fund"], "the gap's event was read and discarded"
