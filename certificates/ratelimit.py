"""Rate limiting verify lookups per client address, in Django's cache.

A fixed window per address: ``CERTIFICATE_VERIFY_RATE_LIMIT`` ("60/600" is 60 lookups
per 10 minutes). Codes carry 100 random bits, so the limit is not what keeps them
from being guessed; it keeps the verify pages from being scraped or hammered. The
counter lives in the cache, so with the Redis cache (REDIS_URL) every server process
shares it. IPv6 clients are counted per /64, the block one household or office gets.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from training.client_address import client_address


def rate_limit_setting() -> tuple[int, int]:
    """(lookups, seconds) from CERTIFICATE_VERIFY_RATE_LIMIT."""
    text = str(getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", "60/600"))
    count, _, seconds = text.partition("/")
    return max(1, int(count)), max(1, int(seconds or 60))


def verify_rate_limit(request) -> int | None:
    """Count one lookup; seconds to wait if the client is past its limit, else None."""
    limit, window = rate_limit_setting()
    now = time.time()
    bucket = int(now // window)
    key = f"certificates:verify:{client_address(request)}:{bucket}"
    count = _count(key, timeout=window + 5)
    if count > limit:
        return max(1, int((bucket + 1) * window - now))
    return None


def _count(key: str, *, timeout: int) -> int:
    """Add one to the counter at ``key`` and return it.

    With Redis this is one round trip (INCR, then EXPIRE only if the key had none);
    other caches take the portable add-then-incr path.
    """
    client = _redis_client(key)
    if client is not None:
        full_key = cache.make_and_validate_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)
        count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _redis_client(key: str):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django's Redis backend has no "increment, creating with a timeout".
        return backend._cache.get_client(key, write=True)
    return None
