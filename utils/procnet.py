"""Which process holds which TCP socket of a server, read from Linux's /proc.

For the tests and benchmarks that check how gunicorn's processes share a port: who
listens on it, and how many accepted connections each process holds.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

TCP_TABLE = Path("/proc/net/tcp")
LISTEN = "0A"


@dataclass
class PortShare:
    """The processes listening on a port and the connections each one accepted."""

    listening: set[int] = field(default_factory=set)
    connections: Counter = field(default_factory=Counter)


def available() -> bool:
    """True where /proc has the IPv4 TCP table (Linux)."""
    return TCP_TABLE.exists()


def port_share(pids: set[int], port: int, clients: set[int] | None = None) -> PortShare:
    """How the processes ``pids`` share ``port``: which of them listen on a socket of
    their own, and how many connections each accepted (only those coming from the
    local ports ``clients`` when given)."""
    owners = _socket_owners(pids)
    share = PortShare()
    for local, remote, state, inode in _tcp_rows():
        if local != port or inode not in owners:
            continue
        if state == LISTEN:
            share.listening.add(owners[inode])
        elif clients is None or remote in clients:
            share.connections[owners[inode]] += 1
    return share


def _tcp_rows():
    """(local port, remote port, state, inode) for each row of the IPv4 TCP table."""
    for line in TCP_TABLE.read_text().splitlines()[1:]:
        fields = line.split()
        local = int(fields[1].rsplit(":", 1)[1], 16)
        remote = int(fields[2].rsplit(":", 1)[1], 16)
        yield local, remote, fields[3], fields[9]


def _socket_owners(pids: set[int]) -> dict[str, int]:
    """{socket inode: pid} over the sockets the processes hold open. A socket shared by
    several of them (one listening socket inherited by all) names just one."""
    owners = {}
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:  # the process has gone
            continue
        for fd in fds:
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[target[8:-1]] = pid
    return owners
