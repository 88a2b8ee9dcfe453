import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanQuerySet(models.QuerySet):
    def for_owner(self, user) -> "PlanQuerySet":
        return self.filter(submission__owner=user)

    def claim(self, plan_id, *, now=None) -> "Plan | None":
        """Mark this plan running for one delivery of the task, if a delivery may take it,
        and return it with its submission's answers and member's email loaded; None when
        there is nothing to do: it is finished, gone, or another delivery is on it now.

        A delivery may take a plan that is queued, or running for longer than a task may
        run (its worker died). One statement does all that: a round trip to the database,
        and the ORM building a query, are a good part of what a plan costs the worker
        (bench/README.md). Django's update() returns no rows, so this is UPDATE ...
        RETURNING (PostgreSQL, SQLite >= 3.35), with subqueries for the other two tables.
        """
        from profiles.models import Submission, User

        now = now or timezone.now()
        connection = self._write_connection()
        plan_columns = [field.column for field in Plan._meta.concrete_fields]
        sql = _CLAIM.format(
            plan=Plan._meta.db_table,
            submission=Submission._meta.db_table,
            user=User._meta.db_table,
            plan_columns=", ".join(plan_columns),
        )
        params = [
            Plan.Status.RUNNING,
            _prep("started_at", now, connection),
            _prep("id", plan_id, connection),
            Plan.Status.QUEUED,
            Plan.Status.RUNNING,
            _prep("started_at", _overdue(now), connection),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        columns = dict(zip(plan_columns, row[: len(plan_columns)], strict=True))
        answers, consent_review, owner_id, email = row[len(plan_columns) :]
        plan = _instance(Plan, connection, columns)
        plan.submission = _instance(
            Submission,
            connection,
            {
                "id": columns["submission_id"],
                "owner_id": owner_id,
                "answers": answers,
                "consent_review": consent_review,
            },
        )
        plan.submission.owner = _instance(User, connection, {"id": owner_id, "email": email})
        return plan

    def finish(self, plan: "Plan", *, now=None) -> bool:
        """Store `plan.content` and mark it ready, if the run that `claim` returned it for
        is still the plan's current one; False when it is not: that delivery was taken
        for dead and overtaken, and changes nothing. One statement, like `claim`."""
        now = now or timezone.now()
        connection = self._write_connection()
        params = [
            _prep("content", plan.content, connection),
            Plan.Status.READY,
            _prep("finished_at", now, connection),
            _prep("id", plan.pk, connection),
            Plan.Status.RUNNING,
            _prep("started_at", plan.started_at, connection),
        ]
        with connection.cursor() as cursor:
            cursor.execute(_FINISH.format(plan=Plan._meta.db_table), params)
            finished = cursor.rowcount == 1
        if finished:
            plan.status, plan.finished_at = Plan.Status.READY, now
        return finished

    def _write_connection(self):
        return connections[self._db or router.db_for_write(self.model)]

    def stuck(self, *, now=None) -> "PlanQuerySet":
        """Plans no worker is on: queued and not sent for a sweep's time (the broker was
        down, or the message was lost), or running for too long (the worker died)."""
        now = now or timezone.now()
        unsent = now - timedelta(seconds=settings.PLAN_SWEEP_SECONDS)
        return self.filter(
            Q(status=Plan.Status.QUEUED, enqueued_at__lt=unsent)
            | Q(status=Plan.Status.RUNNING, started_at__lt=_overdue(now))
        )


_CLAIM = """
UPDATE {plan} SET status = %s, started_at = %s, attempts = attempts + 1
WHERE id = %s AND (status = %s OR (status = %s AND started_at < %s))
RETURNING {plan_columns},
    (SELECT answers FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT consent_review FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT owner_id FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT email FROM {user} WHERE id =
        (SELECT owner_id FROM {submission} WHERE id = {plan}.submission_id))
"""

_FINISH = """
UPDATE {plan} SET content = %s, status = %s, finished_at = %s
WHERE id = %s AND status = %s AND started_at = %s
"""


def _instance(model, connection, columns: dict):
    """A `model` instance from raw column values, converted as a query would convert them.
    Fields not given are deferred: reading one loads it."""
    loaded = {}
    for field in model._meta.concrete_fields:
        if field.column in columns:
            value, col = columns[field.column], field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(col)
            for convert in converters + field.get_db_converters(connection):
                value = convert(value, col, connection)
            loaded[field.attname] = value
    return model.from_db(connection.alias, list(loaded), list(loaded.values()))


def _prep(field_name: str, value, connection):
    """`value` as a plan's field stores it, for a statement's parameters."""
    return Plan._meta.get_field(field_name).get_db_prep_save(value, connection)


def _overdue(now):
    """A run started before this has outlasted the hard time limit: its worker died."""
    return now - timedelta(seconds=settings.PLAN_TIME_LIMIT)


class Plan(models.Model):
    """One version of the plan written for a submission, and where its making has got to."""

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
    # if it is still queued a while later (tasks.requeue_stuck_plans).
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
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

    @classmethod
    def start(cls, submission, *, archetype: str, language: str) -> "Plan":
        """A new queued version for `submission`, sent to a worker once it is committed.

        Call inside the transaction that made the submission: nothing is sent if it
        rolls back. Concurrent starts wait for each other on the submission's row, so
        versions never clash.
        """
        from advisor import tasks

        with transaction.atomic():
            submission.lock()
            latest = cls.objects.filter(submission=submission).aggregate(v=Max("version"))["v"]
            plan = cls.objects.create(
                submission=submission,
                version=(latest or 0) + 1,
                archetype=archetype,
                language=language,
            )
        transaction.on_commit(lambda: tasks.enqueue(plan.pk))
        return plan

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    def retry(self) -> None:
        """Queue a failed plan again. The caller checks it failed."""
        from advisor import tasks

        self.status = self.Status.QUEUED
        self.error = ""
        self.enqueued_at = timezone.now()
        self.save(update_fields=["status", "error", "enqueued_at"])
        transaction.on_commit(lambda: tasks.enqueue(self.pk))


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
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")

    def __str__(self) -> str:
        return f"PDF of {self.plan}"


def _sla_cutoff():
    """Submitted before this and not yet reviewed: overdue (settings.REVIEW_SLA_DAYS)."""
    return timezone.now() - timedelta(days=settings.REVIEW_SLA_DAYS)


class ReviewQuerySet(models.QuerySet):
    def overdue(self) -> "ReviewQuerySet":
        return self.exclude(status=Review.Status.REVIEWED).filter(created_at__lt=_sla_cutoff())


class Review(models.Model):
    """A counsellor's review of a submission whose member agreed to one.

    Made at submit time only for those; a submission without consent has none, so no
    counsellor query can reach it.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        AWAITING_MEMBER = "awaiting_member", _("Awaiting member")
        REVIEWED = "reviewed", _("Reviewed")

    # Which status may follow which; anything else is refused.
    TRANSITIONS = {
        Status.NEW: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.REVIEWED, Status.AWAITING_MEMBER},
        Status.AWAITING_MEMBER: {Status.IN_REVIEW, Status.REVIEWED},
        Status.REVIEWED: {Status.IN_REVIEW},
    }

    submission = models.OneToOneField(
        "profiles.Submission", on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    # The archetype the member's plan follows: the best match, or a counsellor's override.
    archetype = models.CharField(max_length=64)
    # Higher first in the queue; strain raises it (advisor.counsel.priority_of).
    priority = models.PositiveSmallIntegerField(default=0)
    high_strain = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            # The queue's order, and its most used filters.
            models.Index(fields=["-priority", "created_at"], name="review_queue_order"),
            models.Index(fields=["status", "-priority", "created_at"], name="review_status_order"),
            models.Index(fields=["assignee", "status"], name="review_assignee"),
            models.Index(fields=["archetype"], name="review_archetype"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.submission_id} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.REVIEWED and self.created_at < _sla_cutoff()

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def archetype_name(self) -> str:
        from advisor import catalogue

        found = catalogue.by_slug(self.archetype)
        return str(found.name) if found else self.archetype


class Note(models.Model):
    """A counsellor's note on a submission: private to counsellors, or shared with the member."""

    id = models.BigAutoField(primary_key=True)
    submission = models.ForeignKey(
        "profiles.Submission", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    shared = models.BooleanField(
        default=False, help_text=_("Shared notes are shown to the member on their plan.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.submission_id} by {self.author}"


class AuditEvent(models.Model):
    """Who did what to which submission, and when: every opening and every action."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        CLAIMED = "claimed", _("Claimed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Wrote a note")
        OVERRIDE = "override", _("Changed the archetype")
        STATUS = "status", _("Changed the status")
        EXPORTED = "exported", _("Exported the queue")

    id = models.BigAutoField(primary_key=True)
    submission = models.ForeignKey(
        "profiles.Submission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.actor} {self.action} {self.submission_id} at {self.created_at:%Y-%m-%d %H:%M}"
        )
