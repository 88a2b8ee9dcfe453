"""Celery tasks: thin wrappers that take IDs and call plain functions.

Their names are the ones they had before they moved here from advisor/tasks.py, so
that messages already queued under those names still run (lifecycle sends by name).
"""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError

from advisor.plans import lifecycle, worker

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
        worker.fail(args[0], message)


class DeliveryTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """The plan is ready and stays so; its PDF, if still to come, failed."""
        logger.error("follow-up of plan %s failed: %r", args[0] if args else "?", exc)
        worker.fail_pdf(args[0])


# Both tasks: the plan's status lives in the database, so no result to store, and a
# submit never waits on the result store (with Redis down, Celery's waits out its
# retries). A worker that dies mid-task leaves the message for another (acks_late).
RELIABLY = {
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": settings.PLAN_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": settings.PLAN_SOFT_TIME_LIMIT,
    "time_limit": settings.PLAN_TIME_LIMIT,
}


@shared_task(name=lifecycle.GENERATE_TASK, base=PlanTask, **RELIABLY)
def generate_plan(plan_id: str, delivery: str | None = None) -> str:
    # Messages sent before sends carried a token have none: they claim as any other send.
    return lifecycle.write(plan_id, delivery=delivery)


@shared_task(name=lifecycle.DELIVER_TASK, base=DeliveryTask, **RELIABLY)
def deliver_plan(plan_id: str) -> str:
    return worker.deliver(plan_id)


@shared_task(name=lifecycle.SWEEP_TASK, ignore_result=True)
def requeue_stuck_plans() -> int:
    """Beat runs this: send again the plans no worker is on."""
    return lifecycle.requeue_stuck()
