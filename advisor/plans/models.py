import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _overdue(now):
    """A run started before this has outlasted the hard time limit: its worker died."""
    return now - timedelta(seconds=settings.PLAN_TIME_LIMIT)


class PlanQuerySet(models.QuerySet):
    def for_owner(self, user) -> "PlanQuerySet":
        return self.filter(submission__owner=user)

    def unfinished(self) -> "PlanQuerySet":
        """Queued or being written."""
        return self.filter(status__in=[Plan.Status.QUEUED, Plan.Status.RUNNING])

    def newest(self) -> "Plan | None":
        """The highest version among these (of one submission, say), or None."""
        return self.order_by("-version").first()

    def next_version(self) -> int:
        return (self.aggregate(v=Max("version"))["v"] or 0) + 1

    def claimable(self, *, now) -> "PlanQuerySet":
        """Plans a delivery of the task may take: queued, or running for longer than a
        task may run (its worker died)."""
        return self.filter(
            Q(status=Plan.Status.QUEUED)
            | Q(status=Plan.Status.RUNNING, started_at__lt=_overdue(now))
        )

    def claim(self, plan_id, *, now=None) -> "Plan | None":
        """Mark this plan running for one delivery of the task, if a delivery may take it,
        and return it with its submission's answers and member's email loaded; None when
        there is nothing to do: it is finished, gone, or another delivery is on it now."""
        now = now or timezone.now()
        taken = (
            self.claimable(now=now)
            .filter(pk=plan_id)
            .update(status=Plan.Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
        )
        if not taken:
            return None
        loaded = self.select_related("submission__owner").only(
            *(f.name for f in Plan._meta.concrete_fields),
            "submission__answers",
            "submission__consent_review",
            "submission__owner__email",
        )
        return loaded.filter(pk=plan_id).first()

    def finish(self, plan: "Plan", *, now=None) -> bool:
        """Store `plan.content` and mark it ready, if the run that `claim` returned it for
        is still the plan's current one; False when it is not: that delivery was taken
        for dead and overtaken, and changes nothing."""
        now = now or timezone.now()
        current = self.filter(pk=plan.pk, status=Plan.Status.RUNNING, started_at=plan.started_at)
        finished = current.update(content=plan.content, status=Plan.Status.READY, finished_at=now)
        if finished:
            plan.status, plan.finished_at = Plan.Status.READY, now
        return finished == 1

    def stuck(self, *, now=None) -> "PlanQuerySet":
        """Plans no worker is on: queued and not sent for a sweep's time (the broker was
        down, or the message was lost), or running for too long (the worker died)."""
        now = now or timezone.now()
        unsent = now - timedelta(seconds=settings.PLAN_SWEEP_SECONDS)
        return self.filter(
            Q(status=Plan.Status.QUEUED, enqueued_at__lt=unsent)
            | Q(status=Plan.Status.RUNNING, started_at__lt=_overdue(now))
        )


class Plan(models.Model):
    """One version of the plan written for a submission, and where its making has got to.

    Its lifecycle (start, retry, delete) is in advisor/plans/lifecycle.py, the one module
    that sends plans to the workers.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(
        "profiles.Submission",
        on_delete=models.CASCADE,
        related_name="plans",
        db_index=False,  # one_plan_per_version's index starts with it
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    # The archetype the plan is written for: the best match, unless a counsellor chose.
    archetype = models.CharField(max_length=64)
    language = models.CharField(max_length=10, default="en")
    content = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last sent to the workers, or tried to be: the sweeper sends it again
    # if it is still queued a while later (lifecycle.requeue_stuck).
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved here from the `advisor` app.
        db_table = "advisor_plan"
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "version"], name="one_plan_per_version")
        ]
        indexes = [
            # For the sweeper: only the unfinished few, so a plan that becomes ready
            # leaves it rather than adding to it (each index costs every status change).
            models.Index(
                fields=["status", "enqueued_at"],
                condition=Q(status__in=["queued", "running"]),
                name="plan_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"Plan {self.version} of {self.submission_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def has_pdf(self) -> bool:
        return hasattr(self, "pdf")


class PlanPDF(models.Model):
    """A ready plan's PDF, in the database so that every web process and worker reaches it.

    One per plan: the primary key is the plan's, so a second delivery of the task cannot
    store a second file.
    """

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, primary_key=True, related_name="pdf"
    )
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "advisor_planpdf"
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")

    def __str__(self) -> str:
        return f"PDF of {self.plan}"
