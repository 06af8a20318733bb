"""Redis for the tests: the real server on 127.0.0.1:6379 (database 5, own key prefix),
skipped with a message when it does not answer, and a TCP proxy to drop connections."""

import contextlib
import socket
import threading
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/5"


def redis_or_skip():
    """A client for the test database, or skip the test when Redis does not answer."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.ConnectionError, OSError):
        pytest.skip(
            "Redis does not answer on 127.0.0.1:6379 (start it: redis-server --daemonize yes)"
        )
    return client


def stream_key() -> str:
    """A stream key no other test run uses."""
    return f"pdtest:events:{uuid.uuid4().hex[:10]}"


class Proxy:
    """Forward a local port to Redis; ``stop()`` drops every connection, ``start()`` returns."""

    def __init__(self, target=("127.0.0.1", 6379)):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server = None
        self._conns: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/5"

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._server.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._conns.clear()

    def _accept(self, server) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def _pipe(source, sink) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.close()
