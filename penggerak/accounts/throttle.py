"""Slowing down password guessing: a login locks after repeated failures.

Counts live in the Django cache (shared between app servers when PENGGERAK_CACHE_URL names
a Redis server). An existing account is keyed by its id, so writing the phone number in
another form does not reset the count; unknown names are keyed by what was typed.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 10
LOCK_SECONDS = 15 * 60


def _key(subject: str) -> str:
    return "login-failures:" + hashlib.sha256(subject.encode()).hexdigest()


def subject_for(username: str, user_pk: int | None) -> str:
    return f"user:{user_pk}" if user_pk is not None else f"name:{username.strip().lower()}"


def is_locked(subject: str) -> bool:
    return (cache.get(_key(subject)) or 0) >= MAX_FAILURES


def record_failure(subject: str) -> None:
    key = _key(subject)
    # add() starts the window only once; incr() then counts within it.
    cache.add(key, 0, LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, LOCK_SECONDS)


def record_success(subject: str) -> None:
    cache.delete(_key(subject))
