"""The event stream's hot spots: rule evaluation per tick, the activity aggregator, and
the latency from a committed fill to a Server-Sent Event in another process over Redis.

Run from the project root:  .venv/bin/python bench/streams_bench.py [--rules N]
[--tickers N] [--ticks N] [--events N] [--fills N] [--port P] [--no-latency].

1. Rules: N active rules over the tickers (windows of 5 or 10 s), fed one price per
   ticker per tick. The rule book (prices indexed by ticker, moving averages kept
   incrementally and shared by the rules of a ticker and window) against a plain loop
   that visits every rule each tick and averages its window from the price history.
   Both produce the same signals (asserted). Also when only a tenth of the tickers move.
2. Aggregator: events per second into the tumbling windows (TumblingWindows.add), over
   a seeded mix of placed, filled, rejected and cancelled events.
3. Latency: this process places market orders (each commits and publishes its fill to
   Redis); a gunicorn process of PaperDesk on --port serves the user's notification
   stream, whose ``fill`` events a reader thread here timestamps. Latency is from the
   moment the database commit returned to the moment the SSE line was read.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.rules.book import RuleBook, RuleView  # noqa: E402
from utils.streams.signals import read  # noqa: E402
from utils.streams.windows import TumblingWindows  # noqa: E402


def make_rules(count: int, tickers: list[str], rng: random.Random) -> list[RuleView]:
    """Seeded rules: a random ticker, a 5 or 10 s window, bands of 0.2-1 %."""
    return [
        RuleView(
            i, i % 500, rng.choice(tickers), rng.choice((5, 10)),
            rng.uniform(0.2, 1.0), rng.uniform(0.2, 1.0), 60, None, None,
        )
        for i in range(count)
    ]  # fmt: skip


def price_path(tickers, ticks: int, moving_share: float, rng: random.Random):
    """Per tick: the (ticker, price) pairs that moved, a random walk from 100."""
    level = dict.fromkeys(tickers, 100.0)
    path = []
    for _ in range(ticks):
        moved = [t for t in tickers if rng.random() < moving_share]
        for t in moved:
            level[t] *= 1 + rng.gauss(0, 0.003)
        path.append([(t, level[t]) for t in moved])
    return path


def run_book(rules, path) -> tuple[float, int]:
    book = RuleBook()
    book.set_rules(rules)
    signals = 0
    started = time.perf_counter()
    for second, moved in enumerate(path):
        for ticker, price in moved:
            signals += len(book.on_price(ticker, float(second), price))
    return time.perf_counter() - started, signals


def run_plain(rules, path) -> tuple[float, int]:
    history: dict[str, list[tuple[float, float]]] = {}
    signals = 0
    started = time.perf_counter()
    for second, moved in enumerate(path):
        now = float(second)
        fresh = {}
        for ticker, price in moved:
            history.setdefault(ticker, []).append((now, price))
            fresh[ticker] = price
        for rule in rules:  # every rule, every tick: the baseline
            price = fresh.get(rule.ticker)
            if price is None:
                continue
            window = [p for at, p in history[rule.ticker] if at > now - rule.window]
            if len(window) < 2:
                continue
            signal = read(price, sum(window) / len(window), rule.buy_below, rule.sell_above)
            if signal.side is not None and not (
                rule.last_trade is not None and now - rule.last_trade < rule.cooldown
            ):
                signals += 1
    return time.perf_counter() - started, signals


def bench_rules(args) -> None:
    rng = random.Random(1)
    tickers = [f"T{i:03d}" for i in range(args.tickers)]
    rules = make_rules(args.rules, tickers, rng)
    print(
        f"\n1. rules: {args.rules:,} active rules over {args.tickers} tickers, {args.ticks} ticks"
    )
    for share in (1.0, 0.1):
        path = price_path(tickers, args.ticks, share, random.Random(2))
        book_s, book_n = min(
            (run_book(rules, path) for _ in range(args.repeat)), key=lambda r: r[0]
        )
        plain_s, plain_n = min(
            (run_plain(rules, path) for _ in range(args.repeat)), key=lambda r: r[0]
        )
        assert book_n == plain_n, (book_n, plain_n)
        book_ms, plain_ms = book_s / args.ticks * 1e3, plain_s / args.ticks * 1e3
        print(
            f"   {share:>4.0%} of tickers move per tick: rule book {book_ms:8.3f} ms/tick,"
            f" plain loop {plain_ms:8.3f} ms/tick, x{plain_s / book_s:5.1f}"
            f"  ({book_n:,} signals in both)"
        )


def make_events(count: int, rng: random.Random):
    kinds = ["order.placed"] * 5 + ["order.filled"] * 4 + ["order.rejected", "order.closed"]
    tickers = [f"T{i:03d}" for i in range(100)]
    out, at = [], 1_700_000_000.0
    for _ in range(count):
        at += rng.expovariate(20_000)
        kind = rng.choice(kinds)
        payload = {"user_id": rng.randrange(1000), "ticker": rng.choice(tickers)}
        if kind == "order.placed":
            payload |= {
                "side": rng.choice(("buy", "sell")),
                "kind": rng.choice(("market", "limit")),
            }
        elif kind == "order.filled":
            payload["value"] = "1234.50"
        elif kind == "order.closed":
            payload["status"] = "cancelled"
        # one in a hundred arrives up to 3 s late
        out.append((at - (rng.uniform(0, 3) if rng.random() < 0.01 else 0), kind, payload))
    return out


def bench_aggregator(args) -> None:
    stream = make_events(args.events, random.Random(3))
    best = float("inf")
    for _ in range(args.repeat):
        windows = TumblingWindows(width=5, grace=2)
        started = time.perf_counter()
        add = windows.add
        for at, kind, payload in stream:
            add(at, kind, payload)
        windows.advance(stream[-1][0] + 10)
        best = min(best, time.perf_counter() - started)
    print(
        f"\n2. aggregator: {args.events:,} events, 5 s windows, 2 s grace:"
        f" {args.events / best:,.0f} events/s (goal 200,000), {windows.late_total:,} late"
    )


def bench_latency(args) -> None:
    import redis

    url = "redis://127.0.0.1:6379/5"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.ConnectionError, OSError):
        print("\n3. latency: skipped, Redis does not answer on 127.0.0.1:6379")
        return
    workdir = Path(tempfile.mkdtemp(prefix="streams-bench-"))
    key = f"bench:events:{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "REDIS_URL": url,
        "EVENT_STREAM_KEY": key,
        "WORKER_ENABLED": "false",
        "LOG_DIR": str(workdir),
        "INSTANCE_PATH": str(workdir),
        "SECRET_KEY": "bench-only",
        "STREAM_MAX_SECONDS": "600",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    from app import create_app
    from extensions import db
    from models import User
    from services import accounts, funds, orders, tokens
    from services.orders import OrderSpec

    app = create_app()
    with app.app_context():
        user = accounts.register_user("bench", "bench@example.com", "Latency-check-2026")
        admin = accounts.create_admin("bench_admin", "Latency-check-2026")
        funds.approve(admin, funds.request_deposit(user, "1000000.00").transaction_id)
        token = tokens.create_token(user, "bench")[1]
        user_id = user.user_id
        db.session.remove()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "1", "--threads", "4", "--graceful-timeout", "1",
         "-b", f"127.0.0.1:{args.port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    arrived: dict[int, float] = {}
    committed: dict[int, float] = {}
    try:
        _wait_up(args.port)
        reader = threading.Thread(
            target=_read_stream, args=(args.port, token, arrived), daemon=True
        )
        reader.start()
        time.sleep(1.0)  # the stream is open and reading
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        last_commit = {}
        event.listen(
            Session, "after_commit", lambda s: last_commit.update(t=time.time()), insert=True
        )
        with app.app_context():
            for _ in range(args.fills):
                person = db.session.get(User, user_id)
                order = orders.place(person, OrderSpec("AAPL", "buy", "market", quantity=1))
                committed[order.order_id] = last_commit["t"]
                db.session.remove()
                time.sleep(0.02)
        deadline = time.time() + 5
        while len(arrived) < len(committed) and time.time() < deadline:
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)
        redis.Redis.from_url(url).delete(key)
    lat = sorted((arrived[o] - t) * 1000 for o, t in committed.items() if o in arrived)
    if not lat:
        print("\n3. latency: no fill event reached the stream")
        return
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print(
        "\n3. latency, fill committed here -> SSE line read in gunicorn's stream, over Redis:"
        f" {len(lat)}/{len(committed)} fills, p50 {p50:.2f} ms, p99 {p99:.2f} ms,"
        f" max {lat[-1]:.2f} ms"
    )


def _wait_up(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _read_stream(port: int, token: str, arrived: dict) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/user/stream/notifications",
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
    )
    with urllib.request.urlopen(request, timeout=60) as stream:
        kind = None
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "fill":
                arrived[json.loads(line[6:])["order_id"]] = time.time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--tickers", type=int, default=100)
    parser.add_argument("--ticks", type=int, default=60)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--fills", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=5053)
    parser.add_argument("--no-latency", action="store_true")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    bench_rules(args)
    bench_aggregator(args)
    if not args.no_latency:
        bench_latency(args)


if __name__ == "__main__":
    main()
