"""Celery tasks: thin wrappers that take IDs and call plain functions (advisor.plans)."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError

from advisor import plans
from advisor.models import Plan

logger = logging.getLogger(__name__)

# Worth another try: the database or the broker was briefly away.
TRANSIENT = (OperationalError, InterfaceError, KombuError, ConnectionError, TimeoutError)


class PlanTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """The last word on a plan that could not be made: failed, in plain words."""
        if isinstance(exc, SoftTimeLimitExceeded):
            message = _("Writing your plan took too long, so we stopped.")
        elif isinstance(exc, (*TRANSIENT, DatabaseError)):
            message = _("Our servers were not reachable for a while, so your plan was not written.")
        else:
            message = _("Something went wrong while writing your plan.")
        logger.error("plan %s failed: %r", args[0] if args else "?", exc)
        plans.fail(args[0], message)


@shared_task(
    base=PlanTask,
    # The plan's status lives in the database: no result to store, and a submit never
    # waits on the result store (with Redis down, Celery's waits out its retries).
    ignore_result=True,
    acks_late=True,  # a worker that dies mid-task leaves the message for another
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.PLAN_SOFT_TIME_LIMIT,
    time_limit=settings.PLAN_TIME_LIMIT,
)
def generate_plan(plan_id: str) -> str:
    return plans.generate(plan_id)


def enqueue(plan_id) -> bool:
    """Send a plan to the workers. If the broker is down, the plan stays queued and the
    sweeper sends it later: the member's submission is never lost to it.

    The task's id is the plan's, so that deleting a plan can revoke its message.
    """
    try:
        generate_plan.apply_async([str(plan_id)], task_id=str(plan_id))
    except Exception:  # the broker is down or refused: whatever kombu raises
        logger.warning("broker unavailable; plan %s stays queued", plan_id, exc_info=True)
        return False
    return True


@shared_task
def requeue_stuck_plans() -> int:
    """Beat runs this: send again the plans no worker is on (see PlanQuerySet.stuck)."""
    stuck = Plan.objects.stuck()
    # It has killed or outlasted a worker each time: stop, and say so.
    given_up = stuck.filter(attempts__gte=settings.PLAN_MAX_ATTEMPTS)
    plans.fail_all(given_up, _("We tried several times and could not write your plan."))
    ids = list(stuck.values_list("pk", flat=True))
    stuck.update(status=Plan.Status.QUEUED, enqueued_at=timezone.now())
    return sum(enqueue(plan_id) for plan_id in ids)
