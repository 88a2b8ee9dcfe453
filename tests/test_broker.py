"""What the sweeper learns from the broker: which plan messages are still on their way
to a worker (advisor.broker.in_flight), on a real redis-server and on kombu's folder."""

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Exchange, Queue

from advisor import broker
from tests import services


def queue(name: str) -> Queue:
    return Queue(name, Exchange(name), routing_key=name)


QUEUE, PDF_QUEUE = queue("leap-in-flight"), queue("leap-in-flight.pdf")


def publish(connection: Connection, task_id: str, to: Queue = QUEUE, **headers: str) -> None:
    """A message as Celery sends a task: its id in the headers."""
    producer = connection.Producer()
    producer.publish(
        {"args": []},
        headers={"id": task_id, **headers},
        exchange=to.exchange,
        routing_key=to.routing_key,
        declare=[to],
    )


@pytest.fixture
def redis_broker(settings, tmp_path):
    services.need(os.path.exists(services.REDIS_SERVER), "redis-server")
    server = services.PrivateRedis(tmp_path / "redis.log")
    server.start()
    settings.CELERY_BROKER_URL = server.url
    settings.CELERY_TASK_DEFAULT_QUEUE = QUEUE.name
    settings.PLAN_PDF_QUEUE = PDF_QUEUE.name
    try:
        with Connection(server.url) as connection:
            yield connection
    finally:
        server.stop()


def test_a_message_waiting_in_the_queue_is_on_its_way(redis_broker):
    publish(redis_broker, "waiting")
    publish(redis_broker, "a-pdf", to=PDF_QUEUE)
    assert broker.in_flight({"waiting", "a-pdf", "lost"}, grace=5) == {"waiting", "a-pdf"}


def test_a_message_a_worker_took_is_on_its_way_only_for_a_grace(redis_broker):
    publish(redis_broker, "taken")
    taken = redis_broker.SimpleQueue(QUEUE).get(timeout=5)  # not acknowledged: held
    assert taken.headers["id"] == "taken"
    assert broker.in_flight({"taken"}, grace=60) == {"taken"}
    time.sleep(0.3)
    # A live worker starts what it takes: one that has not, this long after, died.
    assert broker.in_flight({"taken"}, grace=0.2) == set()


def test_a_retry_held_until_its_time_is_on_its_way_until_then(redis_broker):
    due = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    publish(redis_broker, "retry", eta=due)
    redis_broker.SimpleQueue(QUEUE).get(timeout=5)
    time.sleep(0.3)
    assert broker.in_flight({"retry"}, grace=0.2) == {"retry"}


def test_a_broker_that_cannot_be_asked_says_so(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{services.free_port()}/0"
    assert broker.in_flight({"any"}, grace=5) is None


def test_the_embedded_brokers_queue_is_read_from_its_folder(settings, tmp_path):
    folders = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path / "control"),
    }
    (tmp_path / "control").mkdir()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = folders
    settings.CELERY_TASK_DEFAULT_QUEUE = QUEUE.name
    settings.PLAN_PDF_QUEUE = PDF_QUEUE.name
    with Connection("filesystem://", transport_options=folders) as connection:
        publish(connection, "waiting")
        publish(connection, "a-pdf", to=PDF_QUEUE)
    (tmp_path / f"1_x.{QUEUE.name}.sweep.msg").write_text('{"headers": {"id": "elsewhere"}}')
    found = broker.in_flight({"waiting", "a-pdf", "elsewhere", "lost"}, grace=5)
    assert found == {"waiting", "a-pdf"}
