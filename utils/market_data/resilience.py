"""Guards around a remote source: a TTL cache, a back-off window and a hard timeout."""

import threading
from collections import OrderedDict
from datetime import timedelta

EMPTY = object()  # a source's "no data for that symbol", as opposed to a failure


class RateLimited(Exception):
    """The source said "too many requests"."""


class SourceFailed(Exception):
    """The source could not be asked or did not answer; the caller serves stale or gives up."""


class TTLCache:
    """Values by key with the time they were stored; the oldest are dropped past ``max_entries``.

    Expired values are kept on purpose: when the source fails they are still the
    best answer there is (served as stale).
    """

    def __init__(self, ttl: float, clock, max_entries: int = 2048):
        self.ttl = timedelta(seconds=ttl)
        self._clock = clock
        self._max_entries = max_entries
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, key):
        """The value stored under ``key`` less than ``ttl`` ago, else None."""
        with self._lock:
            item = self._items.get(key)
            if item is None or self._clock() - item[1] >= self.ttl:
                return None
            self._items.move_to_end(key)
            return item[0]

    def last(self, key):
        """The value stored under ``key`` however old it is, else None."""
        with self._lock:
            item = self._items.get(key)
            return None if item is None else item[0]

    def put(self, key, value) -> None:
        """Store ``value`` as fetched now."""
        with self._lock:
            self._items[key] = (value, self._clock())
            self._items.move_to_end(key)
            while len(self._items) > self._max_entries:
                self._items.popitem(last=False)


class Backoff:
    """When not to call the source: after a rate limit for an exponentially growing
    window (``base`` doubled per consecutive rate limit, at most ``cap`` seconds), and
    after any other failure for ``error_delay`` seconds so pages stop waiting on timeouts.
    """

    def __init__(self, clock, base: float = 30.0, cap: float = 300.0, error_delay: float = 15.0):
        self._clock = clock
        self.base, self.cap, self.error_delay = base, cap, error_delay
        self.strikes = 0
        self.until = None
        self._lock = threading.Lock()

    def blocked(self) -> bool:
        """Whether a call now would fall inside the window."""
        with self._lock:
            return self.until is not None and self._clock() < self.until

    def rate_limited(self) -> float:
        """Record a rate limit; return the length of the new window in seconds."""
        with self._lock:
            self.strikes += 1
            seconds = min(self.cap, self.base * 2 ** (self.strikes - 1))
            self.until = self._clock() + timedelta(seconds=seconds)
            return seconds

    def failed(self) -> None:
        """Record a failure that was not a rate limit."""
        with self._lock:
            until = self._clock() + timedelta(seconds=self.error_delay)
            self.until = until if self.until is None else max(self.until, until)

    def succeeded(self) -> None:
        """A call went through: forget past strikes."""
        with self._lock:
            self.strikes = 0
            self.until = None


def call_with_timeout(func, timeout: float):
    """Run ``func()`` in a daemon thread and wait at most ``timeout`` seconds for it.

    Some yfinance calls (info, statements) take no timeout argument, so this is the
    only bound on how long a page waits. A call that overruns is abandoned, not killed.
    """
    box = {}

    def run():
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    thread = threading.Thread(target=run, name="market-data-call", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {timeout} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def is_rate_limit(exc: BaseException) -> bool:
    """Whether ``exc`` means HTTP 429: yfinance's YFRateLimitError, or an HTTP error with 429."""
    if isinstance(exc, RateLimited):
        return True
    if any(cls.__name__ == "YFRateLimitError" for cls in type(exc).__mro__):
        return True
    response = getattr(exc, "response", None)
    return 429 in (getattr(exc, "status_code", None), getattr(response, "status_code", None))


def guarded_call(
    fetch,
    backoff: Backoff,
    timeout: float,
    sleep,
    *,
    retries: int = 1,
    retry_delay: float = 0.5,
    is_empty_error=lambda exc: False,
):
    """``fetch()`` under ``timeout``, skipped during ``backoff``'s window, with failures recorded.

    Returns EMPTY when ``is_empty_error`` says the exception means "no such data".
    Other failures are retried ``retries`` times after ``sleep(retry_delay)``, except
    timeouts (the wait was already long) and rate limits (which open the back-off window).
    Raises SourceFailed when there is no answer.
    """
    if backoff.blocked():
        raise SourceFailed(f"backing off after errors until {backoff.until:%H:%M:%S} UTC")
    for attempt in range(retries + 1):
        try:
            value = call_with_timeout(fetch, timeout)
        except Exception as exc:
            if is_empty_error(exc):
                backoff.succeeded()
                return EMPTY
            if is_rate_limit(exc):
                seconds = backoff.rate_limited()
                raise SourceFailed(f"rate limited; backing off {seconds:.0f} s") from exc
            if isinstance(exc, TimeoutError) or attempt >= retries:
                backoff.failed()
                raise SourceFailed(f"{type(exc).__name__}: {exc}") from exc
            sleep(retry_delay)
        else:
            backoff.succeeded()
            return value
    raise AssertionError("unreachable: the loop returns or raises")
