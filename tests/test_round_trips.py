"""Round trips of the hot paths, counted, so that a change that adds a query fails here.

Counted with SQLAlchemy's event listeners (utils.dbcount.RoundTrips) on whichever
database the suite runs; on MariaDB also at the driver, which sees pings and the
pool's rollbacks too. SQLite's BEGIN IMMEDIATE is left out (SQLite runs in the
process: no trip), and its FOR UPDATE is not rendered, so locks count as SELECTs.
Over the API, a Bearer token costs nothing while the process has it cached
(services.token_cache), else one SELECT (the token and its owner); on MariaDB that runs
on the autocommit pool, so no ROLLBACK has to end the request's read.
MariaDB updates the account, position and order of one fill in one multi-table
UPDATE; SQLite needs one UPDATE per table. On MariaDB the writes made at commit (the
UPDATEs, new positions, fills, ledger and audit rows) go in one round trip of several
statements (services.direct.Batch), counted as one BATCH, and the COMMIT goes with
them in that round trip.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from extensions import db
from models import ApiToken, Order, User
from services import market, matching, orders, token_cache, tokens
from services.orders import OrderSpec
from services.pool import autocommit_engine
from utils.clock import utcnow
from utils.dbcount import DriverCounter, RoundTrips

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def _mysql() -> bool:
    return db.engine.dialect.name == "mysql"


def _on(sqlite: Counter, mariadb: Counter) -> Counter:
    """What is sent on this database: each write alone, or the commit's writes batched."""
    return mariadb if _mysql() else sqlite


def _count(work, mysql: bool | None = None, engines=None) -> Counter:
    """Run ``work`` and return the statements it sent by kind (BEGIN left out)."""
    mysql = _mysql() if mysql is None else mysql
    engines = engines or (db.engine, autocommit_engine())
    with RoundTrips(*engines) as events, DriverCounter() as driver:
        work()
    kinds = Counter()
    for kind, n in events.counts.items():
        if kind not in ("BEGIN", "checkout"):
            kinds["SELECT" if kind.startswith("SELECT") else kind] += n
    if mysql and driver.counts:  # the driver sent nothing the events did not see
        assert driver.total == sum(kinds.values()), (driver.counts, kinds)
    return +kinds


@pytest.fixture
def desk(app, trader):
    """The trader holding 1 AAPL, with the AAPL quote cached in the process."""
    app.config.update(PRICE_CACHE_SECONDS=3600, TOKEN_CACHE_SECONDS=3600)
    with app.app_context():
        user = db.session.get(User, trader)
        orders.place(user, OrderSpec("AAPL", "buy", "market", quantity=1))
        db.session.remove()
        if autocommit_engine() is not None:  # its first connection's set-up is not counted
            autocommit_engine().connect().close()
    return app, trader


def _user(user_id) -> User:
    user = db.session.get(User, user_id)
    assert user.user_id == user_id  # loaded now, not inside a count
    return user


def _place(user, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    return orders.place(user, spec)


def test_market_order_into_an_existing_position(desk):
    app, trader = desk
    with app.app_context():
        user = _user(trader)
        kinds = _count(lambda: _place(user, quantity=2))
        # lock account+position, INSERT order, fill, ledger (2 rows), audit; UPDATE; COMMIT
        # (on MariaDB: the lock, the order, then the rest with the COMMIT)
        assert kinds == _on(
            Counter(SELECT=1, INSERT=4, UPDATE=2, COMMIT=1),
            Counter(SELECT=1, INSERT=1, BATCH=1),
        )


def test_market_order_into_a_new_position(desk):
    app, trader = desk
    with app.app_context():
        market.get_quote("MSFT")
        user = _user(trader)
        kinds = _count(lambda: _place(user, ticker="MSFT", quantity=1))
        # the position is one more INSERT; only the account is updated
        assert kinds == _on(
            Counter(SELECT=1, INSERT=5, UPDATE=1, COMMIT=1),
            Counter(SELECT=1, INSERT=1, BATCH=1),
        )


def test_limit_order_placed_and_cancelled(desk):
    app, trader = desk
    with app.app_context():
        user = _user(trader)
        placed = []
        kinds = _count(lambda: placed.append(_place(user, kind="limit", limit=D("1"), quantity=1)))
        assert placed[0].order_status == "pending"
        assert kinds == _on(  # order, audit; cash
            Counter(SELECT=1, INSERT=2, UPDATE=1, COMMIT=1),
            Counter(SELECT=1, INSERT=1, BATCH=1),
        )
        order_id = placed[0].order_id
        user = _user(trader)
        kinds = _count(lambda: orders.cancel(user, order_id))
        # the locks (the order's ticker in a subquery); UPDATE account and order; audit; COMMIT
        assert kinds == _on(
            Counter(SELECT=1, INSERT=1, UPDATE=2, COMMIT=1), Counter(SELECT=1, BATCH=1)
        )


def test_one_fill_and_a_batch_of_fills(desk):
    app, trader = desk
    with app.app_context():
        price = market.get_quote("AAPL").price
        limit = (price * D("0.99")).quantize(D("0.01"))
        _place(_user(trader), kind="limit", limit=limit, quantity=1, time_in_force="gtc")
        kinds = _count(lambda: matching.on_price("AAPL", limit - 1))
        # trailing stops and triggers (2), the batch's locks; UPDATE; fill, ledger; COMMIT
        assert kinds == _on(
            Counter(SELECT=3, UPDATE=3, INSERT=2, COMMIT=1), Counter(SELECT=3, BATCH=1)
        )

        for _ in range(10):
            _place(_user(trader), kind="limit", limit=limit, quantity=1, time_in_force="gtc")
        kinds = _count(lambda: matching.on_price("AAPL", limit - 1))
        assert db.session.scalar(select(func.count()).where(Order.order_status == "filled")) == 12
        # ten fills of one user: the same statements, one UPDATE per table (CASE on the key
        # for the orders, sent alone before the batch of the others)
        assert kinds == _on(
            Counter(SELECT=3, UPDATE=3, INSERT=2, COMMIT=1),
            Counter(SELECT=3, UPDATE=1, BATCH=1),
        )


def test_price_read_from_the_process_cache_or_one_query(desk):
    app, _ = desk
    with app.app_context():
        market.get_quote("AAPL")
        assert _count(lambda: market.get_quote("AAPL")) == Counter()
        app.config["PRICE_CACHE_SECONDS"] = 0
        assert _count(lambda: market.get_quote("AAPL")) == Counter(SELECT=1)


@pytest.fixture
def token(desk):
    """A token of the trader's, used once (its last use written)."""
    app, trader = desk
    with app.app_context():
        _, plaintext = tokens.create_token(_user(trader), "bench")
        db.session.remove()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert app.test_client().get("/api/price?ticker=AAPL", headers=headers).status_code == 200
    return headers


def _request(app, *args, **kwargs):
    """Count one test-client request, from before the token lookup to the teardown.

    Outside any app context, so that the request's own context ends its session.
    """
    with app.app_context():
        engines, mysql = (db.engine, autocommit_engine()), _mysql()
    client, answers = app.test_client(), []
    kinds = _count(lambda: answers.append(client.open(*args, **kwargs)), mysql, engines)
    assert answers[0].status_code == 200, answers[0].get_data(as_text=True)
    return kinds


def _read_ended(app) -> Counter:
    """SQLite's session ends its read with a ROLLBACK in the process (no trip)."""
    with app.app_context():
        return Counter() if _mysql() else Counter(ROLLBACK=1)


def _forget_tokens(app) -> None:
    """As when TOKEN_CACHE_SECONDS have passed: the process has no token cached."""
    with app.app_context():
        token_ids = set(db.session.scalars(select(ApiToken.token_id)))
        token_cache.current().forget(set(), token_ids)
        db.session.remove()


def test_price_over_the_api_with_fresh_caches_sends_nothing(desk, token):
    app, _ = desk
    assert _request(app, "/api/price?ticker=AAPL", headers=token) == Counter()
    app.config["PRICE_CACHE_SECONDS"] = 0  # the process's copy is too old: one read
    kinds = _request(app, "/api/price?ticker=AAPL", headers=token)
    assert kinds == Counter(SELECT=1) + _read_ended(app)


def test_price_over_the_api_with_the_token_not_cached(desk, token):
    app, _ = desk
    _forget_tokens(app)
    kinds = _request(app, "/api/price?ticker=AAPL", headers=token)
    assert kinds == Counter(SELECT=1) + _read_ended(app)  # the token and its owner
    assert _request(app, "/api/price?ticker=AAPL", headers=token) == Counter()


def test_market_order_over_the_api_is_three_round_trips(desk, token):
    app, _ = desk
    body = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 1}
    kinds = _request(app, "/user/api/create_order", method="POST", json=body, headers=token)
    # the token is cached; then the order's own 3 on MariaDB (8 statements on SQLite)
    with app.app_context():
        expected = _on(
            Counter(SELECT=1, INSERT=4, UPDATE=2, COMMIT=1),
            Counter(SELECT=1, INSERT=1, BATCH=1),
        )
    assert kinds == expected


def test_token_last_use_is_written_once_a_minute(desk, token):
    app, _ = desk
    price = ("/api/price?ticker=AAPL",)
    a_while_ago = utcnow() - timedelta(minutes=2)
    with app.app_context():
        db.session.execute(update(ApiToken).values(last_used_at=a_while_ago))
        db.session.commit()
        mysql = _mysql()
    _forget_tokens(app)
    # On SQLite the session commits the write (the owner comes from the cached copy)
    written = Counter(SELECT=1, UPDATE=1) + (Counter() if mysql else Counter(COMMIT=1))
    assert _request(app, *price, headers=token) == written
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) > a_while_ago
    _forget_tokens(app)
    assert _request(app, *price, headers=token) == Counter(SELECT=1) + _read_ended(app)


def test_cancel_over_the_api_is_two_round_trips(desk, token):
    app, trader = desk
    with app.app_context():
        order = _place(_user(trader), kind="limit", limit=D("1"), quantity=1)
        expected = _on(Counter(SELECT=1, INSERT=1, UPDATE=2, COMMIT=1), Counter(SELECT=1, BATCH=1))
        db.session.remove()
    kinds = _request(app, f"/user/orders/{order.order_id}/cancel", method="POST", headers=token)
    # the token is cached; the locks; UPDATE account and order; audit; COMMIT
    assert kinds == expected
