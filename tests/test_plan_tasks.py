"""The plan task's own rules, run in-process through Celery's eager path."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from advisor.advice import content
from advisor.members.submit import submit
from advisor.plans import tasks, worker
from advisor.plans.models import Plan
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.test_plan_worker import queued_but_not_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice) -> Plan:
    draft = Draft.objects.create(owner=alice, answers=LI_JING)
    return submit(draft, consent_review=False).plans.get()


def test_a_ready_plan_is_emailed_to_its_member_once(plan, mailoutbox):
    tasks.generate_plan.apply([str(plan.pk)])
    tasks.generate_plan.apply([str(plan.pk)])
    for _ in range(2):  # its follow-up, sent twice, or again by the sweeper
        tasks.deliver_plan.apply([str(plan.pk)])
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Your Leap plan is ready"
    assert f"/plans/{plan.pk}/" in mail.body


def test_a_run_that_died_before_the_email_leaves_it_to_the_follow_up(plan, mailoutbox):
    run = Plan.objects.claim(plan.pk)  # a run writes the plan ...
    run.content = content.build(answers=LI_JING, archetype=run.archetype)
    assert Plan.objects.finish(run, pdf=False)  # ... and its worker dies here
    assert list(Plan.objects.undelivered()) == [plan]
    assert tasks.deliver_plan.apply([str(plan.pk)]).get() == "emailed"
    assert len(mailoutbox) == 1
    assert not Plan.objects.undelivered().exists()


def test_a_plan_that_cannot_be_written_fails_in_plain_words(plan):
    Plan.objects.filter(pk=plan.pk).update(archetype="astronaut")
    result = tasks.generate_plan.apply([str(plan.pk)])
    assert result.failed()
    plan.refresh_from_db()
    assert plan.status == "failed"
    assert plan.error == "Something went wrong while writing your plan."


def test_a_plan_that_was_deleted_is_nothing_to_do(plan):
    plan_id = str(plan.pk)
    plan.delete()
    assert tasks.generate_plan.apply([plan_id]).get() == "nothing to do"


@pytest.mark.parametrize("task", [tasks.generate_plan, tasks.deliver_plan])
def test_the_tasks_are_declared_safe_against_lost_workers_and_slow_runs(task, settings):
    assert task.acks_late and task.reject_on_worker_lost
    assert task.soft_time_limit < task.time_limit < settings.BROKER_VISIBILITY_TIMEOUT
    assert task.max_retries == 5 and task.retry_backoff
    # A retry waits, then runs: Redis must not hand its message on meanwhile.
    assert task.retry_backoff_max + task.time_limit < settings.BROKER_VISIBILITY_TIMEOUT


def test_stuck_plans_are_the_long_unsent_and_those_whose_lease_lapsed(plan, settings):
    now = timezone.now()
    assert not Plan.objects.stuck().exists()  # just sent (or tried)
    unsent = now - timedelta(seconds=settings.PLAN_SEND_GRACE_SECONDS + 1)
    Plan.objects.filter(pk=plan.pk).update(enqueued_at=unsent)
    assert list(Plan.objects.stuck()) == [plan]
    lapsed = now - timedelta(seconds=1)
    Plan.objects.filter(pk=plan.pk).update(status="running", lease_until=lapsed, enqueued_at=now)
    assert list(Plan.objects.stuck()) == [plan]
    Plan.objects.filter(pk=plan.pk).update(lease_until=now + timedelta(seconds=5))
    assert not Plan.objects.stuck().exists()  # running, and its run is alive


def test_the_sweeper_gives_up_after_the_last_attempt(plan, settings):
    long_ago = timezone.now() - timedelta(hours=1)
    Plan.objects.filter(pk=plan.pk).update(
        attempts=settings.PLAN_MAX_ATTEMPTS, enqueued_at=long_ago
    )
    assert tasks.requeue_stuck_plans() == 0
    plan.refresh_from_db()
    assert plan.status == "failed"
    assert "tried several times" in plan.error


def test_a_failure_is_told_in_the_plans_own_language(plan):
    Plan.objects.filter(pk=plan.pk).update(archetype="astronaut", language="zh-hans")
    tasks.generate_plan.apply([str(plan.pk)])
    plan.refresh_from_db()
    assert plan.error == "撰写计划时出了问题。"


def test_a_claim_marks_the_plan_running_and_loads_what_writing_it_needs(
    plan, django_assert_num_queries
):
    now = timezone.now()
    with django_assert_num_queries(1):  # the claim returns what writing needs
        claimed = Plan.objects.claim(str(plan.pk).upper(), now=now)
        assert claimed.submission.answers == LI_JING
        assert claimed.submission.owner.email == "alice@example.com"
        assert claimed.submission.consent_review is plan.submission.consent_review
        assert claimed.content is None and claimed.lease_until > now
    assert (claimed.pk, claimed.status, claimed.attempts) == (plan.pk, "running", 1)
    assert claimed.started_at == now and claimed.language == plan.language
    assert claimed.submission.created_at == plan.submission.created_at  # loaded on access
    plan.refresh_from_db()
    assert (plan.status, plan.started_at, plan.attempts) == ("running", now, 1)


def test_a_claim_holds_a_lease_that_the_live_run_renews(plan, settings):
    started = timezone.now()
    run = Plan.objects.claim(plan.pk, delivery=uuid.uuid4(), now=started)
    lease = timedelta(seconds=settings.PLAN_LEASE_SECONDS)
    assert run.lease_until == started + lease
    later = started + lease / 2
    assert Plan.objects.renew(run, now=later)
    plan.refresh_from_db()
    assert plan.lease_until == later + lease


@pytest.mark.django_db(transaction=True)  # the renewing thread sees committed rows only
def test_one_thread_renews_the_lease_of_every_run_that_outlives_a_third_of_it(alice, settings):
    settings.PLAN_LEASE_SECONDS = 0.3
    # Committed but never sent: a worker the suite runs cannot take it first.
    plan = queued_but_not_sent(alice).plans.get()
    run = Plan.objects.claim(plan.pk)
    claimed = run.lease_until
    with worker._leases.held(run):
        deadline = time.monotonic() + 5
        while Plan.objects.get(pk=plan.pk).lease_until == claimed:
            assert time.monotonic() < deadline, "the lease was never renewed"
            time.sleep(0.05)
    renewed = Plan.objects.get(pk=plan.pk).lease_until
    time.sleep(0.5)  # let go with the run: renewed no more
    assert Plan.objects.get(pk=plan.pk).lease_until == renewed
    assert [t.name for t in threading.enumerate()].count("leases") == 1


def test_a_live_run_keeps_its_plan_from_the_messages_of_other_sends(plan, settings):
    started = timezone.now()
    assert Plan.objects.claim(plan.pk, delivery=uuid.uuid4(), now=started) is not None
    another_send = uuid.uuid4()  # the sweeper's, or a message restored by Redis
    assert Plan.objects.claim(plan.pk, delivery=another_send, now=started) is None
    assert Plan.objects.claim(plan.pk, now=started) is None  # a message of before sends had tokens
    lapsed = started + timedelta(seconds=settings.PLAN_LEASE_SECONDS + 1)
    assert Plan.objects.claim(plan.pk, delivery=another_send, now=lapsed).attempts == 2


def test_the_same_send_delivered_again_takes_its_plan_over_at_once(plan, settings):
    """Celery delivers a message again when the pool process running it died, and runs
    a retry after the task raised: the run before is over either way."""
    started, send = timezone.now(), uuid.uuid4()
    assert Plan.objects.claim(plan.pk, delivery=send, now=started).attempts == 1
    assert Plan.objects.claim(plan.pk, delivery=send, now=started).attempts == 2
    # A plan that keeps killing its workers is left to the sweeper, which fails it.
    settings.PLAN_MAX_ATTEMPTS = 2
    assert Plan.objects.claim(plan.pk, delivery=send, now=started) is None


def test_a_finished_or_deleted_plan_is_claimed_by_nobody(plan):
    send = uuid.uuid4()
    Plan.objects.claim(plan.pk, delivery=send)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.READY)
    assert Plan.objects.claim(plan.pk, delivery=send) is None
    assert Plan.objects.claim(plan.pk, now=timezone.now() + timedelta(days=1)) is None
    plan.delete()
    assert Plan.objects.claim(plan.pk) is None


def test_only_the_current_run_finishes_a_plan(plan, django_assert_num_queries):
    started, send = timezone.now(), uuid.uuid4()
    first = Plan.objects.claim(plan.pk, delivery=send, now=started)
    second = Plan.objects.claim(plan.pk, delivery=send, now=started)  # its pool process died
    first.content = {"by": "the first run"}
    assert not Plan.objects.finish(first, pdf=True)  # overtaken: changes nothing
    assert not Plan.objects.renew(first)
    second.content = {"by": "the second run"}
    with django_assert_num_queries(1):
        assert Plan.objects.finish(second, pdf=True, now=started)
    assert not Plan.objects.finish(second, pdf=True)  # once only
    plan.refresh_from_db()
    assert (plan.status, plan.content, plan.finished_at) == ("ready", second.content, started)
    assert (plan.pdf_status, plan.lease_until) == ("pending", None)
    assert (second.status, second.finished_at) == ("ready", started)


def test_the_email_is_claimed_once_in_the_plans_row(plan):
    assert not Plan.objects.claim_email(plan.pk)  # not ready: nothing to announce
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.READY)
    assert Plan.objects.claim_email(plan.pk)
    assert not Plan.objects.claim_email(plan.pk)


def test_the_member_can_read_the_plan_before_its_pdf_is_rendered(plan, pdfs):
    assert tasks.generate_plan.apply([str(plan.pk)]).get() == "ready"
    plan.refresh_from_db()
    assert (plan.status, plan.pdf_status, plan.has_pdf) == ("ready", "pending", False)
    assert tasks.deliver_plan.apply([str(plan.pk)]).get() == "pdf ready"
    plan.refresh_from_db()
    assert plan.pdf_status == "ready" and bytes(plan.pdf.data).startswith(b"%PDF")
    assert tasks.deliver_plan.apply([str(plan.pk)]).get() == "nothing to do"


def test_a_pdf_that_cannot_be_made_leaves_the_plan_ready(plan, pdfs):
    tasks.generate_plan.apply([str(plan.pk)])
    # What Celery calls once the follow-up has failed for good (a render that crashed,
    # or outlasted its time limit).
    failure = OSError("no fonts")
    tasks.deliver_plan.on_failure(failure, f"{plan.pk}.deliver", [str(plan.pk)], {}, None)
    plan.refresh_from_db()
    assert (plan.status, plan.pdf_status) == ("ready", "failed")


def test_without_pdfs_a_ready_plan_needs_no_follow_up(plan, mailoutbox):
    tasks.generate_plan.apply([str(plan.pk)])
    assert not Plan.objects.undelivered().exists()
    plan.refresh_from_db()
    assert plan.pdf_status == "" and len(mailoutbox) == 1
    assert tasks.deliver_plan.apply([str(plan.pk)]).get() == "nothing to do"
