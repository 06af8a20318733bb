"""Sending a generated action: through the services in this process, or over HTTP to a
running PaperDesk with the trader's API token."""

import json
import urllib.error
import urllib.request
from decimal import Decimal
from urllib.parse import urlparse

from extensions import db
from models import User
from services import funds, holds, orders
from services.alerts import store as alerts
from services.errors import ServiceError
from services.orders import OrderSpec
from services.rules import store as rules

HTTP_TIMEOUT = 10


class Refused(Exception):
    """The platform refused the action (a 4xx, or a ServiceError)."""


def _spec(body: dict, kind: str) -> OrderSpec:
    def dec(name):
        return Decimal(body[name]) if body.get(name) is not None else None

    return OrderSpec(
        ticker=body["ticker"],
        side=body["order_type"],
        kind=body.get("execution_type", kind),
        quantity=body.get("quantity"),
        limit=dec("price"),
        stop=dec("stop_price"),
        trail_percent=dec("trail_percent"),
        time_in_force=body.get("time_in_force", "day"),
    )


class ServiceClient:
    """Actions through the services, as the pages and the API call them."""

    def __init__(self, operator) -> None:
        self.operator = operator

    def send(self, trader, kind: str, body: dict):
        """Do ``kind`` for ``trader``; returns an order id for orders (None otherwise)."""
        user = db.session.get(User, trader.user_id)
        try:
            return self._do(user, kind, body)
        except ServiceError as exc:
            raise Refused(exc.message) from None
        finally:
            db.session.remove()

    def _do(self, user, kind: str, body: dict):
        if kind in ("market", "order"):
            return orders.place(user, _spec(body, "market")).order_id
        if kind == "quote_commit":
            held = holds.hold(user, body["ticker"], body["order_type"], body["quantity"], None)
            return holds.commit(user, held.hold_id).order_id
        if kind == "cancel":
            orders.cancel(user, body["order_id"])
        elif kind in ("deposit", "withdraw"):
            ask = funds.request_deposit if kind == "deposit" else funds.request_withdrawal
            request = ask(user, body["amount"])
            funds.approve(db.session.merge(self.operator), request.transaction_id)
        elif kind == "rule":
            rules.create(user, body)
        elif kind == "alert":
            alerts.create(user, body)
        return None


PATHS = {
    "market": "/user/api/create_order",
    "order": "/user/api/create_order",
    "quote_commit": "/user/api/quote_hold",
    "deposit": "/user/api/deposit",
    "withdraw": "/user/api/withdraw",
    "rule": "/user/api/rules",
    "alert": "/user/api/alerts",
}


def check_url(url: str) -> str:
    """The base URL without a trailing slash; only http(s) URLs are accepted."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    return url.rstrip("/")


class HttpClient:
    """Actions over the JSON API of a running server, with each trader's Bearer token;
    deposits and withdrawals are approved through the services (the shared database)."""

    def __init__(self, base_url: str, operator) -> None:
        self.base = check_url(base_url)
        self.operator = operator

    def _post(self, token: str, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as reply:
                return json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise Refused(json.loads(exc.read() or b"{}").get("error", str(exc))) from None
            raise

    def send(self, trader, kind: str, body: dict):
        """Do ``kind`` for ``trader`` over HTTP; returns an order id for orders."""
        if kind == "cancel":
            self._post(trader.token, f"/user/orders/{body['order_id']}/cancel", {})
            return None
        if kind == "market":
            body = {**body, "execution_type": "market"}
        reply = self._post(trader.token, PATHS[kind], body)
        if kind == "quote_commit":
            reply = self._post(
                trader.token, "/user/api/quote_hold/commit", {"hold_id": reply["hold_id"]}
            )
        if kind in ("deposit", "withdraw"):
            funds.approve(db.session.merge(self.operator), reply["transaction_id"])
            db.session.remove()
        return reply.get("order_id")
