"""The in-process event backend: a bounded ring of recent events and a condition to wait on.

Events carry increasing sequence numbers; a reader remembers the last one it saw.
Readers in other processes cannot see these events (they poll the database), which
is why REDIS_URL switches to services.events.redis_stream.
"""

import threading
from collections import deque
from itertools import islice


class MemoryBackend:
    """Publish events to this process; readers wake as soon as one arrives."""

    name = "memory"

    def __init__(self, maxlen: int = 10_000) -> None:
        self._changed = threading.Condition()
        self._events: deque = deque(maxlen=maxlen)
        self._seq = 0
        self._groups: dict[str, int] = {}

    def publish(self, events: list[dict]) -> None:
        """Append ``events`` (each gets an ``id``) and wake every reader."""
        with self._changed:
            for item in events:
                self._seq += 1
                self._events.append((self._seq, {**item, "id": str(self._seq)}))
            self._changed.notify_all()

    def latest(self) -> int:
        """The cursor of the newest event: reading from it returns only later ones."""
        with self._changed:
            return self._seq

    def read(self, cursor: int, timeout: float, count: int = 1000) -> tuple[int, list[dict]]:
        """Events after ``cursor`` (waiting up to ``timeout`` seconds for one); new cursor."""
        with self._changed:
            if timeout > 0:
                self._changed.wait_for(lambda: self._seq > cursor, timeout=timeout)
            found = self._after(cursor, count)
            return (int(found[-1]["id"]) if found else max(cursor, 0)), found

    def _after(self, cursor: int, count: int) -> list[dict]:
        """Up to ``count`` events after ``cursor``, walking back from the newest only as
        far as the cursor (sequence numbers are consecutive), not over the whole ring."""
        waiting = min(self._seq - cursor, len(self._events))
        if waiting <= 0:
            return []
        newest = list(islice(reversed(self._events), waiting))
        return [item for _, item in reversed(newest[-count:])]

    def join_group(self, group: str) -> None:
        """Start ``group`` at the newest event unless it exists: reads nothing."""
        self._groups.setdefault(group, self.latest())

    def read_group(self, group: str, consumer: str, timeout: float, count: int = 1000):
        """Events this consumer group has not yet been handed (one reader per group here)."""
        cursor = self._groups.get(group)
        if cursor is None:
            cursor = self._groups[group] = self.latest()
        cursor, found = self.read(cursor, timeout, count)
        self._groups[group] = cursor
        return found

    def ack(self, group: str, ids: list[str]) -> None:
        """Nothing to acknowledge in memory: a group's cursor already moved."""

    def healthy(self) -> bool:
        """The in-process backend is always up."""
        return True
