"""The plan task's own rules, run in-process through Celery's eager path."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advisor.plans import tasks
from advisor.plans.models import Plan
from profiles.models import Draft
from profiles.personas import LI_JING
from profiles.submit import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice) -> Plan:
    draft = Draft.objects.create(owner=alice, answers=LI_JING)
    return submit(draft, consent_review=False).plans.get()


def test_a_ready_plan_is_emailed_to_its_member_once(
    plan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.generate_plan.apply([str(plan.pk)])
        tasks.generate_plan.apply([str(plan.pk)])
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Your Leap plan is ready"
    assert f"/plans/{plan.pk}/" in mail.body


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


def test_the_task_is_declared_safe_against_lost_workers_and_slow_runs(settings):
    task = tasks.generate_plan
    assert task.acks_late and task.reject_on_worker_lost
    assert task.soft_time_limit < task.time_limit < settings.BROKER_VISIBILITY_TIMEOUT
    assert task.max_retries == 5 and task.retry_backoff


def test_stuck_plans_are_the_long_unsent_and_the_overdue(plan, settings):
    now = timezone.now()
    assert not Plan.objects.stuck().exists()  # just sent (or tried)
    unsent = now - timedelta(seconds=settings.PLAN_SWEEP_SECONDS + 1)
    Plan.objects.filter(pk=plan.pk).update(enqueued_at=unsent)
    assert list(Plan.objects.stuck()) == [plan]
    overdue = now - timedelta(seconds=settings.PLAN_TIME_LIMIT + 1)
    Plan.objects.filter(pk=plan.pk).update(status="running", started_at=overdue, enqueued_at=now)
    assert list(Plan.objects.stuck()) == [plan]
    Plan.objects.filter(pk=plan.pk).update(started_at=now)
    assert not Plan.objects.stuck().exists()  # running, and not for long


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
    with django_assert_num_queries(2):  # the claim, then one read of what writing needs
        claimed = Plan.objects.claim(str(plan.pk).upper(), now=now)
        assert claimed.submission.answers == LI_JING
        assert claimed.submission.owner.email == "alice@example.com"
    assert (claimed.pk, claimed.status, claimed.attempts) == (plan.pk, "running", 1)
    assert claimed.started_at == now and claimed.language == plan.language
    assert claimed.submission.created_at == plan.submission.created_at  # loaded on access
    plan.refresh_from_db()
    assert (plan.status, plan.started_at, plan.attempts) == ("running", now, 1)


def test_a_plan_is_claimed_by_one_delivery_until_its_run_is_overdue(plan, settings):
    started = timezone.now()
    assert Plan.objects.claim(plan.pk, now=started) is not None
    assert Plan.objects.claim(plan.pk, now=started) is None  # another delivery is on it
    overdue = started + timedelta(seconds=settings.PLAN_TIME_LIMIT + 1)
    assert Plan.objects.claim(plan.pk, now=overdue).attempts == 2  # its worker died
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.READY)
    assert Plan.objects.claim(plan.pk, now=overdue + timedelta(days=1)) is None
    plan.delete()
    assert Plan.objects.claim(plan.pk) is None


def test_only_the_current_run_finishes_a_plan(plan, settings, django_assert_num_queries):
    started = timezone.now()
    first = Plan.objects.claim(plan.pk, now=started)
    overdue = started + timedelta(seconds=settings.PLAN_TIME_LIMIT + 1)
    second = Plan.objects.claim(plan.pk, now=overdue)  # the first one's worker was taken for dead
    first.content = {"by": "the first run"}
    assert not Plan.objects.finish(first)  # overtaken: changes nothing
    second.content = {"by": "the second run"}
    with django_assert_num_queries(1):
        assert Plan.objects.finish(second, now=overdue)
    assert not Plan.objects.finish(second)  # once only
    plan.refresh_from_db()
    assert (plan.status, plan.content, plan.finished_at) == ("ready", second.content, overdue)
    assert (second.status, second.finished_at) == ("ready", overdue)
