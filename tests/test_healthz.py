import json

import pytest

from tests import services


@pytest.mark.integration
def test_it_is_200_when_database_broker_and_worker_are_up(client, db, worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "broker", "workers"}


def test_it_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405


def healthz_with(tmp_path, **env: str) -> tuple[int, dict]:
    with services.Server(services.child_env(**env), tmp_path / "web.log") as server:
        status, body = server.get("/healthz")
    return status, json.loads(body)


@pytest.mark.integration
def test_it_is_503_naming_the_broker_when_redis_is_down(tmp_path, db):
    status, body = healthz_with(tmp_path, REDIS_URL=f"redis://127.0.0.1:{services.free_port()}/0")
    assert status == 503
    assert body["down"] == ["broker", "workers"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.integration
def test_it_is_503_naming_the_database_when_it_is_down(tmp_path, db):
    status, body = healthz_with(
        tmp_path, DATABASE_URL=f"postgres://leap@127.0.0.1:{services.free_port()}/leap"
    )
    assert status == 503
    assert "database" in body["down"]


@pytest.mark.integration
def test_it_is_503_naming_the_workers_when_none_answers(tmp_path, db, redis_required):
    # A Redis database that no worker listens on: the broker is up, nobody answers.
    from django.conf import settings

    lonely = settings.REDIS_URL.rsplit("/", 1)[0] + "/13"
    status, body = healthz_with(tmp_path, REDIS_URL=lonely, HEALTHZ_PING_TIMEOUT="0.5")
    assert status == 503
    assert body["down"] == ["workers"]
