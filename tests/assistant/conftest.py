"""Assistant test fixtures: a signed-in trader with a position and an open order."""

import pytest

from tests.conftest import AuthActions
from tests.helpers import post_json


def ask(client, message, **extra):
    """POST /user/api/chat and return the response."""
    return post_json(client, "/user/api/chat", {"message": message, **extra})


@pytest.fixture
def holder(client, trader, market):
    """The trader holds 3 AAPL bought at $150 (+$1 commission), AAPL is now $160, and a limit
    buy of 2 MSFT at $90 is open; returns the signed-in client."""
    return make_holder(client, market)


def make_holder(client, market):
    """See ``holder``."""
    market.set("AAPL", "150.00")
    market.set("MSFT", "100.00")
    AuthActions(client).login("trader")
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 3}
    assert post_json(client, "/user/api/create_order", body).json["success"]
    body = {"ticker": "MSFT", "order_type": "buy", "execution_type": "limit", "quantity": 2,
            "price": "90.00"}  # fmt: skip
    assert post_json(client, "/user/api/create_order", body).json["success"]
    market.set("AAPL", "160.00")
    return client
