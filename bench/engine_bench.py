"""The trading engine's cost per operation, against the platform's own floor.

For each path (GET /about, GET /api/price, a market order into an existing and into
a new position, a limit order placed and cancelled, worker fills) it prints:

- round trips per operation, counted by SQLAlchemy event listeners (statements by
  kind, COMMIT, ROLLBACK) and at the driver (every query, commit, rollback and ping
  PyMySQL or mysqlclient sends), over a serial in-process run (Flask test client
  with a Bearer token, so no CSRF or session cookie);
- the app's CPU per operation (process time of that serial run) and its serial rate;
- the rate and p50/p99 latency under --clients concurrent keep-alive clients against
  gunicorn (--workers x --threads, gthread), the servers' CPU per request read from
  /proc, the ratio to GET /about measured in the same run, the slowest client's mean
  latency and how many of the connections each gunicorn process held (from /proc);
- the floor: a bare transaction of 8 statements (2 SELECT ... FOR UPDATE, 2 UPDATE,
  3 INSERT, COMMIT) on one raw DBAPI connection, serial and over 8 connections.

It DROPS and recreates the database named by --url, builds the schema with the
migrations and creates --users users with $1,000,000 each and an API token.
Every driver in --drivers that is installed is measured in the same run.

    .venv/bin/python bench/engine_bench.py
    .venv/bin/python bench/engine_bench.py --drivers pymysql,mysqldb --seconds 8 --clients 50
    .venv/bin/python bench/engine_bench.py --app-dir /path/to/other/checkout   # compare code
"""

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="mysql+pymysql://root@127.0.0.1:3306/paperdesk_engine_bench")
    p.add_argument("--drivers", default="pymysql,mysqldb")
    p.add_argument("--app-dir", default=str(HERE.parent), help="the PaperDesk checkout to measure")
    p.add_argument("--users", type=int, default=60)
    p.add_argument("--serial", type=int, default=200, help="operations per serial measurement")
    p.add_argument("--fills", type=int, default=1000, help="resting orders a tick fills")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=8.0, help="per concurrent measurement")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--port", type=int, default=5033)
    p.add_argument("--no-http", action="store_true", help="skip the gunicorn measurements")
    p.add_argument(
        "--rounds", type=int, default=2, help="with --compare-dir: turns per path (ABBA...)"
    )
    p.add_argument(
        "--compare-dir",
        help="another checkout (e.g. main) served beside this one; its concurrent runs are"
        " interleaved with this one's, on the same database, so both see the same load",
    )
    return p.parse_args()


def load_util(name: str):
    """utils/<name>.py of this checkout, whatever --app-dir points at."""
    path = HERE.parent / f"utils/{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


PROCNET = load_util("procnet")


def driver_url(url: str, driver: str) -> str:
    rest = url.split("://", 1)[1]
    return f"mysql+{driver}://{rest}"


def installed(driver: str) -> bool:
    module = {"pymysql": "pymysql", "mysqldb": "MySQLdb"}[driver]
    return importlib.util.find_spec(module) is not None


# --- setup -----------------------------------------------------------------------------


def settings(url: str, log_dir: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "WORKER_ENABLED": False,
        "LOG_DIR": log_dir,
        "LOG_LEVEL": "WARNING",
        "QUOTE_TTL": 3600,  # quotes stay fresh for the run: no provider calls in the timings
        "SECRET_KEY": "engine-bench",
    }


def build(app, users: int) -> list[tuple[int, str]]:
    """Schema, an admin, users with cash and a token each; returns (user_id, token)."""
    from flask_migrate import upgrade

    from extensions import db
    from models import User
    from services import accounts, funds, market, tokens

    with app.app_context():
        upgrade()
        admin = accounts.create_admin("bench_admin", "bench-admin-pass-1")
        made = []
        for i in range(users):
            user = accounts.register_user(f"bench{i}", f"bench{i}@example.com", "bench-pass-123")
            request = funds.request_deposit(user, "1000000.00")
            funds.approve(admin, request.transaction_id)
            _, plaintext = tokens.create_token(db.session.get(User, user.user_id), "bench")
            made.append((user.user_id, plaintext))
        market.get_quotes(sorted(market.known_tickers()))  # store every quote once
        db.session.remove()
    return made


def drop_and_create(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    server = create_engine(parsed.set(database=""))
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{parsed.database}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4")
    server.dispose()


# --- serial, in process ---------------------------------------------------------------------


class Serial:
    """Run one operation n times in process; count round trips, time wall and CPU."""

    def __init__(self, app, counters):
        from extensions import db

        self.app, self.counters = app, counters
        with app.app_context():
            self.engines = [db.engine]
            try:  # the token lookup's autocommit pool, where this checkout has one
                from services.pool import autocommit_engine

                self.engines.append(autocommit_engine())
            except ImportError:
                pass

    def measure(self, name: str, op, n: int, warm: int = 5) -> dict:
        for i in range(warm):
            op(i)
        events = self.counters.RoundTrips(*self.engines).attach()
        driver = self.counters.DriverCounter().attach()
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(warm, warm + n):
            op(i)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        events.detach()
        driver.detach()
        kinds = {k: v / n for k, v in sorted(events.counts.items())}
        return {
            "path": name,
            "events": events.total / n,
            "kinds": kinds,
            "driver": driver.total / n if driver.counts else None,
            "driver_kinds": {k: v / n for k, v in sorted(driver.counts.items())},
            "cpu_ms": cpu / n * 1000,
            "serial_rate": n / wall,
        }


def http_ops(app, users):
    client = app.test_client()

    def auth(i):
        return {"Authorization": f"Bearer {users[i % len(users)][1]}"}

    def about(_i):
        assert client.get("/about").status_code == 200

    def price(i):
        assert client.get("/api/price?ticker=AAPL", headers=auth(i)).status_code == 200

    def order(i, ticker="AAPL", **extra):
        body = {"ticker": ticker, "order_type": "buy", "execution_type": "market", "quantity": 1}
        body.update(extra)
        response = client.post("/user/api/create_order", json=body, headers=auth(i))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json

    return client, auth, about, price, order


def serial_paths(app, counters, users, n: int) -> list[dict]:
    from services import market

    run = Serial(app, counters)
    client, auth, about, price, order = http_ops(app, users)
    with app.app_context():
        tickers = sorted(t for t in market.known_tickers() if t not in ("AAPL", "MSFT"))
        # 20 % below the quote: resting, and inside the fat-finger band (25 %)
        resting_limit = str(
            (market.get_quote("AAPL").price * Decimal("0.8")).quantize(Decimal("0.01"))
        )
    for i in range(len(users)):
        order(i)  # every user holds AAPL: later AAPL buys add to a position
    pairs = [(u, t) for t in tickers for u in range(len(users))]

    def new_position(i):
        user, ticker = pairs[i % len(pairs)]
        order(user, ticker)

    resting: list[int] = []

    def place(i):
        body = order(i, execution_type="limit", price=resting_limit, time_in_force="gtc")
        resting.append((i, body["order_id"]))

    def cancel(_i):
        i, order_id = resting.pop()
        response = client.post(f"/user/orders/{order_id}/cancel", headers=auth(i))
        assert response.status_code == 200, response.get_data(as_text=True)

    rows = [
        run.measure("GET /about", about, n),
        run.measure("GET /api/price", price, n),
        run.measure("market order, existing position", order, n),
        run.measure("market order, new position", new_position, min(n, len(pairs) - 10)),
        run.measure("limit order placed", place, n),
        run.measure("limit order cancelled", cancel, n),
    ]
    return rows


def fill_paths(app, counters, users, fills: int) -> list[dict]:
    """Resting buys on MSFT, then one tick below them all; per fill."""
    from extensions import db
    from models import User
    from services import market, matching, orders
    from services.orders import OrderSpec

    rows = []
    batch_sizes = [1, None] if "FILL_BATCH_SIZE" in app.config else [None]
    for size in batch_sizes:
        with app.app_context():
            price = market.get_quote("MSFT").price
            limit = (price * Decimal("0.99")).quantize(Decimal("0.01"))
            for i in range(fills):
                user = db.session.get(User, users[i % len(users)][0])
                spec = OrderSpec(
                    "MSFT", "buy", "limit", quantity=1, limit=limit, time_in_force="gtc"
                )
                orders.place(user, spec)
            db.session.remove()
        if size is not None:
            app.config["FILL_BATCH_SIZE"] = size
        label = "worker fills, one per transaction" if size == 1 else "worker fills, one tick"
        if size is None and "FILL_BATCH_SIZE" in app.config:
            app.config["FILL_BATCH_SIZE"] = 200
            label += " (batches of 200)"
        counted = {}

        def tick(_i, below=limit - Decimal("0.01"), counted=counted):
            with app.app_context():
                counted["filled"] = matching.on_price("MSFT", below)
                db.session.remove()

        row = Serial(app, counters).measure(label, tick, 1, warm=0)
        n = max(counted["filled"], 1)
        for key in ("events", "driver", "cpu_ms"):
            row[key] = row[key] / n if row[key] is not None else None
        row["kinds"] = {k: v / n for k, v in row["kinds"].items()}
        row["driver_kinds"] = {k: v / n for k, v in row["driver_kinds"].items()}
        row["serial_rate"] = row["serial_rate"] * n
        row["filled"] = counted["filled"]
        rows.append(row)
    return rows


# --- the floor ------------------------------------------------------------------------------

BARE = [
    ("SELECT total_balance FROM account_balance WHERE user_id = %s FOR UPDATE", "u"),
    ("SELECT quantity FROM portfolio WHERE user_id = %s AND ticker = 'AAPL' FOR UPDATE", "u"),
    ("UPDATE account_balance SET updated_at = NOW() WHERE user_id = %s", "u"),
    ("UPDATE portfolio SET last_updated = NOW() WHERE user_id = %s AND ticker = 'AAPL'", "u"),
    (
        "INSERT INTO cash_ledger (user_id, amount, kind, reference_type, reference_id,"
        " balance_after, created_at) SELECT user_id, 0, 'bench', 'bench', 0, total_balance,"
        " NOW() FROM account_balance WHERE user_id = %s",
        "u",
    ),
    (
        "INSERT INTO audit_log (actor_type, action, created_at) VALUES ('system', %s, NOW())",
        "a",
    ),
    (
        "INSERT INTO audit_log (actor_type, action, created_at) VALUES ('system', %s, NOW())",
        "a",
    ),
]


def bare_transactions(engine, user_ids, n: int, threads: int = 1) -> tuple[float, float]:
    """(transactions/s, client CPU ms per transaction) of the 8-statement transaction."""

    def work(count, user_id):
        conn = engine.raw_connection()
        cursor = conn.cursor()
        for _ in range(count):
            for sql, arg in BARE:
                cursor.execute(sql, (user_id if arg == "u" else "bench.bare",))
                cursor.fetchall()
            conn.commit()
        cursor.close()
        conn.close()

    work(5, user_ids[0])
    per = n // threads
    pool = [threading.Thread(target=work, args=(per, user_ids[i])) for i in range(threads)]
    cpu, wall = time.process_time(), time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return per * threads / wall, cpu / (per * threads) * 1000


# --- concurrent, over HTTP --------------------------------------------------------------------


def start_gunicorn(args, url: str, log_dir: str, app_dir: str, port: int):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        WORKER_ENABLED="0",
        QUOTE_TTL="3600",
        LOG_DIR=log_dir,
        LOG_LEVEL="WARNING",
        SECRET_KEY="engine-bench",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", str(args.workers), "--threads", str(args.threads)]
    command += ["-k", "gthread", "-b", f"127.0.0.1:{port}", "--backlog", "256"]
    # gunicorn.conf.py is read too (it is in app_dir): its access log goes nowhere here,
    # and no process is recycled mid-run (that would reset its CPU count in /proc)
    command += ["--access-logfile", os.devnull, "--max-requests", "0"]
    command += ["--log-level", "warning", "app:create_app()"]
    proc = subprocess.Popen(command, cwd=app_dir, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            asyncio.run(_one_get(port, "/about"))
            if len(_children(proc.pid)) >= args.workers:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


async def _one_get(port: int, path: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    await reader.read()
    writer.close()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def request_bytes(method: str, path: str, token: str | None, body: dict | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", "Accept: application/json"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def _client(port, make, stop_at, warm_until, latencies, errors, index, ports):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    ports.add(writer.get_extra_info("sockname")[1])
    request = make(index)
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        if started >= warm_until:
            latencies[index].append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
        if b"connection: close" in head.lower():
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            ports.add(writer.get_extra_info("sockname")[1])
    writer.close()


def concurrent(port, make, clients: int, seconds: float, pids: list[int]) -> dict:
    """Raw figures of one run: latencies by client, errors, server CPU seconds, and the
    connections each gunicorn process held once the clients were all connected."""
    latencies, errors, ports = {i: [] for i in range(clients)}, [], set()
    warm = 1.0

    async def main():
        now = time.perf_counter()
        tasks = [
            _client(port, make, now + warm + seconds, now + warm, latencies, errors, i, ports)
            for i in range(clients)
        ]
        await asyncio.gather(*tasks)

    cpu_before, spread = None, []

    def sample():
        nonlocal cpu_before, spread
        time.sleep(warm)
        cpu_before = _cpu_seconds(pids)
        if PROCNET.available():
            share = PROCNET.port_share(set(pids[1:]), port, set(ports))
            spread = sorted(share.connections.values(), reverse=True)

    sampler = threading.Thread(target=sample)
    sampler.start()
    asyncio.run(main())
    sampler.join()
    cpu = _cpu_seconds(pids) - cpu_before
    return {"latencies": latencies, "errors": errors, "cpu": cpu, "spread": spread}


def summary(runs: list[dict], seconds: float) -> dict:
    """Rate, p50/p99, the slowest client's mean latency, server CPU per request and the
    connections per process over several runs of one path."""
    latencies = sorted(x for run in runs for v in run["latencies"].values() for x in v)
    client_means = [statistics.mean(v) for run in runs for v in run["latencies"].values() if v]
    count, cpu = len(latencies), sum(run["cpu"] for run in runs)
    return {
        "rate": count / (seconds * len(runs)),
        "p50_ms": statistics.median(latencies) * 1000 if count else None,
        "p99_ms": latencies[max(int(count * 0.99) - 1, 0)] * 1000 if count else None,
        "slowest_ms": max(client_means) * 1000 if client_means else None,
        "server_cpu_ms": cpu / count * 1000 if count else None,
        "spread": ", ".join("/".join(map(str, run["spread"])) for run in runs if run["spread"]),
        "errors": sum(len(run["errors"]) for run in runs),
    }


def http_paths(args, url: str, users, log_dir: str) -> dict:
    """{app label: {path: summary}}; with --compare-dir the two apps take turns (ABBA)."""
    apps = [("this", args.app_dir, args.port)]
    if args.compare_dir:
        apps.append(("compared", args.compare_dir, args.port + 1))
    servers = {}
    for label, app_dir, port in apps:
        proc = start_gunicorn(args, url, log_dir, app_dir, port)
        servers[label] = (proc, port, [proc.pid, *_children(proc.pid)])
    order = {"ticker": "AAPL", "order_type": "buy", "execution_type": "market", "quantity": 1}
    makers = {
        "GET /about": lambda i: request_bytes("GET", "/about", None, None),
        "GET /api/price": lambda i: request_bytes(
            "GET", "/api/price?ticker=AAPL", users[i % len(users)][1], None
        ),
        "market order, existing position": lambda i: request_bytes(
            "POST", "/user/api/create_order", users[i % len(users)][1], order
        ),
    }
    rounds = args.rounds if len(apps) > 1 else 1
    seconds = args.seconds / rounds
    runs = {label: {name: [] for name in makers} for label, _, _ in apps}
    try:
        for name, make in makers.items():
            for turn in range(rounds):
                for label, _, _ in apps if turn % 2 == 0 else reversed(apps):
                    _, port, pids = servers[label]
                    run = concurrent(port, make, args.clients, seconds, pids)
                    runs[label][name].append(run)
    finally:
        for proc, _, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    return {
        label: {name: summary(r, seconds) for name, r in paths.items()}
        for label, paths in runs.items()
    }


# --- report ------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "-"


def _kinds(kinds: dict) -> str:
    return ", ".join(f"{v:g} {k}" for k, v in kinds.items() if k != "checkout" and v)


def report(driver: str, rows: list[dict], http: dict, floor: dict) -> None:
    about = http.get("GET /about", {}).get("rate")
    print(f"\n== {driver}")
    header = (
        f"{'path':<44} {'trips':>6} {'driver':>6} {'cpu ms':>7} {'serial/s':>9}"
        f" {'50c /s':>8} {'p99 ms':>7} {'srv ms':>7} {'x about':>7}"
    )
    print(header)
    for row in rows:
        h = http.get(row["path"], {})
        driver_trips = f"{row['driver']:.1f}" if row["driver"] is not None else "-"
        rate = f"{h['rate']:.0f}" if h else "-"
        p99 = f"{h['p99_ms']:.0f}" if h and h["p99_ms"] is not None else "-"
        srv = f"{h['server_cpu_ms']:.2f}" if h and h["server_cpu_ms"] is not None else "-"
        ratio = f"{h['rate'] / about:.2f}" if h and about else "-"
        print(
            f"{row['path']:<44} {row['events']:>6.1f} {driver_trips:>6} {row['cpu_ms']:>7.2f}"
            f" {row['serial_rate']:>9.0f} {rate:>8} {p99:>7} {srv:>7} {ratio:>7}"
        )
    print(
        f"{'bare 8-statement transaction (floor)':<44} {8:>6} {8:>6} {floor['cpu_ms']:>7.2f}"
        f" {floor['serial']:>9.0f} {floor['threads8']:>8.0f} {'-':>7} {'-':>7} {'-':>7}"
    )
    market = next(r for r in rows if r["path"] == "market order, existing position")
    print(
        f"serial market order / bare transaction: {floor['serial'] / market['serial_rate']:.1f}x"
        f" the time; 50c column for the floor is 8 threads on 8 connections"
    )
    print("\nround trips by kind (SQLAlchemy events | driver):")
    for row in rows:
        print(f"  {row['path']:<42} {_kinds(row['kinds'])} | {_kinds(row['driver_kinds'])}")
    if http:
        print("\nconcurrent: the slowest client's mean latency; connections per gunicorn process")
    for name, h in http.items():
        print(f"  {name:<42} {_ms(h['slowest_ms']):>5} ms; {h['spread'] or '-'}")
    for name, h in http.items():
        if h["errors"]:
            print(f"  {name}: {h['errors']} non-200 answers under load")


def compare(other: str, this: dict, compared: dict) -> None:
    """The concurrent figures of --compare-dir, measured in turns with this checkout's."""
    print(f"\nconcurrent, interleaved with {other} (same database, same load):")
    columns = f"{'p99 ms':>7} {'slowest':>7} {'x about':>7}"
    print(f"{'path':<44} {'this /s':>8} {columns}   {'other /s':>8} {columns}")
    for name, mine in this.items():
        theirs = compared[name]
        cells = []
        for h, about in ((mine, this["GET /about"]), (theirs, compared["GET /about"])):
            ratio = h["rate"] / about["rate"]
            cells.append(
                f"{h['rate']:>8.0f} {_ms(h['p99_ms']):>7} {_ms(h['slowest_ms']):>7} {ratio:>7.2f}"
            )
        print(f"{name:<44} {cells[0]}   {cells[1]}")
    print("connections per gunicorn process in each run, this | other:")
    for name, mine in this.items():
        print(f"  {name:<42} {mine['spread'] or '-'} | {compared[name]['spread'] or '-'}")


def main() -> None:
    args = parse_args()
    counters = load_util("dbcount")
    sys.path.insert(0, args.app_dir)
    os.chdir(args.app_dir)
    from app import create_app
    from config import Config

    log_dir = tempfile.mkdtemp(prefix="engine-bench-")
    drivers = [d for d in args.drivers.split(",") if d and installed(d)]
    print(f"app: {args.app_dir}; drivers: {', '.join(drivers)}; load: {os.getloadavg()}")
    for driver in drivers:
        url = driver_url(args.url, driver)
        drop_and_create(url)
        app = create_app(Config, settings(url, log_dir))
        users = build(app, args.users)
        rows = serial_paths(app, counters, users, args.serial)
        rows += fill_paths(app, counters, users, args.fills)
        with app.app_context():
            from extensions import db

            ids = [u for u, _ in users]
            serial, cpu = bare_transactions(db.engine, ids, args.serial * 2)
            threads8, _ = bare_transactions(db.engine, ids, args.serial * 4, threads=8)
            db.engine.dispose()
        floor = {"serial": serial, "cpu_ms": cpu, "threads8": threads8}
        http = {} if args.no_http else http_paths(args, url, users, log_dir)
        report(driver, rows, http.get("this", {}), floor)
        if "compared" in http:
            compare(args.compare_dir, http["this"], http["compared"])
        with app.app_context():
            from services.verify import verify

            problems = verify()
            print(f"verify(): {len(problems)} problems" + (f": {problems[:3]}" if problems else ""))
            db.engine.dispose()
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
