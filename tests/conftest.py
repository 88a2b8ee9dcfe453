import os
import time
import types
import uuid
from pathlib import Path

import django_ratelimit.core
import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from bench.common import CHROMIUM_FLAGS
from tests import services

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config: pytest.Config) -> None:
    # The tests make hundreds of accounts: production's hasher would spend seconds on them.
    # Production's hashers stay known, for an account that another process, with
    # production's settings, must let in (`alice_everywhere`).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # Rendering a PDF takes about 0.2 s: only the tests about the PDF ask for one (`pdfs`).
    # The Celery worker the tests start renders them, as in production.
    settings.PLAN_PDF = False


# The property tests (hypothesis) try new generated answers on every local run. Under CI
# they try the same ones each run: a landing is judged on what its own run tried, not
# refused by an example that no run before it met. What a local run finds is fixed and
# kept as a case in tests/situations.toml.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if services.IN_CI:
    hypothesis_settings.load_profile("ci")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not services.IN_CI:
        return
    problems = []
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not services.redis_available():
        problems.append("REDIS_URL must point at a running Redis")
    if not services.chromium_available():
        problems.append(f"Chromium must be installed at {services.CHROMIUM}")
    if problems:
        pytest.exit("Under CI the real services are required: " + "; ".join(problems), 3)


@pytest.fixture(autouse=True)
def _no_language_left_behind():
    """A request leaves its language active in the thread (LocaleMiddleware activates,
    nothing deactivates): start every test from the default."""
    yield
    translation.deactivate()


@pytest.fixture
def pdfs(settings):
    """Plans written in this process come with their PDF, as in production."""
    settings.PLAN_PDF = True


@pytest.fixture
def eager_tasks():
    """Tasks sent to Celery run here and now, as a worker would run them: for tests of
    what a task does (an email's text), not of delivery (the `worker` fixture's tests)."""
    from advisor.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _rate_limit_windows_hold_still(monkeypatch):
    """django-ratelimit counts in fixed windows whose edges fall at a time of its own for
    each key: a test that crossed one would see its count start again, and fail about
    once a run in a hundred. The limits, not the windows, are what the tests check."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test counts its own password resets and sign-ups (the cache outlives tests)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice@example.com", PASSWORD)


@pytest.fixture
def alice_everywhere(alice):
    """Alice, her password hashed as production hashes it, so that a web server the test
    starts in another process lets her log in."""
    alice.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    alice.save(update_fields=["password"])
    return alice


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob@example.com", PASSWORD)


@pytest.fixture
def carol_the_counsellor(django_user_model):
    """A counsellor, with two-factor sign-in set up as every counsellor must."""
    carol = django_user_model.objects.create_user("carol@example.com", PASSWORD)
    carol.make_counsellor()
    TOTPDevice.objects.create(user=carol, name="Authenticator app", confirmed=True)
    return carol


def code_for(user) -> str:
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def log_in_verified(client, user) -> None:
    """Log `user` in with both factors, as the code step leaves the session
    (tests/test_two_factor.py goes through the step itself)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's, with the second factor every member of staff must use."""
    from django.test import Client

    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    client = Client()
    log_in_verified(client, admin_user)
    return client


@pytest.fixture(scope="session")
def worker_outbox(tmp_path_factory) -> Path:
    """Where the `worker` writes the emails it sends, one file each."""
    return Path(tmp_path_factory.mktemp("worker-outbox"))


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker, tmp_path_factory, worker_outbox, live_server):
    """A real Celery worker in its own process, on the tests' database and broker.

    Tests that use it must commit their data (transactional_db), because the
    worker reads it over its own connection. The links in the emails it sends lead to
    the `live_server` (SITE_URL), an address other than the default.
    """
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    log = Path(tmp_path_factory.mktemp("worker")) / "worker.log"
    with django_db_blocker.unblock():
        env = services.child_env(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(worker_outbox),
            SITE_URL=live_server.url,
        )
    proc = services.start(services.celery_worker(hostname), env, log)
    expanded = hostname.replace("%h", os.uname().nodename)
    try:
        services.wait_until(
            lambda: services.ping_worker(expanded), seconds=60, proc=proc, log=log, what="worker"
        )
        yield expanded
    finally:
        services.stop(proc)


@pytest.fixture
def redis_required():
    services.need(services.redis_available(), "Redis (REDIS_URL)")


@pytest.fixture(scope="session")
def browser():
    services.need(services.chromium_available(), f"Chromium at {services.CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=services.CHROMIUM,
            args=CHROMIUM_FLAGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
