"""Load and crash test: gunicorn (4 processes) on MariaDB driven by locust, then audit verify.

    .venv/bin/python bench/load.py                         # 50 users, 60 s
    .venv/bin/python bench/load.py --crash 24 --seconds 120  # with 24 SIGKILLs during the run
    .venv/bin/python bench/load.py --users 10 --seconds 20 --crash 4   # the short form (CI)

Builds a fresh database (--database-url, default the local MariaDB `paperdesk_load`), seeds
traders with cash, shares and API tokens and an admin, starts gunicorn with
gunicorn.conf.py (every process runs the market worker; the lease picks one) and runs
bench/locustfile.py headless. It prints requests per second and p50/p95/p99 latency per
endpoint, the order endpoint as a ratio to the trivial /health in the same run, and then:
`flask audit verify`, every acknowledged order found in the database with its owner, and
with --crash the kills made and how long the lease took to move after each kill of its
holder. Exits non-zero if any check fails.
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_setup import fresh_database, lease_row, seed, transactions  # noqa: E402

ORDER = "POST /user/api/create_order [market]"
TRIVIAL = "GET /health (trivial)"


def start_server(settings: dict, port: int, processes: int, log_dir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "LOG_DIR": log_dir,
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "load-test-secret",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(processes),
        "GUNICORN_ACCESS_LOG": os.devnull,
        "WORKER_ENABLED": "true",
        "LEASE_SECONDS": str(settings["LEASE_SECONDS"]),
        "STREAM_SLOTS": "3",
        "LOGIN_MAX_FAILURES_PER_IP": "100000",
    }
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"]
    err = open(Path(log_dir) / "gunicorn.err", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=err, stderr=err)
    _wait_until_up(f"http://127.0.0.1:{port}", server)
    _wait_until_ready(Path(log_dir) / "gunicorn.err", processes)
    return server


def _wait_until_ready(log: Path, processes: int) -> None:
    """Wait until every process has loaded the app: one that answers first must not
    leave the others' start-up (seconds of imports each) inside the measured run."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if log.read_text().count("PaperDesk process ready") >= processes:
            return
        time.sleep(0.3)
    raise SystemExit("gunicorn's processes did not all start")


def _wait_until_up(url: str, server) -> None:
    import requests

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start-up")
        try:
            if requests.get(f"{url}/health", timeout=3).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def process_age(pid: int) -> float:
    """Seconds since the process started (-1 if it is gone)."""
    try:
        started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0
    return uptime - started / os.sysconf("SC_CLK_TCK")


def utc_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Killer(threading.Thread):
    """SIGKILLs app processes at random moments; every third kill aims at the lease holder
    and times how long the lease takes to move to a survivor."""

    def __init__(self, settings, master: int, kills: int, seconds: float, grace: float = 2.0):
        super().__init__(daemon=True)
        self.grace = grace
        self.url = ""  # the server, asked for /health while a handover is awaited
        self.settings, self.master, self.kills, self.seconds = settings, master, kills, seconds
        self.done: list[str] = []
        self.handovers: list[float] = []
        self.failed_handovers = 0
        self.no_survivor = 0
        # Per holder kill: how old its last heartbeat was, how long the survivors had been
        # up (a process restarted a moment ago may still be importing the app), the load.
        self.notes: list[dict] = []

    def run(self):
        rng = random.Random(2026)
        # Spread over the run (a random moment within each slot), so a killed process
        # can come back before the next kill.
        slot = (self.seconds - 10) / self.kills
        gaps = [5 + n * slot + rng.uniform(0, slot * 0.8) for n in range(self.kills)]
        start = time.monotonic()
        for n, at in enumerate(gaps):
            time.sleep(max(0.0, start + at - time.monotonic()))
            self._kill_one(rng, aim_holder=n % 3 == 0)

    def _kill_one(self, rng, aim_holder: bool) -> None:
        # Processes come back a moment after a kill; wait for a live target, never skip.
        for _ in range(200):
            holder, pids = lease_row(self.settings), worker_pids(self.master)
            holder_pid = int(holder["holder"].split(":")[1]) if holder else None
            if aim_holder and holder_pid not in pids:
                time.sleep(0.1)
                continue
            if not pids:
                time.sleep(0.1)
                continue
            target = holder_pid if aim_holder else rng.choice(pids)
            before = transactions(self.settings) if aim_holder else None
            try:
                os.kill(target, signal.SIGKILL)
            except ProcessLookupError:
                continue
            self.done.append("holder" if aim_holder else "process")
            if aim_holder:
                lag = (utc_naive() - holder["heartbeat_at"]).total_seconds()
                survivors = [p for p in pids if p != target]
                self._time_handover(holder["holder"], survivors, lag, before)
            return

    def _health(self) -> int:
        # A server that answers nobody (every process starved or stuck) cannot move the lease
        # either: this tells that apart from a survivor that answers but does not take it.
        return _answers(self.url) if self.url else 0

    def _time_handover(self, old: str, survivors: list[int], heartbeat_lag: float, before):
        killed = time.monotonic()
        ages = [round(process_age(p), 1) for p in survivors]
        note = {"heartbeat_lag": round(heartbeat_lag, 1), "survivor_ages": ages}
        note |= {"load": round(os.getloadavg()[0], 1), "transactions_at_kill": before}
        note["slowest_read_ms"] = 0
        self.notes.append(note)
        limit = self.settings["LEASE_SECONDS"] + self.grace + 3
        note["health_answers"] = polls = 0
        while time.monotonic() - killed < limit:
            polls += 1
            if polls % 5 == 0:  # now and then, so the lease is still read every ~0.1 s
                note["health_answers"] += self._health()
            asked = time.monotonic()
            row = lease_row(self.settings)
            took = round((time.monotonic() - asked) * 1000)
            note["slowest_read_ms"] = max(note["slowest_read_ms"], took)
            if row and row["holder"] != old:
                self.handovers.append(time.monotonic() - killed)
                note["moved_after"] = round(self.handovers[-1], 1)
                return
            time.sleep(0.1)
        alive = [p for p in survivors if Path(f"/proc/{p}").exists()]
        note["moved_after"] = None
        note["transactions_after"] = transactions(self.settings)
        if alive:
            self.failed_handovers += 1
        else:
            self.no_survivor += 1


class LeaseWatch(threading.Thread):
    """Reads the lease every 0.25 s: the longest time its row went without a heartbeat
    while the run lasted, how long it stayed expired, and the slowest read."""

    def __init__(self, settings):
        super().__init__(daemon=True)
        self.settings, self.stop = settings, threading.Event()
        self.worst_lag = self.worst_expired = self.slowest_read = 0.0
        self.holders: list[str] = []

    def run(self):
        while not self.stop.wait(0.25):
            asked = time.monotonic()
            row = lease_row(self.settings)
            self.slowest_read = max(self.slowest_read, time.monotonic() - asked)
            if row is None:
                continue
            now = utc_naive()
            self.worst_lag = max(self.worst_lag, (now - row["heartbeat_at"]).total_seconds())
            expired = (now - row["expires_at"]).total_seconds()
            self.worst_expired = max(self.worst_expired, expired)
            if not self.holders or self.holders[-1] != row["holder"]:
                self.holders.append(row["holder"])

    def summary(self) -> str:
        return (
            f"lease watch: {len(self.holders)} holders in turn; longest without a heartbeat "
            f"{self.worst_lag:.1f} s, longest expired and not taken {self.worst_expired:.1f} s; "
            f"slowest read of the lease {self.slowest_read * 1000:.0f} ms"
        )


def _answers(url: str) -> int:
    import requests

    try:
        return int(requests.get(f"{url}/health", timeout=0.5).ok)
    except requests.RequestException:
        return 0


def run_locust(url: str, users: int, seconds: int, out: str, env: dict) -> None:
    command = [
        str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
        "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s", "--host", url,
        "--csv", out, "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING",
        "--reset-stats",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=env, check=False)


def read_stats(prefix: str) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    return rows


def print_stats(rows: dict) -> None:
    """Per endpoint: requests, requests per second, failures, p50/p95/p99 in ms."""
    head = f"{'requests':>8} {'req/s':>7} {'fail':>5} {'p50':>5} {'p95':>5} {'p99':>5}"
    print(f"\n{'endpoint (latency in ms)':52} {head}")
    for name, row in sorted(rows.items(), key=lambda kv: kv[0] != "Aggregated"):
        print(
            f"{name[:52]:52} {row['Request Count']:>8} {float(row['Requests/s']):7.1f} "
            f"{row['Failure Count']:>5} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
        )
    if ORDER in rows and TRIVIAL in rows:
        order, base = rows[ORDER], rows[TRIVIAL]
        ratio = float(order["50%"]) / max(float(base["50%"]), 1)
        print(f"\nmarket order p50 {order['50%']} ms vs /health p50 {base['50%']} ms: x{ratio:.1f}")
        ratio99 = float(order["99%"]) / max(float(base["99%"]), 1)
        print(f"market order p99 {order['99%']} ms vs /health p99 {base['99%']} ms: x{ratio99:.1f}")


def check_acks(settings: dict, ack_file: str) -> tuple[int, list[int]]:
    from bench.load_setup import orders_of

    acks = [json.loads(line) for line in Path(ack_file).read_text().splitlines() if line]
    stored = orders_of(settings, [a["order_id"] for a in acks])
    lost = [a["order_id"] for a in acks if stored.get(a["order_id"]) != a["user_id"]]
    return len(acks), lost


def audit(settings: dict) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "WORKER_ENABLED": "false",
    }
    result = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "app", "audit", "verify", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "LOAD_DATABASE_URL", "mysql+pymysql://root@127.0.0.1:3306/paperdesk_load"))  # fmt: skip
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--port", type=int, default=5073)
    parser.add_argument(
        "--think", default="0.05,0.3", help="a trader's pause between tasks, MIN,MAX s (0: none)"
    )
    parser.add_argument("--crash", type=int, default=0, help="SIGKILLs during the run")
    parser.add_argument("--lease-seconds", type=float, default=5.0)
    parser.add_argument(
        "--handover-grace",
        type=float,
        default=2.0,
        help="seconds beyond LEASE_SECONDS a survivor may take to pick the lease up",
    )
    args = parser.parse_args()

    settings = {"SQLALCHEMY_DATABASE_URI": args.database_url, "LEASE_SECONDS": args.lease_seconds}
    tmp = tempfile.mkdtemp(prefix="paperdesk-load-")
    settings["LOG_DIR"] = tmp
    fresh_database(args.database_url)
    seed_file, ack_file = f"{tmp}/seed.json", f"{tmp}/acks.jsonl"
    Path(seed_file).write_text(json.dumps(seed(settings, traders=max(args.users, 10))))
    server = start_server(settings, args.port, args.processes, tmp)
    killer = None
    watch = LeaseWatch(settings)
    watch.start()
    try:
        if args.crash:
            killer = Killer(settings, server.pid, args.crash, args.seconds, args.handover_grace)
            killer.url = f"http://127.0.0.1:{args.port}"
            killer.start()
        env = {
            **os.environ,
            "LOAD_SEED_FILE": seed_file,
            "LOAD_ACK_FILE": ack_file,
            "LOAD_THINK": args.think,
        }
        started = time.monotonic()
        run_locust(f"http://127.0.0.1:{args.port}", args.users, args.seconds, f"{tmp}/locust", env)
        elapsed = time.monotonic() - started
        if killer:
            killer.join(timeout=args.lease_seconds + args.handover_grace + 10)
    finally:
        watch.stop.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    print_stats(read_stats(f"{tmp}/locust"))
    print(f"run: {elapsed:.0f} s of locust, {args.users} users, {args.processes} processes")
    ok = True
    report = audit(settings)
    checked = report["checked"]
    print(
        f"\naudit verify: {report['problem_count']} problem(s) over "
        f"{checked['accounts']} accounts, {checked['orders']} orders"
    )
    for problem in report["problems"][:20]:
        print(f"  FAIL {problem['message']}")
    ok &= report["ok"]
    acked, lost = check_acks(settings, ack_file)
    print(f"acknowledged orders: {acked}, missing or with another owner: {len(lost)} {lost[:10]}")
    ok &= not lost
    print(watch.summary())
    if killer:
        worst = max(killer.handovers, default=0.0)
        print(
            f"kills: {len(killer.done)} ({killer.done.count('holder')} of the lease holder); "
            f"lease moved after each holder kill within {worst:.1f} s "
            f"(LEASE_SECONDS={args.lease_seconds}); handovers that did not happen: "
            f"{killer.failed_handovers} (and {killer.no_survivor} with no survivor up)"
        )
        for n, note in enumerate(killer.notes, 1):
            print(f"  holder kill {n}: {note}")
        # A survivor's next attempt (every WORKER_INTERVAL) after the lease runs out, plus
        # this script's polling.
        ok &= worst <= args.lease_seconds + args.handover_grace
        ok &= killer.failed_handovers == 0 and len(killer.done) >= args.crash
    print(f"\nlogs and locust CSV in {tmp}")
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
