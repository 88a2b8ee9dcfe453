"""Django's Redis cache, made to survive Redis being down.

Sessions are read through the cache (`cached_db`), so a Redis outage must not take the
site down with it: here a read that fails is a miss, and a write that fails is skipped,
each with a warning. The database stays the truth for sessions. A counter that cannot be
counted (`incr`, as django-ratelimit counts password resets and sign-ups) is None, which
the rate limits take as "not limited" (RATELIMIT_FAIL_OPEN).

Kept rather than django-redis with IGNORE_EXCEPTIONS: docs/architecture.md says why.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _forgiving(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("cache %s failed, carrying on without Redis: %s", name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class OneClientPerPool(RedisCacheClient):
    """Django's client, which makes a new `redis.Redis` for every operation: its
    constructor registers some 170 reply callbacks, more than half of a session read's
    cost (bench/README.md, "Questionnaire step save"). One per connection pool does the same work:
    the pool, not the client, holds the connections, and hands one to each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool

    get = _forgiving("get", lambda key, default=None, version=None: default)
    get_many = _forgiving("get_many", {})
    has_key = _forgiving("has_key", False)
    set = _forgiving("set", None)
    set_many = _forgiving("set_many", lambda data, *args, **kwargs: list(data))
    add = _forgiving("add", False)
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many", None)
    incr = _forgiving("incr", None)
    decr = _forgiving("decr", None)
