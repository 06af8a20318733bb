"""The Redis Streams event backend: one capped stream shared by every process.

Events are appended with XADD (MAXLEN ~ EVENT_STREAM_MAXLEN); Server-Sent Event
streams read with XREAD from the id they last saw, and the worker's consumers
read with XREADGROUP so that a new lease holder resumes where the last one
stopped. When Redis does not answer, the backend logs a warning once, publishes
to this process only (the pages in other processes fall back to polling the
database) and tries Redis again every EVENT_RETRY_SECONDS until it answers.
"""

import json
import logging
import threading
import time

import redis

from services.events.memory import MemoryBackend

log = logging.getLogger("paperdesk.events")
DOWN_ERRORS = (redis.ConnectionError, redis.TimeoutError, OSError)


class RedisBackend:
    """Events in a Redis stream, with an in-process fallback while Redis is away."""

    name = "redis"

    def __init__(self, url: str, key: str, maxlen: int, retry_seconds: float = 5.0) -> None:
        self.client = redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, decode_responses=True
        )
        self.key, self.maxlen, self.retry_seconds = key, maxlen, retry_seconds
        self.local = MemoryBackend()
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self._groups: set[str] = set()
        self._local_mark = 0

    # -- health ---------------------------------------------------------------------------
    def healthy(self) -> bool:
        """True when Redis answered last time (or answers now, once the retry time is up)."""
        if self._down_since is None:
            return True
        if time.monotonic() < self._next_try:
            return False
        try:
            self.client.ping()
        except DOWN_ERRORS:
            self._next_try = time.monotonic() + self.retry_seconds
            return False
        with self._lock:
            away, self._down_since = time.monotonic() - self._down_since, None
        log.warning("event stream: Redis is back after %.0f s", away)
        return True

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            if self._down_since is None:
                self._down_since = time.monotonic()
                self._local_mark = self.local.latest()  # readers switch over from here
                log.warning("event stream: Redis unavailable (%s); falling back to polling", exc)
            self._next_try = time.monotonic() + self.retry_seconds

    # -- publishing -------------------------------------------------------------------------
    def publish(self, events: list[dict]) -> None:
        """XADD each event in one pipeline; while Redis is away, publish to this process only."""
        if not self.healthy():
            self.local.publish(events)
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for item in events:
                pipe.xadd(self.key, {"e": json.dumps(item)}, maxlen=self.maxlen, approximate=True)
            pipe.execute()
        except DOWN_ERRORS as exc:
            self._went_down(exc)
            self.local.publish(events)

    # -- reading ----------------------------------------------------------------------------
    def latest(self):
        """A cursor at the stream's end (Redis id), or the local one while Redis is away."""
        if self.healthy():
            try:
                last = self.client.xinfo_stream(self.key)["last-generated-id"]
                return ("r", last)
            except redis.ResponseError:
                return ("r", "0-0")  # no stream yet
            except DOWN_ERRORS as exc:
                self._went_down(exc)
        return ("m", self.local.latest())

    def read(self, cursor, timeout: float, count: int = 1000):
        """Events after ``cursor``, blocking up to ``timeout`` seconds; the new cursor."""
        kind, position = cursor
        if kind == "m" or not self.healthy():
            if kind == "r":  # Redis went away: carry on from this process's events
                position = self._local_mark
            position, found = self.local.read(position, min(timeout, 1.0), count)
            if self.healthy():
                return self.latest(), found
            return ("m", position), found
        try:
            reply = self.client.xread(
                {self.key: position}, count=count, block=max(1, int(timeout * 1000))
            )
        except DOWN_ERRORS as exc:
            self._went_down(exc)
            return ("m", self.local.latest()), []
        found = _decode(reply)
        return (("r", found[-1]["id"]) if found else cursor), found

    def join_group(self, group: str) -> None:
        """Create ``group`` at the stream's end unless it exists; reads nothing, so a
        new holder of the worker's lease resumes where the group's last reader stopped."""
        if not self.healthy():
            self.local.join_group(group)
            return
        try:
            self._ensure_group(group)
        except DOWN_ERRORS as exc:
            self._went_down(exc)

    def read_group(self, group: str, consumer: str, timeout: float, count: int = 1000):
        """XREADGROUP for ``group`` (created at the stream's end the first time)."""
        if not self.healthy():
            return self.local.read_group(group, consumer, 0, count)
        try:
            self._ensure_group(group)
            reply = self.client.xreadgroup(
                group, consumer, {self.key: ">"}, count=count, block=max(1, int(timeout * 1000))
            )
        except DOWN_ERRORS as exc:
            self._went_down(exc)
            return []
        return _decode(reply)

    def ack(self, group: str, ids: list[str]) -> None:
        """XACK what a group's consumer has handled."""
        redis_ids = [i for i in ids if "-" in i]
        if redis_ids and self.healthy():
            try:
                self.client.xack(self.key, group, *redis_ids)
            except DOWN_ERRORS as exc:
                self._went_down(exc)

    def _ensure_group(self, group: str) -> None:
        if group in self._groups:
            return
        try:
            self.client.xgroup_create(self.key, group, id="$", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._groups.add(group)


def _decode(reply) -> list[dict]:
    found = []
    for _key, entries in reply or []:
        for entry_id, fields in entries:
            found.append({**json.loads(fields["e"]), "id": entry_id})
    return found
