"""The load mix for bench/load.py (locust, headless). Each simulated user is one of the
seeded traders (API token and a signed-in browser session); a few are admins approving
deposits. Acknowledged orders are written to ACK_FILE so the run can check that none
was lost.

Mix per trader (task weights): page views, chart data, live-quote streams held open for a
few seconds, deposits, orders of every type (market, limit, stop, stop-limit, trailing),
cancels, quote-then-commit, and the trivial /health as the ratio base.

The users are locust's FastHttpUser (geventhttpclient), whose client costs a fraction of the
CPU of the requests-based HttpUser: locust shares the machine with the server. LOAD_THINK
(``MIN,MAX`` seconds, default ``0.05,0.3``) is a trader's pause between tasks; ``0`` sends
the next request as soon as the answer is in (a closed loop that measures throughput).
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import FastHttpUser, between, constant, events, task

SEED = json.loads(Path(os.environ["LOAD_SEED_FILE"]).read_text())
ACK_FILE = os.environ.get("LOAD_ACK_FILE", "/tmp/paperdesk-acks.jsonl")
TICKERS = ["AAPL", "MSFT", "AMZN", "GOOGL", "NVDA", "JPM", "KO", "XOM"]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_next_trader = itertools.count()
_acks: list[dict] = []


def think_time():
    """The pause between a trader's tasks, from LOAD_THINK (``MIN,MAX`` or ``0``)."""
    bounds = [float(x) for x in os.environ.get("LOAD_THINK", "0.05,0.3").split(",")]
    return constant(0) if max(bounds) == 0 else between(bounds[0], bounds[-1])


@events.test_stop.add_listener
def _write_acks(**_):
    with open(ACK_FILE, "w") as out:
        for ack in _acks:
            out.write(json.dumps(ack) + "\n")


class Trader(FastHttpUser):
    wait_time = think_time()
    network_timeout = 10.0
    weight = 12

    def on_start(self):
        me = SEED["traders"][next(_next_trader) % len(SEED["traders"])]
        self.user_id, self.name = me["user_id"], me["username"]
        self.api = {"Authorization": f"Bearer {me['token']}"}
        self.open_orders: list[int] = []
        self.prices = {}
        self.sign_in(me)

    def sign_in(self, me=None):
        page = self.client.get("/auth/login", name="GET /auth/login")
        token = CSRF.search(page.text).group(1) if page.ok else ""
        self.client.post(
            "/auth/login",
            data={"username": self.name, "password": SEED["password"], "csrf_token": token},
            name="POST /auth/login",
            allow_redirects=False,
        )

    def order(self, kind: str, body: dict):
        with self.client.post(
            "/user/api/create_order",
            json=body,
            headers=self.api,
            name=f"POST /user/api/create_order [{kind}]",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                data = answer.json()
                _acks.append({"order_id": data["order_id"], "user_id": self.user_id})
                if data["order"]["status"] in ("pending", "partially_filled"):
                    self.open_orders.append(data["order_id"])
            elif answer.status_code in (400, 409, 503):
                answer.success()  # a refusal (funds, shares, no price) is a correct answer

    def price(self, ticker: str) -> float:
        answer = self.client.get(
            f"/api/price?ticker={ticker}", headers=self.api, name="GET /api/price"
        )
        if answer.ok:
            self.prices[ticker] = float(answer.json()["price"])
        return self.prices.get(ticker, 100.0)

    @task(6)
    def market_order(self):
        side = random.choice(["buy", "buy", "sell"])
        body = {
            "ticker": random.choice(TICKERS),
            "order_type": side,
            "quantity": random.randint(1, 5),
        }
        self.order("market", body)

    @task(4)
    def limit_order(self):
        ticker = random.choice(TICKERS)
        price = self.price(ticker)
        side = random.choice(["buy", "sell"])
        limit = price * (0.98 if side == "buy" else 1.02)
        body = {
            "ticker": ticker,
            "order_type": side,
            "execution_type": "limit",
            "quantity": random.randint(1, 3),
            "price": f"{limit:.2f}",
            "time_in_force": "gtc",
        }
        self.order("limit", body)

    @task(2)
    def stop_orders(self):
        ticker = random.choice(TICKERS)
        price = self.prices.get(ticker) or self.price(ticker)
        kind = random.choice(["stop", "stop_limit", "trailing_stop"])
        body = {
            "ticker": ticker,
            "order_type": "buy",
            "execution_type": kind,
            "quantity": 1,
            "time_in_force": "gtc",
        }
        if kind == "stop":
            body["stop_price"] = f"{price * 1.01:.2f}"
        elif kind == "stop_limit":
            body.update(stop_price=f"{price * 1.01:.2f}", price=f"{price * 1.02:.2f}")
        else:
            body["trail_percent"] = "1.5"
        self.order(kind, body)

    @task(3)
    def cancel(self):
        if not self.open_orders:
            return
        order_id = self.open_orders.pop(random.randrange(len(self.open_orders)))
        with self.client.post(
            f"/user/orders/{order_id}/cancel",
            headers=self.api,
            name="POST /user/orders/<id>/cancel",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:
                answer.success()  # it filled first

    @task(2)
    def quote_then_commit(self):
        body = {"ticker": random.choice(TICKERS), "order_type": "buy", "quantity": 1}
        held = self.client.post(
            "/user/api/quote_hold", json=body, headers=self.api, name="POST /user/api/quote_hold"
        )
        if held.status_code != 200:
            return
        with self.client.post(
            "/user/api/quote_hold/commit",
            json={"hold_id": held.json()["hold_id"]},
            headers=self.api,
            name="POST /user/api/quote_hold/commit",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                _acks.append({"order_id": answer.json()["order_id"], "user_id": self.user_id})
            elif answer.status_code in (400, 409, 503):
                answer.success()

    @task(4)
    def pages(self):
        path = random.choice(
            ["/user/dashboard", "/user/portfolio", "/user/orders", "/user/account"]
        )
        self.client.get(path, name=f"GET {path}", allow_redirects=False)

    @task(4)
    def chart_data(self):
        ticker = random.choice(TICKERS)
        self.client.get(
            f"/api/candles?ticker={ticker}&interval=10s", headers=self.api, name="GET /api/candles"
        )
        self.client.get(
            f"/user/api/market_data?ticker={ticker}&period=1mo",
            headers=self.api,
            name="GET /user/api/market_data",
        )

    @task(2)
    def reads(self):
        self.client.get("/user/api/balance", headers=self.api, name="GET /user/api/balance")
        self.client.get("/user/api/orders?limit=20", headers=self.api, name="GET /user/api/orders")
        self.client.get("/user/api/portfolio", headers=self.api, name="GET /user/api/portfolio")

    @task(1)
    def stream(self):
        started = time.monotonic()
        with self.client.get(
            f"/stream/quotes?tickers={random.choice(TICKERS)}",
            headers=self.api,
            stream=True,
            name="GET /stream/quotes",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"stream answered {answer.status_code}")
                return
            for _ in answer.iter_content(chunk_size=256):
                if time.monotonic() - started > 3:  # hold it open for a few seconds
                    break
            answer.success()

    @task(1)
    def deposit(self):
        self.client.post(
            "/user/api/deposit",
            json={"amount": "500.00"},
            headers=self.api,
            name="POST /user/api/deposit",
        )

    @task(1)
    def resign_in(self):
        """Back on another browser: no cookie, so the sign-in page and then the form
        (signing in again over a live session would only redirect to the dashboard)."""
        self.client.cookiejar.clear()
        self.sign_in()

    @task(4)
    def health(self):
        self.client.get("/health", name="GET /health (trivial)")


class Admin(FastHttpUser):
    wait_time = between(0.5, 1.5)
    weight = 1

    def on_start(self):
        self.api = {"Authorization": f"Bearer {SEED['admin_token']}"}

    @task
    def approve_deposits(self):
        pending = self.client.get(
            "/admin/fund-transactions?status=pending",
            headers=self.api,
            name="GET /admin/fund-transactions",
        )
        if not pending.ok:
            return
        for request in pending.json()["data"][:5]:
            with self.client.post(
                f"/admin/fund-transactions/{request['transaction_id']}/approve",
                headers=self.api,
                name="POST /admin/fund-transactions/<id>/approve",
                catch_response=True,
            ) as answer:
                if answer.status_code == 409:
                    answer.success()  # another admin decided first
