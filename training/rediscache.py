"""Django's Redis cache, with one client object per connection pool.

Django's backend builds a new ``redis.Redis`` for every cache operation, and
building one fills its table of about 170 response callbacks: a few tenths of a
millisecond each time, several times a request (the session, the page caches'
versions, rate limits), which on pages served from the cache was a large part of
the whole answer. A client holds no connection of its own (it borrows one from
the pool for each command) and may be shared by threads, so one is kept per pool.
A pool is per process (redis-py starts a new one after a fork), and so is this.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoClient


class RedisCacheClient(DjangoClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
