"""The shared cache on Redis, kept from taking the site down with it.

allauth counts failed sign-ins in the cache, so it must be one cache shared by every worker
(Redis in production). But when Redis is down the site keeps serving (ARCHITECTURE.md):
this backend treats an unreachable Redis as an empty cache that forgets what it is told. A
read answers its default, a write is dropped, ``add`` answers True (so a cache lock is taken
at once rather than waited for), each logged as a warning. The rate limits thus fail open
while Redis is away and count again when it is back; nothing else keeps state in the cache.
Connections time out after half a second (``OPTIONS`` may override), so an outage costs a
request that long at most.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)

    def _guard(self, operation, fallback, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except OUTAGE as error:
            logger.warning(
                "Cache unavailable (%s failed: %s); going on without it.", operation, error
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", True, key, value, timeout=timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", None, key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", [], data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version=version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version=version)

    def incr(self, key, delta=1, version=None):
        return self._guard("incr", delta, key, delta=delta, version=version)

    def clear(self):
        return self._guard("clear", False)
