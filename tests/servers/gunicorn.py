"""Start PaperDesk on gunicorn against the test database, for tests that need a real server."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its base URL and master process."""

    url: str
    master: subprocess.Popen

    def worker_pids(self) -> set[int]:
        """The pids of the master's worker processes (from /proc)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.master.pid:
                pids.add(int(stat.parent.name))
        return pids


@contextmanager
def gunicorn(app_settings: dict, threads: int = 4, workers: int = 1, **settings):
    """Run gunicorn (gthread) on a free port; yields the base URL, stops it after."""
    with served(app_settings, threads, workers, **settings) as server:
        yield server.url


@contextmanager
def served(app_settings: dict, threads: int = 4, workers: int = 1, conf: bool = False, **settings):
    """Run gunicorn (with gunicorn.conf.py when ``conf``); yields a Server."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app_settings["SQLALCHEMY_DATABASE_URI"],
        "LOG_DIR": app_settings["LOG_DIR"],
        "SECRET_KEY": "test-secret-key",
        "WORKER_ENABLED": "false",
        **{name: str(value) for name, value in settings.items()},
    }
    command = [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", str(threads)]
    command += ["-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["-c", "gunicorn.conf.py"] if conf else ["app:create_app()"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **quiet)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield Server(url, server)
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """Stop the master, then kill whatever is left of its process group, so that no app
    process outlives the test and goes on ticking against the test database."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start-up")
        try:
            requests.get(f"{url}/about", timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):  # still booting (a busy machine)
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")
