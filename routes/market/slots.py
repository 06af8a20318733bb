"""Stream slots: how many Server-Sent Event streams may hold a request thread at once.

A stream holds its thread for as long as it is open, so a process hands out a
bounded number of slots (STREAM_SLOTS), and at most STREAM_SLOTS_PER_USER to one
signed-in person. A stream that finds no free slot is answered at once with a
snapshot and a ``retry:`` delay, so the browser polls instead of waiting, and the
threads left over always serve ordinary requests.
"""

import threading
from collections import Counter


class StreamSlots:
    """Counts the streams open in this process, in total and per owner."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_owner: Counter[str] = Counter()

    def take(self, owner: str, total: int, per_owner: int) -> bool:
        """Take a slot for ``owner`` if both caps allow it; True when taken."""
        with self._lock:
            if self._by_owner.total() >= total or self._by_owner[owner] >= per_owner:
                return False
            self._by_owner[owner] += 1
            return True

    def give_back(self, owner: str) -> None:
        """Free a slot taken by ``owner``."""
        with self._lock:
            self._by_owner[owner] -= 1
            if self._by_owner[owner] <= 0:
                del self._by_owner[owner]

    def held_by(self, owner: str) -> int:
        """How many streams ``owner`` holds now."""
        with self._lock:
            return self._by_owner[owner]

    def open_streams(self) -> int:
        """How many streams hold a slot now."""
        with self._lock:
            return self._by_owner.total()


slots = StreamSlots()
