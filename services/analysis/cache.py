"""A short in-process cache of analysis results, keyed by the request's parameters."""

import threading
import time
from collections import OrderedDict

from flask import current_app

_MAX_ENTRIES = 64
_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()


def cached(key: tuple, compute):
    """``compute()``'s result for ``key``, reused for ANALYSIS_CACHE_SECONDS.

    Results are shared read-only between requests; callers must not change them.
    """
    ttl = current_app.config["ANALYSIS_CACHE_SECONDS"]
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] > now:
            _entries.move_to_end(key)
            return hit[1]
    value = compute()
    if ttl > 0:
        with _lock:
            _entries[key] = (now + ttl, value)
            while len(_entries) > _MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached result."""
    with _lock:
        _entries.clear()
