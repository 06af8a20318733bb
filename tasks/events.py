"""An in-process event bus: the worker publishes, Server-Sent Event streams wait.

Streams in other processes do not see these events; they poll the quote table
instead, so a publish only makes a same-process stream answer sooner.
"""

import threading


class EventBus:
    """Publish a sequence number and payload; waiters wake when it changes."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._seq = 0
        self._payload: dict | None = None

    def publish(self, payload: dict) -> int:
        """Publish ``payload`` and wake every waiter; returns the new sequence number."""
        with self._changed:
            self._seq += 1
            self._payload = payload
            self._changed.notify_all()
            return self._seq

    def wait(self, after_seq: int, timeout: float) -> tuple[int, dict | None]:
        """Wait until something newer than ``after_seq`` is published, or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self._seq > after_seq, timeout=timeout)
            return self._seq, self._payload


bus = EventBus()
