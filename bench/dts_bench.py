"""DTS workloads on MariaDB: commands per second through the service layer and over HTTP.

    .venv/bin/python bench/dts_bench.py --limit 3000
    .venv/bin/python bench/dts_bench.py --workloads 10 100 final --limit 5000 --http

For each workload (the first --limit lines of it) on a fresh database:

- "grouped": the runner as `flask dts run` uses it (DTS_GROUP_SIZE commands per
  transaction, no savepoint unless a command fails after writing, events in multi-row
  INSERTs), serially and with --parallel connections;
- "baseline": the same commands, one transaction per command (group size 1), in the
  same run, so the ratio compares like with like on this machine's load;
- with --http: gunicorn (--processes, gthread) on the same database, the batch endpoint
  (--batch lines a request, one client per process) and the one-line endpoint (a few
  hundred lines, one request each), commands per second.

After each run `audit verify` must pass. The load average is printed with the figures.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_setup import fresh_database  # noqa: E402

WORKLOADS = {
    "10": "10userWorkLoad.txt",
    "45": "45userWorkLoad.txt",
    "100": "100userWorkLoad.txt",
    "final": "final_workload_2019_by_user.txt",
}
DEFAULT_DIR = ROOT.parent / "shared" / "workloads" / "dts"


def make_app(url: str, log_dir: str):
    from app import create_app
    from config import Config

    return create_app(
        Config,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WORKER_ENABLED": False,
            "DTS_LOG_DIR": log_dir,
            "LOG_LEVEL": "WARNING",
        },
    )


def prepare(url: str, log_dir: str):
    from flask_migrate import upgrade

    fresh_database(url)
    app = make_app(url, log_dir)
    with app.app_context():
        upgrade()
    return app


def service_run(url: str, lines, group: int, workers: int, log_dir: str) -> float:
    """Commands per second of the runner on a fresh database (verify must pass)."""
    from services import verify
    from services.dts import parallel
    from services.dts.quotes import QuoteSource
    from services.dts.runner import read_items

    app = prepare(url, log_dir)
    with app.app_context():
        quotes = QuoteSource(app.config["DTS_QUOTE_SEED"])
        items = read_items(lines, clock=parallel.sim_clock(1))
        started = time.perf_counter()
        outcomes = parallel.run(app, items, quotes, workers, group)
        seconds = time.perf_counter() - started
        problems = verify.verify()
    if problems:
        raise SystemExit(f"audit verify failed: {problems[:3]}")
    return len(outcomes) / seconds


def admin_token(app) -> str:
    from services import accounts, tokens

    with app.app_context():
        admin = accounts.create_admin("dts_bench", "dts-bench-pass-2026")
        return tokens.create_token(admin, "bench")[1]


def http_run(url: str, lines, processes: int, batch: int, one_line: int, port: int, log_dir):
    """(batch commands/s, one-line commands/s) over gunicorn."""
    import requests

    from bench.load import start_server

    app = prepare(url, log_dir)
    token = admin_token(app)
    settings = {"SQLALCHEMY_DATABASE_URI": url, "LEASE_SECONDS": 10}
    os.environ["WORKER_ENABLED"] = "false"
    server = start_server(settings, port, processes, log_dir)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    try:
        streams = _by_user(lines, processes)
        started = time.perf_counter()
        threads = [
            threading.Thread(target=_post_batches, args=(base, headers, s, batch)) for s in streams
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        batch_rate = len(lines) / (time.perf_counter() - started)
        session = requests.Session()
        sample = [
            f"ADD,oneline{i % 20},1.00" if i % 2 else f"QUOTE,oneline{i % 20},ABC"
            for i in range(one_line)
        ]
        started = time.perf_counter()
        for text in sample:
            session.post(f"{base}/api/dts", json={"line": text}, headers=headers, timeout=30)
        line_rate = len(sample) / (time.perf_counter() - started)
    finally:
        server.terminate()  # the gunicorn master stops its processes
        server.wait(timeout=60)
    return batch_rate, line_rate


def _by_user(lines, parts: int):
    """Split lines into ``parts`` streams, each user's lines in one stream, in order."""
    streams = [[] for _ in range(parts)]
    owner = {}
    for text in lines:
        fields = text.split("] ", 1)[-1].lstrip("$ ").split(",")
        user = fields[1] if len(fields) > 1 else ""
        index = owner.setdefault(user, len(owner) % parts)
        streams[index].append(text)
    return streams


def _post_batches(base, headers, stream, batch):
    import requests

    session = requests.Session()
    for start in range(0, len(stream), batch):
        chunk = stream[start : start + batch]
        answer = session.post(
            f"{base}/api/dts/batch", json={"lines": chunk}, headers=headers, timeout=300
        )
        answer.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="mysql+pymysql://root@127.0.0.1:3306/paperdesk_dts_bench"
    )
    parser.add_argument("--workloads", nargs="+", default=["10", "45", "100", "final"])
    parser.add_argument("--dir", default=str(DEFAULT_DIR))
    parser.add_argument("--limit", type=int, default=3000, help="first N lines of each file")
    parser.add_argument("--baseline-limit", type=int, default=1000)
    parser.add_argument("--group", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--one-line", type=int, default=300)
    parser.add_argument("--port", type=int, default=5115)
    args = parser.parse_args()
    log_dir = tempfile.mkdtemp(prefix="dts-bench-")
    print(f"load average before: {os.getloadavg()}")
    for name in args.workloads:
        path = Path(args.dir) / WORKLOADS[name]
        lines = [x for x in path.read_text().splitlines() if x.strip()][: args.limit]
        base = service_run(args.database_url, lines[: args.baseline_limit], 1, 1, log_dir)
        grouped = service_run(args.database_url, lines, args.group, 1, log_dir)
        wide = service_run(args.database_url, lines, args.group, args.parallel, log_dir)
        print(
            f"{name:>5}: {len(lines)} lines | baseline (1 command/transaction, first "
            f"{min(len(lines), args.baseline_limit)}) {base:7.0f}/s | grouped {grouped:7.0f}/s "
            f"(x{grouped / base:.1f}) | grouped, {args.parallel} connections {wide:7.0f}/s "
            f"(x{wide / base:.1f}) | load {os.getloadavg()[0]:.1f}"
        )
        if args.http:
            batch_rate, line_rate = http_run(
                args.database_url,
                lines,
                args.processes,
                args.batch,
                args.one_line,
                args.port,
                log_dir,
            )
            print(
                f"{name:>5}: HTTP, gunicorn x{args.processes}: batch of {args.batch} "
                f"{batch_rate:7.0f}/s | one line per request {line_rate:7.0f}/s "
                f"| load {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
