"""On gunicorn with gunicorn.conf.py, every process listens on a socket of its own, so
the kernel spreads keep-alive connections over the processes instead of letting the
first one awake take most of them (Linux: read from /proc)."""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers.gunicorn import served
from utils import procnet

pytestmark = pytest.mark.skipif(not procnet.available(), reason="needs Linux's /proc/net/tcp")

WORKERS, CONNECTIONS = 4, 40


def _open_and_ask(port: int) -> socket.socket:
    """A keep-alive connection that has been answered once, so a process has accepted it."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(b"GET /about HTTP/1.1\r\nHost: test\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
    return conn


def test_each_process_listens_on_its_own_socket_and_connections_are_spread(app_settings):
    with served(app_settings, workers=WORKERS, threads=2, conf=True) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            conns = list(pool.map(lambda _: _open_and_ask(port), range(CONNECTIONS)))
        try:
            pids = server.worker_pids()
            share = procnet.port_share(pids, port, {c.getsockname()[1] for c in conns})
        finally:
            for conn in conns:
                conn.close()
    assert len(pids) == WORKERS
    assert share.listening == pids  # one listening socket in each process, not one shared
    assert sum(share.connections.values()) == CONNECTIONS
    # Spread by the kernel's hash: no process holds half of them (on one shared socket,
    # a single process took 24 to 36 of such a burst of 40).
    assert max(share.connections.values()) < CONNECTIONS // 2, share.connections


def test_one_shared_socket_when_turned_off(app_settings):
    with served(app_settings, workers=2, threads=2, conf=True, GUNICORN_REUSE_PORT="false") as s:
        port = int(s.url.rsplit(":", 1)[1])
        _open_and_ask(port).close()
        pids = s.worker_pids()
        share = procnet.port_share(pids, port)
    assert len(pids) == 2
    assert len(share.listening) == 1  # the master's socket, inherited by both
