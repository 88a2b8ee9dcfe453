"""Check-in emails through real workers, real beats, PostgreSQL and Redis: each check-in
is emailed exactly once, however many workers and beats sweep at once, and across a
worker and a beat killed and started again."""

import os
import re
import signal
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from advisor.checkins.models import CheckIn, Unsubscribed
from advisor.checkins.tasks import sweep_checkins
from advisor.plans.models import Plan
from profiles.models import Submission
from profiles.personas import LI_JING
from tests import services

pytestmark = pytest.mark.integration

MEMBERS = 24


class Crew:
    """Workers and beats in their own processes, on one queue of the tests' Redis, all
    sweeping check-ins every second, a few at a time, so that their sweeps overlap."""

    def __init__(self, folder: Path, outbox: Path):
        self.folder = folder
        self.queue = f"leap-test-{uuid.uuid4().hex[:8]}"
        self.env = services.child_env(
            CELERY_QUEUE=self.queue,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(outbox),
            CHECKIN_SWEEP_SECONDS="1",
            CHECKIN_BATCH="2",
        )
        self.procs: dict[str, object] = {}

    def log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def worker(self, name: str) -> None:
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@%h"
        proc = services.start(services.celery_worker(hostname, 2), self.env, self.log(name))
        services.wait_until(
            lambda: "ready." in self.log(name).read_text(),
            seconds=60,
            proc=proc,
            log=self.log(name),
            what=name,
        )
        self.procs[name] = proc

    def beat(self, name: str) -> None:
        env = {**self.env, "CELERY_BEAT_SCHEDULE": str(self.folder / f"{name}-schedule")}
        command = services.celery("beat", "--loglevel", "INFO")
        self.procs[name] = services.start(command, env, self.log(name))

    def kill(self, name: str) -> None:
        """As a crash would: the process and its pool, at once."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def burst(self, count: int) -> None:
        """Sweeps sent all at once besides the beats', as a backlog would deliver them."""
        for _ in range(count):
            sweep_checkins.apply_async(queue=f"{self.queue}.sweep")

    def stop(self) -> None:
        for proc in self.procs.values():
            services.stop(proc)

    def tails(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text()[-1500:]}" for log in self.folder.glob("*.log")
        )


@pytest.fixture
def crew(tmp_path, transactional_db):
    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    services.need(services.redis_available(), "Redis (REDIS_URL)")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    made = Crew(tmp_path, outbox)
    made.outbox = outbox
    yield made
    made.stop()


def members_with_a_plan_written_31_days_ago(django_user_model, count: int) -> list:
    """Members whose first plan (no rest) was written 31 days ago: day 30 has come."""
    people = []
    written = timezone.now() - timedelta(days=31)
    for n in range(count):
        member = django_user_model.objects.create_user(f"member{n}@example.com", "x" * 12)
        submission = Submission.objects.create(
            owner=member,
            answers=LI_JING,
            schema_version=3,
            consent_processing=True,
            draft_token=uuid.uuid4(),
        )
        Plan.objects.create(
            submission=submission,
            version=1,
            archetype="influencer_founder",
            status=Plan.Status.READY,
            content={"name": "Influencer-services founder", "rest_months": 0, "sections": []},
            finished_at=written,
            emailed_at=written,  # told long ago that it was ready
        )
        people.append(member)
    return people


def emails_per_checkin(outbox: Path) -> Counter:
    found = Counter()
    for path in outbox.iterdir():
        found.update(re.findall(r"/check-ins/([0-9a-f-]{36})/", path.read_text()))
    return found


def wait_for_emails(crew: Crew, expected: set[str], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if set(emails_per_checkin(crew.outbox)) >= expected:
            return
        time.sleep(0.3)
    raise AssertionError(f"emails missing after {seconds}s\n{crew.tails()}")


def test_two_workers_and_two_beats_email_each_check_in_exactly_once(crew, django_user_model):
    people = members_with_a_plan_written_31_days_ago(django_user_model, MEMBERS + 2)
    unsubscribed, closed = people[-2:]
    Unsubscribed.objects.create(member=unsubscribed)
    closed.is_active = False
    closed.save(update_fields=["is_active"])

    crew.worker("worker-a")
    crew.worker("worker-b")
    crew.beat("beat-a")
    crew.beat("beat-b")
    crew.burst(20)

    # The beats make every member's three check-ins; day 30 is due.
    due = CheckIn.objects.filter(day=30).exclude(member__in=[unsubscribed, closed])
    deadline = time.monotonic() + 60
    while due.count() < MEMBERS and time.monotonic() < deadline:
        time.sleep(0.3)
    first = {str(pk) for pk in due.values_list("pk", flat=True)}
    assert len(first) == MEMBERS, crew.tails()
    wait_for_emails(crew, first, seconds=60)

    # A worker and a beat die and come back; day 60 comes for everyone.
    crew.kill("worker-a")
    crew.kill("beat-a")
    CheckIn.objects.filter(day=60).update(due_on=timezone.localdate())
    crew.worker("worker-a2")
    crew.beat("beat-a2")
    crew.burst(20)
    second = {
        str(pk)
        for pk in CheckIn.objects.filter(day=60)
        .exclude(member__in=[unsubscribed, closed])
        .values_list("pk", flat=True)
    }
    wait_for_emails(crew, second, seconds=60)
    time.sleep(4)  # several more sweeps on every worker: none may send again

    sent = emails_per_checkin(crew.outbox)
    assert set(sent) == first | second  # none to the unsubscribed or closed account
    assert set(sent.values()) == {1}, {k: n for k, n in sent.items() if n > 1}
    subjects = "".join(path.read_text() for path in crew.outbox.iterdir()).count("Subject: ")
    assert subjects == 2 * MEMBERS  # and no other email
    assert CheckIn.objects.filter(day__in=[30, 60]).exclude(emailed_at=None).count() == 2 * MEMBERS
    assert CheckIn.objects.filter(day=90, emailed_at=None).count() == MEMBERS + 2  # still ahead
    # Both workers swept: the work was shared, not done by one alone.
    swept = [
        name
        for name in ("worker-a", "worker-b", "worker-a2")
        if "sweep_checkins" in crew.log(name).read_text()
    ]
    assert len(swept) >= 2, crew.tails()
