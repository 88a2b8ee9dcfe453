"""Running it: /livez apart from /healthz, structured logs with request ids, error reports
without personal data, email timeouts, and every email sent by a worker."""

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from advisor.counsel.models import Review
from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING
from tests import services
from tests.conftest import log_in_verified

# --- /livez ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_livez_is_200_with_the_database_named(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_livez_answers_a_probe_by_address_whatever_the_allowed_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["leap.example.com"]
    assert client.get("/livez", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.django_db
def test_livez_refuses_post(client):
    assert client.post("/livez").status_code == 405


@pytest.mark.integration
def test_with_redis_down_livez_stays_200_while_healthz_says_503(tmp_path, db):
    dead = f"redis://127.0.0.1:{services.free_port()}/0"
    env = services.child_env(REDIS_URL=dead, LOG_FORMAT="json")
    with services.Server(env, tmp_path / "web.log") as server:
        assert server.get("/livez")[0] == 200  # the load balancer keeps this node
        assert server.get("/healthz")[0] == 503  # the operator is told


@pytest.mark.integration
def test_with_the_database_down_livez_says_503(tmp_path, db):
    env = services.child_env(DATABASE_URL=f"postgres://leap@127.0.0.1:{services.free_port()}/x")
    with services.Server(env, tmp_path / "web.log") as server:
        status, body = server.get("/livez")
    assert status == 503
    assert json.loads(body)["status"] == "down"


# --- Logs --------------------------------------------------------------------------------


@pytest.mark.integration
def test_production_logs_are_json_lines_with_time_level_logger_and_request_id(tmp_path, db):
    log = tmp_path / "web.log"
    env = services.child_env(LOG_FORMAT="json")
    with services.Server(env, log) as server:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{server.url}/no-such-page/?q=alice%40example.com",
            headers={"X-Request-ID": "proxy-id-12345"},
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=15)  # noqa: S310
        assert answer.value.code == 404
        assert answer.value.headers["X-Request-ID"] == "proxy-id-12345"
        services.wait_until(
            lambda: "proxy-id-12345" in log.read_text(), seconds=10, proc=server.proc, log=log,
            what="the log line",
        )  # fmt: skip
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    ours = [line for line in lines if line["request_id"] == "proxy-id-12345"]
    assert ours, lines[-5:]
    for line in ours:
        assert {"time", "level", "logger", "message"} <= set(line)
    assert any(line["logger"] == "django.request" and line["level"] == "WARNING" for line in ours)
    assert "alice" not in log.read_text()  # query strings stay out of the logs


@pytest.mark.django_db
def test_a_request_id_that_could_forge_a_log_line_is_replaced(client):
    response = client.get("/", headers={"X-Request-ID": 'x" forged\tline'})
    assert response["X-Request-ID"] != 'x" forged\tline'
    assert len(response["X-Request-ID"]) == 32


# --- Error reports -----------------------------------------------------------------------

BOOM = """
import os, sys, types, django
from django.conf import settings
django.setup()
import sentry_sdk
from django.urls import path
urls = types.ModuleType("boom_urls")
def boom(request):
    raise ValueError("boom for alice@example.com " + request.POST.get("answer", ""))
urls.urlpatterns = [path("boom/", boom)]
sys.modules["boom_urls"] = urls
settings.ROOT_URLCONF = "boom_urls"
from django.test import Client
client = Client(SERVER_NAME="localhost", raise_request_exception=False)
client.cookies["sessionid"] = "alice-session"
client.post("/boom/?q=alice@example.com", {"email": "alice@example.com", "answer": "burnt out"})
sentry_sdk.flush(5)
"""


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_error_report_leaves_without_the_persons_data():
    server = HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        env = services.child_env(SENTRY_DSN=dsn, DATABASE_URL="sqlite:///:memory:")
        subprocess.run([sys.executable, "-c", BOOM], cwd=services.ROOT, env=env, check=True,
                       capture_output=True, timeout=60)  # fmt: skip
    finally:
        server.shutdown()
    report = b"".join(Collector.received).decode()
    assert '"type":"ValueError"' in report  # the error arrived, with its stack
    assert '"request_id":' in report  # to find the whole story in the logs
    for personal in ("alice", "burnt out", "boom for"):
        assert personal not in report


# --- Email -------------------------------------------------------------------------------


def test_a_mail_server_that_never_answers_times_out(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 1
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        started = time.monotonic()
        with pytest.raises(OSError):
            mail.send_mail("Hello", "Body", None, ["alice@example.com"])
    assert time.monotonic() - started < 5


@pytest.mark.integration
def test_a_counsellors_email_is_sent_by_the_worker_not_the_request(
    transactional_db, worker, worker_outbox, alice, carol_the_counsellor
):
    submission = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=True)
    Review.objects.filter(submission=submission).update(status="in_review")
    client = Client()
    log_in_verified(client, carol_the_counsellor)
    before = set(worker_outbox.iterdir())
    response = client.post(reverse("counsel_status", args=[submission.pk]), {"status": "reviewed"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing was sent inside the request

    def sent_by_the_worker():
        new = [p for p in worker_outbox.iterdir() if p not in before]
        return [p.read_text() for p in new if "reviewed your plan" in p.read_text()]

    deadline = time.monotonic() + 60
    while not (emails := sent_by_the_worker()) and time.monotonic() < deadline:
        time.sleep(0.3)
    [email] = emails
    assert "To: alice@example.com" in email
