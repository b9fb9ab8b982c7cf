"""The Redis cache keeps one client per connection pool (Django's builds one per
operation), and works as Django's does."""

import os
import threading

import pytest
from django.conf import settings

from training.rediscache import RedisCache


def test_one_client_per_pool_however_many_operations():
    # Nothing listens there: building clients connects to nothing.
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client("a")
    assert backend._cache.get_client("b") is client
    assert backend._cache.get_client("c", write=True) is client  # one server


def test_reads_and_writes_go_to_their_own_servers_pools():
    backend = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})
    writer = backend._cache.get_client(write=True)
    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert backend._cache.get_client(write=True) is writer


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_threads_share_the_client_and_each_reads_its_own_answers():
    # This test process's own Redis database (each parallel one has its own).
    backend = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    counter = "rediscache-test:count"
    backend.set(counter, 0, timeout=30)
    errors = []

    def worker(n):
        try:
            for i in range(50):
                key = f"rediscache-test:{n}:{i}"
                backend.set(key, (n, i), timeout=30)
                assert backend.get(key) == (n, i)
                backend.incr(counter)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert backend.get(counter) == 8 * 50
