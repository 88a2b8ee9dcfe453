"""With Redis down, the cache misses and the sessions fall back to the database."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore

from advisor.cache import ForgivingRedisCache
from tests import services


@pytest.fixture
def dead_redis():
    """A cache on a port where nothing listens."""
    return ForgivingRedisCache(f"redis://127.0.0.1:{services.free_port()}/0", {})


def test_a_read_from_a_redis_that_is_down_is_a_miss(dead_redis):
    assert dead_redis.get("key", "default") == "default"
    assert dead_redis.get_many(["a", "b"]) == {}
    assert "key" not in dead_redis


def test_a_write_to_a_redis_that_is_down_is_skipped(dead_redis):
    dead_redis.set("key", "value")
    assert dead_redis.add("key", "value") is False
    assert dead_redis.delete("key") is False
    assert dead_redis.set_many({"a": 1}) == ["a"]


@pytest.mark.django_db
def test_sessions_live_in_the_database_while_redis_is_down(dead_redis):
    session = SessionStore()
    session._cache = dead_redis
    session["draft_id"] = "abc"
    session.save()
    again = SessionStore(session.session_key)
    again._cache = dead_redis
    assert again["draft_id"] == "abc"  # read from the database, the cache write skipped


def test_one_redis_client_serves_every_operation(redis_required, settings, monkeypatch):
    """Django made a new client for each operation, its constructor half a session read."""
    import redis

    made = []
    real_init = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    cache = ForgivingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-one-client"})
    cache.set("key", "value")
    for _ in range(10):
        assert cache.get("key") == "value"
    cache.delete("key")
    assert len(made) == 1
