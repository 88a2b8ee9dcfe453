"""Plans through real workers and a real broker: nothing lost, nothing doubled."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from advisor.members.submit import submit as submit_draft
from advisor.plans.models import Plan, PlanPDF
from profiles.models import Draft, Submission
from profiles.personas import LI_JING
from tests import services
from tests.browser import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.integration

# Small limits, so that every recovery takes a second or two.
FAST = {
    "PLAN_SOFT_TIME_LIMIT": "6",
    "PLAN_TIME_LIMIT": "8",
    "PLAN_RETRY_BACKOFF_MAX": "1",
    "BROKER_VISIBILITY_TIMEOUT": "10",
    "PLAN_LEASE_SECONDS": "3",
    "PLAN_SWEEP_SECONDS": "1",
    "PLAN_SEND_GRACE_SECONDS": "1",
    "PLAN_DELIVERY_GRACE_SECONDS": "2",
}


def plan_of(submission: Submission) -> Plan:
    return Plan.objects.get(submission=submission)


def wait_for_status(plan: Plan, status: str, *, seconds: float, logs: list[Path]) -> Plan:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        plan.refresh_from_db()
        if plan.status == status:
            return plan
        time.sleep(0.3)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs if log.exists())
    raise AssertionError(f"plan still {plan.status!r}, not {status!r}, after {seconds}s\n{tails}")


def wait_for_pdf(plan: Plan, *, seconds: float, logs: list[Path]) -> Plan:
    """The PDF follows a ready plan (the follow-up task renders it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        plan.refresh_from_db()
        if plan.pdf_status != "pending":
            return plan
        time.sleep(0.3)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs if log.exists())
    raise AssertionError(f"PDF of plan {plan.pk} still pending after {seconds}s\n{tails}")


class Fleet:
    """Workers and a beat in their own processes, on a given broker and queue."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.env = services.child_env(**env)
        self.procs: list = []
        self.logs: list[Path] = []

    def _start(self, name: str, command: list[str], **env: str):
        log = self.folder / f"{name}.log"
        proc = services.start(command, {**self.env, **env}, log)
        self.procs.append(proc)
        self.logs.append(log)
        return proc, log

    def worker(self, name: str, concurrency: int = 1, **env: str):
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@%h"
        proc, log = self._start(name, services.celery_worker(hostname, concurrency), **env)
        services.wait_until(
            lambda: "ready." in log.read_text(), seconds=60, proc=proc, log=log, what=name
        )
        return proc

    def beat(self):
        schedule = str(self.folder / "celerybeat-schedule")
        command = services.celery("beat", "--loglevel", "INFO")
        self._start("beat", command, CELERY_BEAT_SCHEDULE=schedule)

    def send(self, plan: Plan) -> None:
        """Send the plan to this crew's queue on the tests' own broker, as
        lifecycle.enqueue does: the plan's id, and a token for this send."""
        from advisor.plans.tasks import generate_plan

        args = [str(plan.pk), uuid.uuid4().hex]
        generate_plan.apply_async(args, task_id=str(plan.pk), queue=self.env["CELERY_QUEUE"])

    def sweep(self) -> int:
        """One sweep, run as beat's task runs it, in a process on this crew's broker."""
        script = "from advisor.plans import lifecycle; print(lifecycle.requeue_stuck())"
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            cwd=services.ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return int(done.stdout.split()[-1])

    def stop(self) -> None:
        for proc in self.procs:
            services.stop(proc)


@pytest.fixture
def broker(tmp_path):
    """A redis-server of the test's own, to kill, freeze and start again at will."""
    services.need(os.path.exists(services.REDIS_SERVER), "redis-server")
    server = services.PrivateRedis(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fleet(tmp_path, transactional_db):
    fleets = []

    def make(**env: str) -> Fleet:
        queue = f"leap-test-{uuid.uuid4().hex[:8]}"
        made = Fleet(tmp_path, **{"CELERY_QUEUE": queue, **FAST, **env})
        fleets.append(made)
        return made

    yield make
    for made in fleets:
        made.stop()


def submit(user) -> Submission:
    draft = Draft.objects.create(owner=user, answers=LI_JING)
    return submit_draft(draft, consent_review=False)


def queued_but_not_sent(user) -> Submission:
    """A submission whose plan is queued, as if the broker had been down at submit.

    This process sends tasks to its own test queue; a crew on another queue finds
    the plan through its beat's sweeper, as production does.
    """
    submission = Submission.objects.create(
        owner=user,
        answers=LI_JING,
        schema_version=1,
        consent_processing=True,
        draft_token=uuid.uuid4(),
    )
    Plan.objects.create(submission=submission, version=1, archetype="influencer_founder")
    return submission


def test_a_submission_becomes_a_ready_plan_on_a_real_worker(
    client, alice, transactional_db, worker
):
    client.force_login(alice)
    Draft.objects.create(owner=alice, answers=LI_JING)
    draft_id = str(Draft.objects.get(owner=alice).pk)
    response = client.post(
        reverse("questionnaire_review"), {"draft_id": draft_id, "consent_processing": "on"}
    )
    assert response.status_code == 302
    plan = plan_of(Submission.objects.get())
    plan = wait_for_status(plan, "ready", seconds=60, logs=[])
    plan = wait_for_pdf(plan, seconds=60, logs=[])
    assert plan.attempts == 1
    assert bytes(plan.pdf.data).startswith(b"%PDF")
    assert plan.content["sections"][0]["key"] == "triage"  # her health, before the path


def test_a_second_delivery_of_the_same_task_changes_nothing(alice, transactional_db, worker):
    from advisor.plans.tasks import generate_plan

    plan = wait_for_status(plan_of(submit(alice)), "ready", seconds=60, logs=[])
    again = generate_plan.apply_async([str(plan.pk)], ignore_result=False)
    assert again.get(timeout=30) == "nothing to do"
    assert Plan.objects.count() == 1
    assert PlanPDF.objects.count() == 1


def test_a_worker_killed_mid_task_leaves_exactly_one_plan(alice, fleet):
    services.need(services.redis_available(), "Redis (REDIS_URL)")
    crew = fleet()
    victim = crew.worker("victim", PLAN_TEST_PAUSE="30")
    crew.beat()  # its sweeper sends the plan to this crew's own queue
    submission = queued_but_not_sent(alice)
    plan = wait_for_status(plan_of(submission), "running", seconds=30, logs=crew.logs)

    os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool child, mid-task
    victim.wait(timeout=10)

    crew.worker("rescuer")
    plan = wait_for_status(plan, "ready", seconds=90, logs=crew.logs)
    plan = wait_for_pdf(plan, seconds=60, logs=crew.logs)
    assert Plan.objects.filter(submission=submission).count() == 1
    assert PlanPDF.objects.filter(plan=plan).count() == 1
    assert plan.attempts == 2  # the killed run, then the one that finished


def test_a_worker_whose_database_connection_was_cut_retries_and_carries_on(alice, fleet):
    """Workers skip the health check before each task (advisor/celery.py): the first
    query on a dead connection fails, and the task is retried on a new one."""
    from advisor.plans.tasks import generate_plan

    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    name = f"leap-test-{uuid.uuid4().hex[:8]}"
    crew = fleet(PGAPPNAME=name)  # libpq's application_name, to find its connection by
    crew.worker("worker")

    def written(submission: Submission) -> Plan:
        plan = plan_of(submission)
        generate_plan.apply_async([str(plan.pk)], queue=crew.env["CELERY_QUEUE"])
        return wait_for_status(plan, "ready", seconds=60, logs=crew.logs)

    written(queued_but_not_sent(alice))  # the worker now holds a connection
    with connection.cursor() as cursor:  # as a database restart would
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [name],
        )
        assert cursor.rowcount == 1  # the worker's

    plan = written(queued_but_not_sent(alice))
    assert plan.attempts == 1  # the failed try claimed nothing
    assert "Retry in" in crew.logs[0].read_text()


@pytest.mark.browser
def test_with_the_broker_down_at_submit_the_plan_is_ready_once_it_is_back(
    alice_everywhere, fleet, browser, tmp_path
):
    """A real web server, worker and beat on a Redis of the test's own, which goes away."""
    services.need(os.path.exists(services.REDIS_SERVER), "redis-server")
    broker = services.PrivateRedis(tmp_path / "redis.log")
    broker.start()
    crew = fleet(REDIS_URL=broker.url)
    crew.worker("worker")
    crew.beat()
    alice = alice_everywhere
    Draft.objects.create(owner=alice, answers=LI_JING)
    context = browser.new_context(locale="en-GB")
    try:
        with services.Server(crew.env, tmp_path / "web.log") as web:
            page = context.new_page()
            page.set_default_timeout(15_000)
            log_in(page, alice.email, base_url=web.url)
            page.goto(web.url + reverse("questionnaire_review"))

            broker.stop()
            page.get_by_label("I agree that Leap may process my answers").check()
            page.get_by_role("button", name="Submit my answers").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
            expect(page.get_by_text("Your plan (version 1): Queued.")).to_be_visible()
            plan = plan_of(Submission.objects.get())
            assert plan.status == "queued"

            broker.start()  # same port: worker and beat reconnect, the sweeper sends it
            page.get_by_role("link", name="Open the plan").click()
            expect(page.get_by_text("Ready.")).to_be_visible(timeout=60_000)
            expect(page.get_by_role("heading", name="The match and why")).to_be_visible()
        assert Plan.objects.count() == 1
        assert plan_of(Submission.objects.get()).attempts == 1
    finally:
        context.close()
        broker.stop()


def test_a_pool_process_killed_mid_task_hands_its_plan_on_at_once(alice, fleet):
    """Celery delivers the message again as soon as the pool process running it dies,
    and the claim knows that delivery for the same send: it takes the plan without
    waiting for the lease to lapse (a minute here) or for a sweeper (none here)."""
    services.need(services.redis_available(), "Redis (REDIS_URL)")
    crew = fleet(PLAN_LEASE_SECONDS="60", PLAN_TEST_PAUSE="3")
    main = crew.worker("worker")
    submission = queued_but_not_sent(alice)
    crew.send(plan_of(submission))
    plan = wait_for_status(plan_of(submission), "running", seconds=30, logs=crew.logs)

    [pool_process] = services.pool_children(main.pid)
    os.kill(pool_process, signal.SIGKILL)  # as the OOM killer would

    plan = wait_for_status(plan, "ready", seconds=30, logs=crew.logs)
    assert plan.attempts == 2  # the killed run, then the one that finished
    assert main.poll() is None
    assert Plan.objects.filter(submission=submission).count() == 1


def test_a_live_run_longer_than_its_lease_keeps_its_plan(alice, fleet):
    """The run renews its lease while it lives: the sweeper (every second here) and a
    free pool process never take its plan over, though the run lasts its lease twice over
    (and less than the soft time limit, 6 s)."""
    services.need(services.redis_available(), "Redis (REDIS_URL)")
    crew = fleet(PLAN_LEASE_SECONDS="2", PLAN_TEST_PAUSE="5")
    crew.worker("worker", concurrency=2)  # a second process, free to take it over
    crew.beat()
    submission = queued_but_not_sent(alice)
    plan = wait_for_status(plan_of(submission), "ready", seconds=60, logs=crew.logs)
    assert plan.attempts == 1


def test_celerys_retry_after_a_claim_takes_the_plan_at_once(alice, fleet):
    """A run that claimed its plan and then lost its database connection raises;
    Celery's retry carries the same send's token, so it takes the plan over at once
    instead of being refused for a live run (there is no sweeper here)."""
    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    name = f"leap-test-{uuid.uuid4().hex[:8]}"
    crew = fleet(PGAPPNAME=name, PLAN_LEASE_SECONDS="60", PLAN_TEST_PAUSE="3")
    crew.worker("worker")
    submission = queued_but_not_sent(alice)
    crew.send(plan_of(submission))
    plan = wait_for_status(plan_of(submission), "running", seconds=30, logs=crew.logs)
    with connection.cursor() as cursor:  # while the run pauses: its finish will fail
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [name],
        )

    plan = wait_for_status(plan, "ready", seconds=30, logs=crew.logs)
    assert plan.attempts == 2
    assert "Retry in" in crew.logs[0].read_text()


def test_a_worker_outlives_redis_going_away_and_coming_back(alice, bob, fleet, broker):
    """kombu 5.7.0 made the worker exit for good here ("Unrecoverable error:
    AttributeError: 'NoneType' object has no attribute 'hostname'", advisor/broker.py)."""
    crew = fleet(REDIS_URL=broker.url, PLAN_TEST_PAUSE="4")
    # Two processes, as compose runs them: one busy, one waiting on Redis for more.
    worker = crew.worker("worker", concurrency=2)
    crew.beat()
    first = queued_but_not_sent(alice)
    wait_for_status(plan_of(first), "running", seconds=30, logs=crew.logs)

    broker.kill()  # mid-task, with the run's message not yet acknowledged
    time.sleep(2)
    broker.start()  # empty: nothing it held survives
    second = queued_but_not_sent(bob)

    for submission in (first, second):
        plan = wait_for_status(plan_of(submission), "ready", seconds=60, logs=crew.logs)
        wait_for_pdf(plan, seconds=60, logs=crew.logs)
    assert worker.poll() is None, crew.logs[0].read_text()[-3000:]
    assert "Unrecoverable error" not in crew.logs[0].read_text()


def test_a_frozen_redis_slows_submits_but_fails_none_and_the_plans_follow(
    fleet, broker, tmp_path, django_user_model
):
    """Redis hangs (SIGSTOP: connections stay open, nothing answers) while members
    submit through gunicorn. Every Redis operation gives up after REDIS_TIMEOUT, so
    each submit answers, with its plan queued; once Redis answers again the sweeper
    sends the plans."""
    crew = fleet(REDIS_URL=broker.url)
    crew.worker("worker")
    crew.beat()
    people = [
        django_user_model.objects.create(
            email=f"member{n}@example.com", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        for n in range(3)
    ]
    with services.Server(crew.env, tmp_path / "web.log") as web:
        visitors = [services.Visitor(web.url) for _ in people]
        for visitor, person in zip(visitors, people, strict=True):
            visitor.log_in(person.email, PASSWORD)
        drafts = [Draft.objects.create(owner=person, answers=LI_JING) for person in people]

        broker.freeze()
        for visitor, draft in zip(visitors, drafts, strict=True):
            form = {"draft_id": str(draft.pk), "consent_processing": "on"}
            status, page = visitor.post(reverse("questionnaire_review"), form)
            assert status == 200, page[-2000:]
            assert "Your plan (version 1): Queued." in page
        assert set(Plan.objects.values_list("status", flat=True)) == {"queued"}
        assert "broker unavailable" in (tmp_path / "web.log").read_text()

        broker.thaw()
        for plan in Plan.objects.all():
            wait_for_status(plan, "ready", seconds=60, logs=crew.logs)
    assert Plan.objects.count() == len(people) == Submission.objects.count()


def test_the_sweeper_resends_a_lost_message_but_not_one_waiting_in_the_queue(alice, fleet, broker):
    crew = fleet(REDIS_URL=broker.url)  # no worker: a message sent waits in the queue
    queue = crew.env["CELERY_QUEUE"]
    plans = Plan.objects.filter(submission=queued_but_not_sent(alice))
    a_while_ago = timezone.now() - timedelta(minutes=1)

    plans.update(enqueued_at=a_while_ago)  # the broker was down when it was submitted
    assert crew.sweep() == 1
    assert redis.Redis.from_url(broker.url).llen(queue) == 1

    plans.update(enqueued_at=a_while_ago)  # its message waits behind a backlog
    assert crew.sweep() == 0
    assert redis.Redis.from_url(broker.url).llen(queue) == 1

    broker.kill()  # and with it the message
    broker.start()
    assert crew.sweep() == 1
    assert redis.Redis.from_url(broker.url).llen(queue) == 1
    assert plans.get().status == "queued"
