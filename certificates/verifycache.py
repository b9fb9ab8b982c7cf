"""A short-lived, per-process memory of verify answers.

Employers' systems may check the same certificate many times a second; each answer
is kept in the serving process for ``CERTIFICATE_VERIFY_CACHE_SECONDS`` (0.5 s by
default, 0 turns it off). A revocation, reissue or render clears this process's
memory when it commits, and every other process forgets within that time, so a
change shows everywhere well within a second, without a round trip to a shared cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")
_MAX_ENTRIES = 10_000
_entries: dict[tuple[str, str], tuple[float, object]] = {}


def verify_cached(kind: str, code: str, build: Callable[[], T]) -> T:
    """``build()``'s value for (kind, code), from memory if it is fresh enough."""
    seconds = float(getattr(settings, "CERTIFICATE_VERIFY_CACHE_SECONDS", 0))
    if seconds <= 0:
        return build()
    now = time.monotonic()
    key = (kind, code)
    hit = _entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[return-value]
    value = build()
    if len(_entries) >= _MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (now + seconds, value)
    return value


def verify_cache_clear() -> None:
    """Forget every remembered answer in this process."""
    _entries.clear()


def verify_cache_clear_on_commit() -> None:
    """Forget them once the current transaction commits (and now, for this one)."""
    _entries.clear()
    transaction.on_commit(verify_cache_clear)
