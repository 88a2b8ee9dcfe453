"""A plan's lifecycle: start, write, follow up, retry, sweep, delete. Orchestrates
across apps.

The one module that sends plans to the Celery workers (or takes them back). It sends
tasks by name, so that it does not import the task module, which imports it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisor import broker
from advisor.advice import matching
from advisor.celery import app
from advisor.plans import worker
from advisor.plans.models import Plan, PlanQuerySet
from profiles.models import Submission

logger = logging.getLogger(__name__)

# The names the tasks are registered under (advisor/plans/tasks.py).
GENERATE_TASK = "advisor.tasks.generate_plan"
DELIVER_TASK = "advisor.tasks.deliver_plan"
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
            by_counsellor=by_counsellor,
        )
    transaction.on_commit(lambda: enqueue(plan.pk))
    return plan


def retry(plan: Plan) -> None:
    """Queue a failed plan again, with a fresh count of attempts. The caller checks it
    failed."""
    plan.status = Plan.Status.QUEUED
    plan.error = ""
    plan.attempts = 0
    plan.enqueued_at = timezone.now()
    plan.save(update_fields=["status", "error", "attempts", "enqueued_at"])
    transaction.on_commit(lambda: enqueue(plan.pk))


def enqueue(plan_id) -> bool:
    """Send a plan to the workers. If the broker is down, the plan stays queued and the
    sweeper sends it later: the member's submission is never lost to it.

    The task's id is the plan's, so that deleting a plan can revoke its message. Each
    send carries a token of its own (`delivery`): a second delivery of this message may
    take the plan over from a run that died, a message of another send may not
    (PlanQuerySet.claim).
    """
    return _send(GENERATE_TASK, plan_id, str(plan_id), uuid.uuid4().hex)


def write(plan_id, *, delivery: str | None = None) -> str:
    """What the plan task does: write the plan and email the member (worker.generate);
    once it is ready, which the member sees at once, send the task that renders its
    PDF."""
    outcome = worker.generate(plan_id, delivery=delivery)
    if outcome == worker.READY and settings.PLAN_PDF:
        follow_up(plan_id)
    return outcome


def follow_up(plan_id) -> bool:
    """Send the task that renders the PDF of a ready plan and emails the member, if
    either is still to do; the sweeper sends it again when they are late."""
    return _send(DELIVER_TASK, plan_id, _follow_up_id(plan_id), queue=settings.PLAN_PDF_QUEUE)


def _follow_up_id(plan_id) -> str:
    return f"{plan_id}.deliver"


def _send(task: str, plan_id, task_id: str, *args: str, queue: str | None = None) -> bool:
    try:
        # ignore_result as the tasks declare it: no web process waits on a result.
        app.send_task(task, [str(plan_id), *args], task_id=task_id, queue=queue, ignore_result=True)
    except Exception:  # the broker is down, hangs or refused: whatever kombu raises
        logger.warning("broker unavailable; %s for plan %s not sent", task, plan_id, exc_info=True)
        return False
    return True


def requeue_stuck() -> int:
    """Send again what no worker is on: plans queued or running whose message was lost
    or whose worker died (PlanQuerySet.stuck), and ready plans whose email or PDF did
    not come (.undelivered). A message the broker still holds for a worker is left to
    it (broker.in_flight). Gives up on plans that have killed or outlasted a worker too
    often. Returns how many tasks were sent."""
    now = timezone.now()
    worker.fail_all(
        Plan.objects.stuck(now=now).filter(attempts__gte=settings.PLAN_MAX_ATTEMPTS),
        gettext_lazy("We tried several times and could not write your plan."),
    )
    stuck = set(Plan.objects.stuck(now=now).values_list("pk", flat=True))
    # A follow-up takes a render's time after the plan is ready; give it that and more.
    late = now - timedelta(seconds=settings.PLAN_DELIVERY_GRACE_SECONDS)
    undelivered = Plan.objects.undelivered().filter(finished_at__lt=late)
    undelivered = set(undelivered.values_list("pk", flat=True))
    if not stuck and not undelivered:
        return 0
    task_ids = {str(pk) for pk in stuck} | {_follow_up_id(pk) for pk in undelivered}
    flying = broker.in_flight(task_ids, grace=settings.PLAN_SEND_GRACE_SECONDS)
    if flying is None:
        return 0  # the broker cannot be asked, so nothing could be sent either
    resend = [pk for pk in stuck if str(pk) not in flying]
    # Still stuck as the update runs: a plan claimed meanwhile is left alone.
    Plan.objects.filter(pk__in=resend).stuck(now=now).update(
        status=Plan.Status.QUEUED, enqueued_at=timezone.now()
    )
    sent = sum(enqueue(pk) for pk in resend)
    return sent + sum(follow_up(pk) for pk in undelivered if _follow_up_id(pk) not in flying)


def delete(plans: PlanQuerySet) -> None:
    """Delete plans with their PDFs; the tasks of those not yet written are revoked."""
    task_ids = [str(pk) for pk in plans.unfinished().values_list("pk", flat=True)]
    task_ids += [_follow_up_id(pk) for pk in plans.undelivered().values_list("pk", flat=True)]
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
