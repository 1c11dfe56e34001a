"""
Django's Redis cache with one client object per connection pool, kept, instead of a new
`redis.Redis` built for every call: building one copies its table of about 170 reply
parsers (redis-py 5+), which under a profile of 200 bookings was the largest single cost in
our own process (1,648 clients built, 8% of the CPU; a booking reads the cache five times,
the slots endpoint twice). The pools, connections and their behaviour after a fork are
redis-py's, unchanged; a `redis.Redis` is safe to share between threads.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
