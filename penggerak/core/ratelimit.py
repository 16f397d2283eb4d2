"""Counting an action per actor in a fixed window, in the Django cache.

The cache is shared between app servers when PENGGERAK_CACHE_URL names a Redis server; with
the default per-process memory cache each process counts on its own (README: scale-out).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(action: str, subject: str) -> str:
    return f"rate:{action}:" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def rate_limit_take(action: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one ``action`` of ``subject``; False when it is past the ``limit`` of the window
    that the first one opened (the count is atomic on Redis, so parallel requests cannot
    slip past the limit together)."""
    key = _key(action, subject)
    # add() opens the window only once; incr() then counts within it and keeps its expiry.
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        cache.set(key, 1, window_seconds)
        count = 1
    return count <= limit
