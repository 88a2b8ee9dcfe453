"""A plan's lifecycle: start, retry, sweep, delete. Orchestrates across apps.

The one module that sends plans to the Celery workers (or takes them back). It sends
tasks by name, so that it does not import the task module, which imports it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisor.advice import matching
from advisor.celery import app
from advisor.plans import worker
from advisor.plans.models import Plan, PlanQuerySet
from profiles.models import Submission

logger = logging.getLogger(__name__)

# The names the tasks are registered under (advisor/plans/tasks.py).
GENERATE_TASK = "advisor.tasks.generate_plan"
SWEEP_TASK = "advisor.tasks.requeue_stuck_plans"


class PlanInProgress(Exception):
    """A version for these answers is still being written; the message says so."""


def start(
    submission: Submission,
    *,
    language: str,
    archetype: str | None = None,
    by_counsellor: bool = False,
) -> Plan:
    """A new queued version for `submission`, written in `language` for `archetype` (the
    best match when None), and sent to a worker once it is committed.

    Call inside the transaction that made the submission, if any: nothing is sent if it
    rolls back. Concurrent starts wait for each other on the submission's row, so
    versions never clash. A member gets no second version while one is being written
    (PlanInProgress: a double click, or a second tab); a counsellor who changes the
    archetype does, since that changes what the plan says.
    """
    archetype = archetype or matching.rank(submission.answers).best.archetype.slug
    with transaction.atomic():
        submission.lock()
        plans = Plan.objects.filter(submission=submission)
        if not by_counsellor and plans.unfinished().exists():
            raise PlanInProgress(_("A plan for these answers is already being written."))
        plan = Plan.objects.create(
            submission=submission,
            version=plans.next_version(),
            archetype=archetype,
            language=language,
        )
    transaction.on_commit(lambda: enqueue(plan.pk))
    return plan


def retry(plan: Plan) -> None:
    """Queue a failed plan again. The caller checks it failed."""
    plan.status = Plan.Status.QUEUED
    plan.error = ""
    plan.enqueued_at = timezone.now()
    plan.save(update_fields=["status", "error", "enqueued_at"])
    transaction.on_commit(lambda: enqueue(plan.pk))


def enqueue(plan_id) -> bool:
    """Send a plan to the workers. If the broker is down, the plan stays queued and the
    sweeper sends it later: the member's submission is never lost to it.

    The task's id is the plan's, so that deleting a plan can revoke its message.
    """
    try:
        # ignore_result as the task declares it: no web process waits on a result.
        app.send_task(GENERATE_TASK, [str(plan_id)], task_id=str(plan_id), ignore_result=True)
    except Exception:  # the broker is down or refused: whatever kombu raises
        logger.warning("broker unavailable; plan %s stays queued", plan_id, exc_info=True)
        return False
    return True


def requeue_stuck() -> int:
    """Send again the plans no worker is on (PlanQuerySet.stuck); give up on those that
    have killed or outlasted a worker too often. Returns how many were sent."""
    stuck = Plan.objects.stuck()
    worker.fail_all(
        stuck.filter(attempts__gte=settings.PLAN_MAX_ATTEMPTS),
        gettext_lazy("We tried several times and could not write your plan."),
    )
    ids = list(stuck.values_list("pk", flat=True))
    stuck.update(status=Plan.Status.QUEUED, enqueued_at=timezone.now())
    return sum(enqueue(plan_id) for plan_id in ids)


def delete(plans: PlanQuerySet) -> None:
    """Delete plans with their PDFs; the tasks of those not yet written are revoked."""
    task_ids = [str(pk) for pk in plans.unfinished().values_list("pk", flat=True)]
    plans.delete()
    transaction.on_commit(lambda: _revoke(task_ids))


def _revoke(task_ids: list[str]) -> None:
    """Tell the workers to drop these tasks' messages if they are still queued."""
    if not task_ids:
        return
    try:
        app.control.revoke(task_ids)
    except Exception:  # the broker is down: the tasks find no plan and do nothing
        logger.warning("could not revoke tasks %s", task_ids, exc_info=True)
