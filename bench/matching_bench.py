"""Matching cost on MariaDB: PaperDesk's indexed tick vs the reference processor's full scan.

Run from the project root:  .venv/bin/python bench/matching_bench.py [--orders N] [--tickers N]
[--users N] [--repeat N] [--url URL] [--seed N]. It drops and recreates the database named in
--url (default mysql+pymysql://root@127.0.0.1:3306/paperdesk_bench), migrates it, bulk-loads
``--orders`` pending limit orders over ``--tickers`` tickers, then times one tick that triggers
k = 0, 10 and 1,000 orders both ways in the same run, and checks the books with verify().
"""

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import bindparam, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

from app import create_app
from config import TestConfig
from extensions import db
from models import (
    AccountBalance,
    CashLedger,
    FundTransaction,
    Order,
    Portfolio,
    Transaction,
    User,
)
from services import orders as order_service
from services.accounts import hash_password
from services.db import transaction
from services.execution import costs, lock_for_order
from services.matching import on_price, triggered_ids
from services.orders import OrderSpec, act
from services.verify import verify
from utils.clock import utcnow
from utils.market_data import Quote, SimProvider, UnknownTicker
from utils.trading import GE, LE, TICK, buy_cost, gross

BASE = Decimal("100.0000")  # every ticker rests here: buys below, sells above
STEP = Decimal("0.01")
DEPOSIT = Decimal("1000000.00")
BATCH = 5_000
KS = (0, 10, 1_000)
LADDER = max(KS) + 200  # buy limits of the ticked ticker at 99.99, 99.98, ... (distinct)
LADDER_SELLS = 300


class BenchProvider(SimProvider):
    """The simulated market with synthetic symbols, every one priced at a settable level."""

    name = "sim"

    def __init__(self, symbols: list[str]):
        super().__init__(seed=7)
        self.symbols = list(symbols)
        self.prices: dict[str, Decimal] = {}

    def tickers(self) -> list[str]:
        return list(self.symbols)

    def quotes(self, tickers):
        unknown = [t for t in tickers if t not in self.symbols]
        if unknown:
            raise UnknownTicker(unknown)
        now = utcnow()
        out = {}
        for t in tickers:
            price = self.prices.get(t, BASE)
            out[t] = Quote(
                ticker=t,
                price=price,
                open=BASE,
                high=price,
                low=price,
                previous_close=BASE,
                change=price - BASE,
                change_percent=Decimal("0"),
                volume=1_000_000,
                as_of=now,
                source="sim",
            )
        return out


# -- building the book ---------------------------------------------------------------


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database=""))
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{parsed.database}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4")
    server.dispose()


def resting_row(order_id, user_id, ticker, side, limit, quantity, now) -> dict:
    """The row place() writes for a GTC limit order that does not cross at once."""
    return {
        "order_id": order_id,
        "user_id": user_id,
        "ticker": ticker,
        "order_type": side,
        "order_execution_type": "limit",
        "order_price": limit,
        "stop_price": None,
        "trail_amount": None,
        "trail_percent": None,
        "water_mark": None,
        "stop_triggered": False,
        "trigger_dir": LE if side == "buy" else GE,
        "trigger_price": limit,
        "time_in_force": "gtc",
        "order_quantity": quantity,
        "requested_amount": None,
        "filled_quantity": 0,
        "reserved_cash": (
            buy_cost(limit, quantity, costs()) if side == "buy" and limit else Decimal("0.00")
        ),
        "average_fill_price": None,
        "total_commission": Decimal("0.00"),
        "order_status": "pending",
        "source": "user",
        "created_at": now,
        "updated_at": now,
        "executed_at": None,
        "closed_at": None,
        "expires_at": None,
        "remark": None,
    }


def plan_book(n_orders: int, symbols: list[str], n_users: int, rng: Random):
    """(ladder, other) order specs as (user, ticker, side, limit, qty).

    The first ticker holds LADDER buys at distinct limits BASE - 0.01*i (i = 1..LADDER) and
    LADDER_SELLS sells above BASE; the rest spread evenly over the other tickers, half buys
    in [80.00, 99.99], half sells in [100.01, 120.00]. Sells of a ticker belong to a group of
    10 users, so their positions stay few.
    """
    first = symbols[0]
    ladder = [
        ((i - 1) % n_users + 1, first, "buy", BASE - STEP * i, rng.randint(1, 100))
        for i in range(1, LADDER + 1)
    ]
    other = [
        (
            _seller(0, rng, n_users),
            first,
            "sell",
            BASE + STEP * rng.randint(1, 2000),
            rng.randint(1, 100),
        )
        for _ in range(LADDER_SELLS)
    ]
    rest = n_orders - LADDER - LADDER_SELLS
    if rest < 0 or len(symbols) < 2:
        raise SystemExit(f"--orders must be at least {LADDER + LADDER_SELLS}, --tickers >= 2")
    for n in range(rest):
        t = 1 + n % (len(symbols) - 1)
        qty = rng.randint(1, 100)
        if n // (len(symbols) - 1) % 2 == 0:
            other.append(
                (
                    rng.randint(1, n_users),
                    symbols[t],
                    "buy",
                    BASE - STEP * rng.randint(1, 2000),
                    qty,
                )
            )
        else:
            other.append(
                (
                    _seller(t, rng, n_users),
                    symbols[t],
                    "sell",
                    BASE + STEP * rng.randint(1, 2000),
                    qty,
                )
            )
    return ladder, other


def _seller(t: int, rng: Random, n_users: int) -> int:
    return (t * 10 + rng.randrange(10)) % n_users + 1


def load_book(ladder, other, n_users: int) -> dict:
    """Bulk-insert users, deposits, seed positions for the sells, and the resting orders,
    with the same fields and balances the services would leave. Returns ladder order ids."""
    now = utcnow()
    password = hash_password("bench-password-not-for-login")
    commission = costs().commission
    users = [
        {
            "user_id": u,
            "user_name": f"bench{u:05d}",
            "user_email": f"bench{u:05d}@example.com",
            "user_password": password,
            "is_enabled": True,
            "created_at": now,
        }
        for u in range(1, n_users + 1)
    ]
    deposits = [
        {
            "transaction_id": u,
            "user_id": u,
            "transaction_type": "deposit",
            "amount": DEPOSIT,
            "status": "approved",
            "created_at": now,
            "updated_at": now,
            "decided_at": now,
        }
        for u in range(1, n_users + 1)
    ]
    total = dict.fromkeys(range(1, n_users + 1), DEPOSIT)
    ledger = [
        {
            "user_id": u,
            "amount": DEPOSIT,
            "kind": "deposit",
            "reference_type": "fund_transaction",
            "reference_id": u,
            "balance_after": DEPOSIT,
            "created_at": now,
        }
        for u in range(1, n_users + 1)
    ]

    # Each (user, ticker) with sells first bought exactly those shares with a market order.
    held = defaultdict(int)
    for user, ticker, side, _, qty in other:
        if side == "sell":
            held[(user, ticker)] += qty
    seed_orders, fills, positions = [], [], []
    for order_id, ((user, ticker), qty) in enumerate(sorted(held.items()), start=1):
        value = gross(BASE, qty)
        fee = commission(value, first_fill=True)
        seed_orders.append(
            {
                **resting_row(order_id, user, ticker, "buy", None, qty, now),
                "order_execution_type": "market",
                "time_in_force": "ioc",
                "order_price": None,
                "trigger_dir": None,
                "trigger_price": None,
                "reserved_cash": Decimal("0.00"),
                "filled_quantity": qty,
                "average_fill_price": BASE,
                "total_commission": fee,
                "order_status": "filled",
                "executed_at": now,
                "closed_at": now,
            }
        )
        fills.append(
            {
                "order_id": order_id,
                "user_id": user,
                "ticker": ticker,
                "transaction_type": "buy",
                "transaction_price": BASE,
                "transaction_quantity": qty,
                "transaction_amount": value,
                "commission": fee,
                "realized_pnl": None,
                "transaction_time": now,
            }
        )
        for kind, amount in (("buy", -value), ("commission", -fee)):
            total[user] += amount
            ledger.append(
                {
                    "user_id": user,
                    "amount": amount,
                    "kind": kind,
                    "reference_type": "order",
                    "reference_id": order_id,
                    "balance_after": total[user],
                    "created_at": now,
                }
            )
        positions.append(
            {
                "user_id": user,
                "ticker": ticker,
                "quantity": qty,
                "reserved_quantity": qty,
                "total_cost": value + fee,
                "average_price": ((value + fee) / qty).quantize(TICK),
                "realized_pnl": Decimal("0.00"),
                "last_updated": now,
            }
        )

    next_id = len(seed_orders) + 1
    resting, ladder_ids = [], []
    for n, (user, ticker, side, limit, qty) in enumerate(ladder + other):
        resting.append(resting_row(next_id + n, user, ticker, side, limit, qty, now))
        if n < len(ladder):
            ladder_ids.append(next_id + n)
    frozen = defaultdict(lambda: Decimal("0.00"))
    for row in resting:
        frozen[row["user_id"]] += row["reserved_cash"]
    accounts = []
    for u in range(1, n_users + 1):
        if total[u] - frozen[u] < 0:
            raise SystemExit(f"user {u} cannot cover its orders; raise --users")
        accounts.append(
            {
                "user_id": u,
                "available_balance": total[u] - frozen[u],
                "frozen_balance": frozen[u],
                "total_balance": total[u],
                "updated_at": now,
            }
        )

    for model, rows in (
        (User, users),
        (AccountBalance, accounts),
        (FundTransaction, deposits),
        (CashLedger, ledger),
        (Order, seed_orders),
        (Transaction, fills),
        (Portfolio, positions),
        (Order, resting),
    ):
        for start in range(0, len(rows), BATCH):
            with transaction():
                db.session.execute(insert(model.__table__), rows[start : start + BATCH])
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE TABLE orders, portfolio, account_balance")
    return ladder_ids


def check_against_place(provider: BenchProvider, symbol: str) -> list[str]:
    """Place one limit buy through services.orders.place and compare it with a bulk row."""
    user = db.session.get(User, 1)
    limit, qty = Decimal("95.5000"), 7
    spec = OrderSpec(
        ticker=symbol, side="buy", kind="limit", quantity=qty, limit=limit, time_in_force="gtc"
    )
    placed = order_service.place(user, spec)
    expected = resting_row(placed.order_id, 1, symbol, "buy", limit, qty, placed.created_at)
    row = (
        db.session.execute(select(Order.__table__).where(Order.order_id == placed.order_id))
        .mappings()
        .one()
    )
    skip = {"created_at", "updated_at"}
    diffs = [
        f"{k}: place()={row[k]!r} bulk={v!r}"
        for k, v in expected.items()
        if k not in skip and row[k] != v
    ]
    order_service.cancel(user, placed.order_id)
    db.session.close()
    return diffs


# -- the two ways of processing a tick ------------------------------------------------


def fill_each(order_ids, price) -> int:
    """Act on each order in its own transaction: the loop body of matching.on_price."""
    filled = 0
    for order_id in order_ids:
        with transaction():
            account, position, order = lock_for_order(order_id)
            filled += (act(account, position, order, price) if order.is_open else 0) > 0
    return filled


def reference_scan(prices: dict[str, Decimal]) -> tuple[list[int], float, float]:
    """The brief's processor: load every pending order through the ORM and test each against
    its ticker's current price. Returns (ids to fill, load seconds, check seconds)."""
    began = time.perf_counter()
    pending = db.session.scalars(select(Order).where(Order.order_status == "pending")).all()
    loaded = time.perf_counter()
    due = []
    for o in pending:
        price = prices.get(o.ticker)
        if price is None:
            continue
        if (o.order_type == "buy" and price <= o.order_price) or (
            o.order_type == "sell" and price >= o.order_price
        ):
            due.append(o.order_id)
    # Drop the 100,000 loaded objects before filling; otherwise every commit would expire
    # them all (see bench/README.md) and the comparison would no longer be about finding.
    db.session.expunge_all()
    db.session.rollback()
    return due, loaded - began, time.perf_counter() - loaded


def scan_tick(symbols, ticker: str, price: Decimal) -> tuple[int, float, float]:
    """A reference cycle in which only ``ticker`` moved to ``price``: scan, then fill."""
    prices = dict.fromkeys(symbols, BASE)
    prices[ticker] = price
    due, load_s, check_s = reference_scan(prices)
    return fill_each(due, price), load_s, check_s


def recreate(ladder, ladder_ids: list[int], rungs: int) -> None:
    """Put the first ``rungs`` ladder orders back as new pending orders (and re-reserve)."""
    if rungs == 0:
        return
    now = utcnow()
    first = db.session.scalar(select(func.max(Order.order_id))) + 1
    rows = []
    for i in range(rungs):
        user, ticker, side, limit, qty = ladder[i]
        rows.append(resting_row(first + i, user, ticker, side, limit, qty, now))
        ladder_ids[i] = first + i
    reserve = (
        update(AccountBalance.__table__)
        .where(AccountBalance.user_id == bindparam("uid"))
        .values(
            available_balance=AccountBalance.available_balance - bindparam("cash"),
            frozen_balance=AccountBalance.frozen_balance + bindparam("cash"),
        )
    )
    with transaction():
        db.session.execute(insert(Order.__table__), rows)
        db.session.execute(
            reserve, [{"uid": r["user_id"], "cash": r["reserved_cash"]} for r in rows]
        )
    db.session.close()


def timed(fn, *args):
    began = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - began, out


def explain_key(ticker: str, price: Decimal) -> str:
    """The index MariaDB picks for triggered()'s query, and its row estimate."""
    row = (
        db.session.execute(
            text(
                "EXPLAIN SELECT order_id, user_id FROM orders WHERE ticker = :t AND "
                "((trigger_dir = 'le' AND trigger_price >= :p) OR "
                "(trigger_dir = 'ge' AND trigger_price <= :p)) ORDER BY order_id"
            ),
            {"t": ticker, "p": price},
        )
        .mappings()
        .one()
    )
    db.session.rollback()
    return f"key={row['key']} rows~{row['rows']}"


# -- main --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Build the book, time both processors for each k, print the table and verify()."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--tickers", type=int, default=100)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--url", default="mysql+pymysql://root@127.0.0.1:3306/paperdesk_bench")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    fresh_database(args.url)
    app = create_app(
        TestConfig,
        {
            "SQLALCHEMY_DATABASE_URI": args.url,
            "LOG_DIR": tempfile.mkdtemp(prefix="paperdesk-bench-logs-"),
            "LOG_LEVEL": "WARNING",
            "WORKER_ENABLED": False,
        },
    )
    symbols = [f"Z{i:03d}" for i in range(args.tickers)]
    provider = BenchProvider(symbols)
    app.extensions["paperdesk_provider"] = provider
    with app.app_context():
        upgrade()
        run(args, symbols, provider)
        db.session.remove()
        db.engine.dispose()


def run(args, symbols: list[str], provider: BenchProvider) -> None:
    version = db.session.scalar(text("SELECT VERSION()"))
    flush = db.session.scalar(text("SELECT @@innodb_flush_log_at_trx_commit"))
    db.session.rollback()
    print(f"command: {shlex.join([os.path.relpath(sys.executable), *sys.argv])}")
    print(
        f"machine: {os.cpu_count()} CPUs ({_cpu_model()}), Python {platform.python_version()},"
        f" MariaDB {version} (innodb_flush_log_at_trx_commit={flush}), PyMySQL"
    )

    began = time.perf_counter()
    ladder, other = plan_book(args.orders, symbols, args.users, Random(args.seed))
    ladder_ids = load_book(ladder, other, args.users)
    pending = db.session.scalar(
        select(func.count()).select_from(Order).where(Order.order_status == "pending")
    )
    db.session.rollback()
    print(
        f"book: {pending:,} pending limit orders over {len(symbols)} tickers, {args.users:,}"
        f" users, loaded in {time.perf_counter() - began:.1f} s; ticked ticker {symbols[0]}"
        f" holds {LADDER + LADDER_SELLS:,}"
    )
    diffs = check_against_place(provider, symbols[1])
    print("bulk rows match a place()d order:", "yes" if not diffs else f"NO {diffs}")

    ticker = symbols[0]
    prices = {k: BASE - STEP * k for k in KS}  # crosses ladder rungs 1..k exactly
    print(f"tick prices on {ticker}: " + ", ".join(f"k={k:,} at {p}" for k, p in prices.items()))
    print(f"EXPLAIN triggered_ids (k=1,000): {explain_key(ticker, prices[1000])}")
    print(f"median of {args.repeat} runs, each on the same book (filled orders re-created)\n")

    results = []
    for k, price in prices.items():
        ids_s, pd_s, scan_s, load_s, check_s = [], [], [], [], []
        for _ in range(args.repeat):
            seconds, found = timed(triggered_ids, ticker, price)
            db.session.rollback()
            assert len(found) == k, (k, len(found))
            ids_s.append(seconds)

            seconds, filled = timed(on_price, ticker, price)
            assert filled == k, f"on_price filled {filled}, expected {k}"
            pd_s.append(seconds)
            db.session.close()
            recreate(ladder, ladder_ids, k)

            seconds, (filled, load, check) = timed(scan_tick, symbols, ticker, price)
            assert filled == k, f"scan filled {filled}, expected {k}"
            scan_s.append(seconds)
            load_s.append(load)
            check_s.append(check)
            db.session.close()
            recreate(ladder, ladder_ids, k)
        results.append(
            (f"k={k:,}", k, *map(statistics.median, (ids_s, pd_s, scan_s, load_s, check_s)))
        )

    # A worker tick prices the whole universe: on_price for every ticker vs one scan.
    pd_all, scan_all = [], []
    for _ in range(args.repeat):
        seconds, filled = timed(lambda: sum(on_price(t, BASE) for t in symbols))
        assert filled == 0
        pd_all.append(seconds)
        db.session.close()
        seconds, (filled, load, check) = timed(scan_tick, symbols, ticker, BASE)
        assert filled == 0
        scan_all.append(seconds)
        db.session.close()
    results.append(
        (
            f"all {len(symbols)} tickers, k=0",
            0,
            None,
            statistics.median(pd_all),
            statistics.median(scan_all),
            None,
            None,
        )
    )

    print(
        f"{'tick':<22} {'find s':>8} {'PaperDesk s':>12} {'scan s':>8} {'scan/PD':>8}"
        f" {'PD fills/s':>11} {'scan fills/s':>13}"
    )
    for label, k, ids, pd, scan, _, _ in results:
        find = f"{ids:8.4f}" if ids is not None else f"{'':8}"
        rates = f"{k / pd:11,.0f} {k / scan:13,.0f}" if k else f"{'-':>11} {'-':>13}"
        print(f"{label:<22} {find} {pd:12.4f} {scan:8.3f} {scan / pd:7.1f}x {rates}")
    print(
        "\nfind s = triggered_ids() alone; PaperDesk s = matching.on_price(); scan s = load"
        " every pending order, test each, fill the due ones with the same per-order code"
    )
    for label, _, _, _, _, load, check in results:
        if load is not None:
            print(f"  scan {label}: ORM load {load:.3f} s, Python check {check:.3f} s")

    began = time.perf_counter()
    problems = verify()
    db.session.rollback()
    print(
        f"\nverify(): {'books balance' if not problems else problems[:5]}"
        f" ({len(problems)} problems, {time.perf_counter() - began:.1f} s)"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
