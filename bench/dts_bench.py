"""The DTS workloads on MariaDB: commands per second, grouped against one per transaction.

For each workload in --workloads (10, 45 and 100 users, the 2019 final workload), the
first --limit commands run through the service layer three ways, each on emptied tables:

- per-command (the baseline): every command in its own ORM transaction, through the same
  services (services.dts.runner with a group of one and a fresh context per command, so
  nothing is carried between commands: the user and the armed triggers are read again
  each time, as a request would);
- grouped: ``flask dts run``'s runner, serially, DTS_GROUP_SIZE commands per transaction;
- grouped with --users-parallel N: each user's commands in order, users on N connections.

With --drivers (default: PyMySQL, and mysqlclient when it is installed) the service
layer runs once per MySQL driver, the same database and commands, so the two can be
compared; --users-parallel uses worker processes there (their CPU is counted too).

Each prints commands/s and its ratio to the per-command run of the same workload in the
same run, checks that every way ended with the same commands, errors and final balances
(fixed simulated clock, seeded quotes), and runs ``flask audit verify``. The first grouped
run also writes a DUMPLOG and validates it against logfile.xsd.

Over HTTP (unless --no-http): gunicorn with --workers processes serves the checkout in
--app-dir; --clients clients, each taking users in turn, send their commands to the batch
endpoint (POST /api/dts/batch, --batch lines a request) and to the one-line endpoint
(POST /api/dts) with an admin API token (the one-line endpoint gets the first --one-line
commands only: a request each is slow). A checkout without those endpoints is said so,
and only the service layer is measured.

--profile runs one workload (--profile-workload, default 2019) again per-command and
grouped with round trips counted (utils/dbcount.py RoundTrips) and wall time, CPU and round
trips per command kind, then the grouped run under cProfile (top entries).

Options of the earlier form of this script still work: --database-url, --dir, --group,
--processes, --workloads given space-separated, "final" for 2019, --http (the default).

It DROPS and recreates the database of --url.

    .venv/bin/python bench/dts_bench.py --limit 2000
    .venv/bin/python bench/dts_bench.py --workloads 100,2019 --limit 5000 --parallel 4 --profile
    .venv/bin/python bench/dts_bench.py --workloads 2019 --limit 0 --no-http   # all 1.2 million
"""

import argparse
import cProfile
import http.client
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path
from queue import Empty, SimpleQueue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

FILES = {
    "1": "1userWorkLoad.txt",
    "2": "2userWorkLoad.txt",
    "10": "10userWorkLoad.txt",
    "45": "45userWorkLoad.txt",
    "100": "100userWorkLoad.txt",
    "2019": "final_workload_2019_by_user.txt",
}
ALIASES = {"final": "2019"}
from bench.load_setup import fresh_database  # noqa: E402

GOAL = 2000  # commands/s: 1.2 million commands in 10 minutes


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--url",
        "--database-url",
        default="mysql+pymysql://root@127.0.0.1:3306/paperdesk_dtsbench",
    )
    p.add_argument(
        "--workloads",
        nargs="+",
        default=["10,45,100,2019"],
        help="of " + ",".join(FILES) + " ('final' is 2019), comma- or space-separated",
    )
    p.add_argument(
        "--workload-dir",
        "--dir",
        default=os.environ.get("DTS_WORKLOADS", str(ROOT.parent / "shared" / "workloads" / "dts")),
        help="folder of the workload files and logfile.xsd (env DTS_WORKLOADS)",
    )
    p.add_argument("--limit", type=int, default=2000, help="first N commands of each (0: all)")
    p.add_argument(
        "--baseline-limit",
        type=int,
        default=0,
        help="the per-command run on only the first N of those (0: the same commands)",
    )
    p.add_argument("--parallel", type=int, default=4, help="connections for --users-parallel")
    p.add_argument(
        "--drivers",
        default="pymysql,mysqldb",
        help="MySQL drivers the service layer runs on (mysqldb: mysqlclient, if installed)",
    )
    p.add_argument("--group-size", "--group", type=int, default=200)
    p.add_argument("--sim-clock", type=float, default=1.0, help="simulated seconds a command")
    p.add_argument("--no-prewarm", action="store_true", help="walk the quotes during the run")
    p.add_argument("--no-http", action="store_true", help="the service layer only")
    p.add_argument("--http", action="store_true", help="(the default) also over HTTP")
    p.add_argument("--app-dir", default=str(ROOT), help="the checkout gunicorn serves")
    p.add_argument("--port", type=int, default=5160)
    p.add_argument("--workers", "--processes", type=int, default=4, help="gunicorn processes")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    p.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    p.add_argument("--batch", type=int, default=200, help="lines per batch request")
    p.add_argument(
        "--one-line",
        type=int,
        default=1000,
        help="commands sent to the one-line endpoint (the first N, 0: all)",
    )
    p.add_argument("--profile", action="store_true", help="where the time goes (see above)")
    p.add_argument("--profile-workload", help="the workload profiled (default: 2019 if run)")
    return p.parse_args()


# --- setup --------------------------------------------------------------------------------


def make_app(url: str, log_dir: str):
    from app import create_app
    from config import Config

    return create_app(
        Config,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WORKER_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "LOG_DIR": log_dir,
            "DTS_LOG_DIR": log_dir,
            "SECRET_KEY": "dts-bench",
        },
    )


def empty_tables(app) -> None:
    """Every table emptied (TRUNCATE), so each run starts from the same state."""
    from extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
            for table in db.metadata.sorted_tables:
                conn.exec_driver_sql(f"TRUNCATE TABLE `{table.name}`")
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")


def read_lines(path: Path, limit: int) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit else lines


# --- the service layer ----------------------------------------------------------------------


def items_for(lines, sim_clock):
    from services.dts.parallel import sim_clock as clock
    from services.dts.runner import read_items

    return read_items(lines, clock=clock(sim_clock))


def per_command(app, items, quotes, _args):
    """The baseline: one command, one transaction, a fresh context each time."""
    from services.dts.context import Context
    from services.dts.runner import Tally, run_items

    tally = Tally()
    for item in items:
        tally.count(run_items(Context(quotes, admin=True), [item], 1))
    return tally


def grouped(app, items, quotes, args):
    from services.dts import parallel

    return parallel.run(app, items, quotes, 1, args.group_size)


def grouped_parallel(app, items, quotes, args):
    from services.dts import parallel

    return parallel.run(app, items, quotes, args.parallel, args.group_size)


def prewarm(quotes, items) -> None:
    """Walk every symbol to the last minute the run asks of it, before the run.

    The seeded walk is extended on demand from wherever it stands, so the prices it
    gives depend on the order in which minutes are first asked; users run in parallel
    ask in another order than a serial run. Walked ahead once, every run reads the same
    prices and the runs can be compared (the walk then costs nothing during the run).
    """
    from services.dts.parallel import SIM_START

    last = {}
    for item in items:
        symbol = getattr(item.cmd, "symbol", None)
        if symbol:
            at = item.at or SIM_START
            day = at.date()
            if last.get((symbol, day), at) <= at:
                last[(symbol, day)] = at
    for (symbol, _day), at in last.items():
        quotes.quote(symbol, "prewarm", at)


def timed_run(app, name, run, lines, args) -> dict:
    """Empty the tables, run the commands one way; time, tally, balances, audit verify."""
    from extensions import db
    from services.dts import parallel
    from services.dts.quotes import QuoteSource

    empty_tables(app)
    with app.app_context():
        items = items_for(lines, args.sim_clock)
        quotes = QuoteSource(app.config["DTS_QUOTE_SEED"])
        if not args.no_prewarm:
            prewarm(quotes, items)
        started, cpu = time.perf_counter(), cpu_seconds()
        tally = run(app, items, quotes, args)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        db.session.remove()
        names = list(dict.fromkeys(i.user for i in items if i.user))
        document = parallel.summary(tally, names)
        db.session.remove()
    return {
        "name": name,
        "commands": tally.commands,
        "errors": document["errors"],
        "users": len(names),
        "seconds": seconds,
        "rate": tally.commands / seconds if seconds else 0.0,
        "cpu_ms": cpu / max(tally.commands, 1) * 1000,
        "balances": document["users"],
        "verify": audit_verify(app),
    }


def cpu_seconds() -> float:
    """CPU of this process and of its finished children (the --users-parallel workers)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def drivers(args) -> list[tuple[str, str]]:
    """(driver, URL) for each of --drivers that is installed (a SQLite URL: itself)."""
    import importlib.util

    from sqlalchemy.engine import make_url

    url = make_url(args.url)
    if url.get_backend_name() != "mysql":
        return [(url.get_driver_name(), args.url)]
    modules = {"pymysql": "pymysql", "mysqldb": "MySQLdb"}
    found = []
    for name in (d.strip() for d in args.drivers.split(",") if d.strip()):
        if importlib.util.find_spec(modules.get(name, name)) is None:
            print(f"driver {name}: not installed, skipped")
            continue
        rendered = url.set(drivername=f"mysql+{name}").render_as_string(hide_password=False)
        found.append((name, rendered))
    return found or [(url.get_driver_name(), args.url)]


def audit_verify(app) -> str:
    """``flask audit verify`` on the bench database: its last line (exit code checked)."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    text = result.output.strip().splitlines()
    summary = " / ".join(line for line in text if line.startswith(("Checked", "OK", "FAIL")))
    if result.exit_code != 0:
        raise SystemExit(f"flask audit verify failed:\n{result.output}")
    return summary


def dumplog_check(app, xsd: Path, after: int, args) -> str:
    """DUMPLOG of the whole log (as the admin) on the simulated clock after ``after``
    commands, validated against logfile.xsd (whose timestamps end in 2022)."""
    import xmlschema

    from extensions import db
    from services.dts.context import Context
    from services.dts.parallel import sim_clock
    from services.dts.quotes import QuoteSource
    from services.dts.runner import read_items, run_items

    with app.app_context():
        ctx = Context(QuoteSource(app.config["DTS_QUOTE_SEED"]), admin=True)
        line = ["DUMPLOG,./dts-bench-log.xml"]
        clock = sim_clock(args.sim_clock if args.sim_clock is not None else 1.0)
        [outcome] = run_items(ctx, read_items(line, after + 1, lambda _i: clock(after)), 1)
        db.session.remove()
        if not outcome.success:
            raise SystemExit(f"DUMPLOG failed: {outcome.error}")
        path = Path(app.config["DTS_LOG_DIR"]) / outcome.result["file"]
    started = time.perf_counter()
    schema = xmlschema.XMLSchema(str(xsd))
    errors = list(schema.iter_errors(xmlschema.XMLResource(str(path), lazy=True)))
    if errors:
        raise SystemExit(f"{path} does not validate against {xsd.name}: {errors[0]}")
    size, took = path.stat().st_size / 1e6, time.perf_counter() - started
    return f"{path.name}: {size:.1f} MB, valid against {xsd.name} ({took:.1f} s)"


MODES = (
    ("per-command", per_command),
    ("grouped", grouped),
    ("grouped parallel", grouped_parallel),
)


def service_layer(app, key, lines, args, xsd, first: bool, driver: str = "") -> list[dict]:
    runs = []
    for name, run in MODES:
        label = f"{name} x{args.parallel}" if run is grouped_parallel else name
        label = f"{label} ({driver})" if driver else label
        part = lines
        if run is per_command and args.baseline_limit:
            part = lines[: args.baseline_limit]
        result = timed_run(app, label, run, part, args)
        runs.append(result)
        print(
            f"  {label:<30} {result['rate']:8.0f}/s  {result['cpu_ms']:5.2f} ms CPU a command"
            f"   {result['verify']}",
            flush=True,
        )
        if first and run is grouped:
            print(f"  DUMPLOG: {dumplog_check(app, xsd, len(lines), args)}", flush=True)
    base = runs[0]
    for result in runs[1:]:
        if base["commands"] != result["commands"]:
            result["same"] = None  # a shorter baseline (--baseline-limit): not comparable
            continue
        same = (result["commands"], result["errors"], result["balances"]) == (
            base["commands"],
            base["errors"],
            base["balances"],
        )
        result["same"] = same
        if not same:
            print(f"  WARNING: {result['name']} did not end as per-command did", flush=True)
    return runs


# --- the profile ---------------------------------------------------------------------------


class PerKind:
    """Wall time, CPU and round trips of each command kind, by wrapping runner.run_one."""

    def __init__(self, counter):
        from collections import defaultdict

        self.counter = counter
        self.rows = defaultdict(lambda: [0, 0.0, 0.0, 0])  # n, wall, cpu, round trips

    def __enter__(self):
        from services.dts import runner

        self.runner, self.original = runner, runner.run_one

        def timed(ctx, item):
            trips, wall, cpu = self.counter.total, time.perf_counter(), time.process_time()
            try:
                return self.original(ctx, item)
            finally:
                row = self.rows[item.cmd.name if item.cmd else "(bad line)"]
                row[0] += 1
                row[1] += time.perf_counter() - wall
                row[2] += time.process_time() - cpu
                row[3] += self.counter.total - trips

        runner.run_one = timed
        return self

    def __exit__(self, *exc):
        self.runner.run_one = self.original

    def print(self, total_wall: float) -> None:
        """One line per command kind, slowest share first; the rest is the groups'
        event INSERTs and COMMITs (outside any one command)."""
        print("    command              n   ms wall  ms CPU  trips  share of wall")
        for name, (n, wall, cpu, trips) in sorted(self.rows.items(), key=lambda r: -r[1][1]):
            print(
                f"    {name:<16} {n:>5} {wall / n * 1000:>9.2f} {cpu / n * 1000:>7.2f} "
                f"{trips / n:>6.2f} {wall / total_wall:>9.0%}"
            )
        rest = total_wall - sum(row[1] for row in self.rows.values())
        label = "(events, commits)"
        print(f"    {label:<45} {rest / total_wall:>9.0%}")


def profile(app, lines, args) -> None:
    """Per command kind: wall, CPU and round trips (per-command and grouped runs), then the
    grouped run again under cProfile."""
    from extensions import db
    from services.dts.quotes import QuoteSource
    from utils.dbcount import RoundTrips

    for name, run, profiled in (
        ("per-command", per_command, False),
        ("grouped", grouped, False),
        ("grouped", grouped, True),
    ):
        empty_tables(app)
        with app.app_context():
            items = items_for(lines, args.sim_clock)
            quotes = QuoteSource(app.config["DTS_QUOTE_SEED"])
            prewarm(quotes, items)
            counter = RoundTrips(db.engine).attach()
            profiler = cProfile.Profile()
            started, wall = time.process_time(), time.perf_counter()
            if profiled:
                profiler.enable()
                run(app, items, quotes, args)
                profiler.disable()
            else:
                with PerKind(counter) as kinds:
                    run(app, items, quotes, args)
            cpu, wall = time.process_time() - started, time.perf_counter() - wall
            counter.detach()
            db.session.remove()
        n = len(items)
        if profiled:
            for order in ("tottime", "cumulative"):
                out = StringIO()
                stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
                stats.print_stats(18)
                body = out.getvalue().split("ncalls", 1)[-1].rstrip()
                print(f"  cProfile, grouped run, top by {order}:\n    ncalls{body}\n")
            continue
        counts = ", ".join(f"{k} {v / n:.3f}" for k, v in counter.counts.most_common())
        print(f"  {name}: {counter.total / n:.2f} round trips a command ({counts})")
        print(f"  {name}: {wall / n * 1000:.2f} ms wall, {cpu / n * 1000:.2f} ms CPU a command")
        kinds.print(wall)


# --- over HTTP -----------------------------------------------------------------------------


def start_gunicorn(args, log_dir: str):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.url,
        WORKER_ENABLED="0",
        LOG_DIR=log_dir,
        DTS_LOG_DIR=log_dir,
        LOG_LEVEL="WARNING",
        SECRET_KEY="dts-bench",
        PYTHONDONTWRITEBYTECODE="1",
        GUNICORN_ACCESS_LOG=os.devnull,
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", str(args.workers), "--threads", str(args.threads)]
    command += ["-k", "gthread", "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"]
    command += ["--timeout", "300", "app:create_app()"]
    out = open(Path(log_dir) / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        command, cwd=args.app_dir, env=env, stdout=out, stderr=out, start_new_session=True
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", args.port), "GET", "/about")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    stop_gunicorn(proc)
    raise SystemExit("gunicorn did not start")


def stop_gunicorn(proc) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass


def request(conn, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def admin_token(app) -> str:
    from extensions import db
    from services import accounts, tokens

    with app.app_context():
        admin = accounts.create_admin("bench_admin", "bench-admin-pass-1")
        _, plaintext = tokens.create_token(admin, "dts-bench")
        db.session.remove()
    return plaintext


def has_endpoints(args, token) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", args.port)
    status, _ = request(conn, "POST", "/api/dts/batch", token, {"lines": ["QUOTE,nobody,ABC"]})
    return status != 404


def user_streams(lines):
    """Each user's lines in order (users in order of first appearance), then the rest."""
    from services.dts.runner import read_items

    streams, rest = {}, []
    for line, item in zip(lines, read_items(lines), strict=True):
        if item.user is None:
            rest.append(line)
        else:
            streams.setdefault(item.user, []).append(line)
    return list(streams.values()), rest


def drive(args, token, streams, chunk: int) -> tuple[int, int, float]:
    """--clients threads, each taking a user's lines in turn and sending them in order,
    ``chunk`` lines a request (1: the one-line endpoint); returns commands, errors, s."""
    queue, tally, failures, lock = SimpleQueue(), [0, 0], [], threading.Lock()
    for stream in streams:
        queue.put(stream)

    def send(conn, part):
        if chunk == 1:
            status, body = request(conn, "POST", "/api/dts", token, {"line": part[0]})
            if status not in (200, 400):
                raise RuntimeError(f"POST /api/dts: {status} {body[:200]!r}")
            return 1, int(status != 200)
        status, body = request(conn, "POST", "/api/dts/batch", token, {"lines": part})
        if status != 200:
            raise RuntimeError(f"POST /api/dts/batch: {status} {body[:200]!r}")
        answer = json.loads(body)
        return answer["commands"], answer["errors"]

    def work():
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=300)
        try:
            while not failures:
                try:
                    stream = queue.get_nowait()
                except Empty:
                    return
                for start in range(0, len(stream), chunk):
                    done, errors = send(conn, stream[start : start + chunk])
                    with lock:
                        tally[0] += done
                        tally[1] += errors
        except Exception as exc:  # reported by the caller's thread
            failures.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=work) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return tally[0], tally[1], time.perf_counter() - started


def over_http(app, args, lines, base_rate) -> list[dict]:
    sample = lines[: args.one_line] if args.one_line else lines
    runs = []
    ways = ((f"HTTP batch of {args.batch}", args.batch, lines), ("HTTP one line", 1, sample))
    for name, chunk, part in ways:
        streams, rest = user_streams(part)
        empty_tables(app)
        token = admin_token(app)
        commands, errors, seconds = drive(args, token, streams, chunk)
        if rest:
            more = drive(args, token, [rest], chunk)
            commands, errors, seconds = commands + more[0], errors + more[1], seconds + more[2]
        rate = commands / seconds if seconds else 0.0
        result = {"name": name, "commands": commands, "errors": errors, "rate": rate}
        result["verify"] = audit_verify(app)
        runs.append(result)
        print(
            f"  {name:<22} {rate:8.0f}/s   x{rate / base_rate:.2f}   {result['verify']}",
            flush=True,
        )
    return runs


# --- report --------------------------------------------------------------------------------


def report(table) -> None:
    head = "way                               cmds/s  x per-command  errors  same"
    print(f"\nworkload   commands users  {head}")
    for key, runs in table:
        base = runs[0]["rate"]
        for r in runs:
            same = {True: "yes", False: "NO", None: "-"}[r.get("same")]
            print(
                f"{key:<10} {r['commands']:>8} {r.get('users', '-'):>5}  {r['name']:<32} "
                f"{r['rate']:>7.0f}  {r['rate'] / base:>12.2f}  {r['errors']:>6}  {same}"
            )
    print(f"\ngoal: {GOAL} commands/s (the 2019 workload, 1.2 million commands, in 10 minutes)")


def main() -> None:
    args = parse_args()
    folder = Path(args.workload_dir)
    xsd = folder / "logfile.xsd"
    keys = [ALIASES.get(k, k) for w in args.workloads for k in w.split(",") if k.strip()]
    for key in keys:
        if key not in FILES or not (folder / FILES[key]).is_file():
            raise SystemExit(f"workload {key!r}: no {FILES.get(key, '?')} in {folder}")
    log_dir = tempfile.mkdtemp(prefix="dts-bench-")
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores; database {args.url}")
    fresh_database(args.url)
    apps = [(name, make_app(url, log_dir)) for name, url in drivers(args)]
    app = apps[0][1]
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    server = None
    if not args.no_http:
        server = start_gunicorn(args, log_dir)
        empty_tables(app)
        if not has_endpoints(args, admin_token(app)):
            print(f"no /api/dts endpoints in {args.app_dir}: the service layer only")
            stop_gunicorn(server)
            server = None
    table = []
    try:
        for n, key in enumerate(keys):
            lines = read_lines(folder / FILES[key], args.limit)
            print(f"\n{FILES[key]}: {len(lines)} commands (load {os.getloadavg()[0]:.1f})")
            runs = []
            for number, (driver, driven) in enumerate(apps):
                label = driver if len(apps) > 1 else ""
                first = n == 0 and number == 0
                runs += service_layer(driven, key, lines, args, xsd, first, label)
            if server is not None:
                runs += over_http(app, args, lines, runs[0]["rate"])
            table.append((key, runs))
        if args.profile:
            key = ALIASES.get(args.profile_workload, args.profile_workload)
            key = key or ("2019" if "2019" in keys else keys[0])
            lines = read_lines(folder / FILES[key], args.limit)
            print(f"\nprofile, {FILES[key]}, {len(lines)} commands:")
            profile(app, lines, args)
    finally:
        if server is not None:
            stop_gunicorn(server)
    report(table)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
