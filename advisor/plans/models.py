import functools
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisor.advice.charts import DAYS_A_MONTH
from profiles.models import Submission, User


def _lease_end(now):
    return now + timedelta(seconds=settings.PLAN_LEASE_SECONDS)


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

    def claim(self, plan_id, *, delivery=None, now=None) -> "Plan | None":
        """Mark this plan running for one delivery of the task, if a delivery may take it,
        with a lease of PLAN_LEASE_SECONDS that the run renews while it lasts (`renew`);
        return it with its submission's answers and member's email loaded. None when
        there is nothing to do: it is finished, gone, or a live run is on it.

        A delivery may take a plan that is queued; or running, but its run's lease has
        lapsed (its worker died without a word); or running for an earlier delivery of
        this same send (`delivery`), which means that run is over: Celery hands a message
        on again when the pool process running it died, and retries after it raised. A
        delivery of another send leaves a live run alone. Runs are bounded: a plan that
        has killed its workers PLAN_MAX_ATTEMPTS times is left to the sweeper, which
        fails it.

        One statement, written by hand: building the ORM's UPDATE and then its SELECT
        cost a worker more than writing the plan (bench/README.md). Django's update()
        returns no rows, so this is UPDATE ... RETURNING (PostgreSQL, SQLite >= 3.35),
        with subqueries for the submission and the member."""
        now = now or timezone.now()
        connection = self._write_connection()
        params = [
            Plan.Status.RUNNING,
            _prep("started_at", now, connection),
            _prep("lease_until", _lease_end(now), connection),
            _prep("delivery", delivery, connection),
            _prep("id", plan_id, connection),
            Plan.Status.QUEUED,
            Plan.Status.RUNNING,
            settings.PLAN_MAX_ATTEMPTS,
            _prep("lease_until", now, connection),
            _prep("delivery", delivery, connection),
        ]
        with connection.cursor() as cursor:
            cursor.execute(_claim_sql(), params)
            row = cursor.fetchone()
        if row is None:
            return None
        names = [field.name for field in Plan._meta.concrete_fields]
        columns = dict(zip(names, row, strict=False))
        plan = _instance(Plan, connection, columns)
        answers, consent_review, owner_id, email = row[len(names) :]
        plan.submission = _instance(
            Submission,
            connection,
            {
                "id": columns["submission"],
                "owner": owner_id,
                "answers": answers,
                "consent_review": consent_review,
            },
        )
        plan.submission.owner = _instance(User, connection, {"id": owner_id, "email": email})
        return plan

    def _run_of(self, plan: "Plan") -> "PlanQuerySet":
        """The plan, if the run that `claim` returned it for is still its current one:
        each claim counts an attempt, so the count names the run."""
        return self.filter(pk=plan.pk, status=Plan.Status.RUNNING, attempts=plan.attempts)

    def renew(self, plan: "Plan", *, now=None) -> bool:
        """Extend the lease of the run `plan` was claimed for; False if it was overtaken."""
        now = now or timezone.now()
        return self._run_of(plan).update(lease_until=_lease_end(now)) == 1

    def finish(self, plan: "Plan", *, pdf: bool, now=None) -> bool:
        """Store `plan.content` and mark it ready, with its PDF to come if `pdf`, if the run
        that `claim` returned it for is still the plan's current one (`_run_of`); False
        when it is not: that run was taken for dead and overtaken, and changes nothing.
        One statement written by hand, like `claim`."""
        now = now or timezone.now()
        pdf_status = Plan.PDFStatus.PENDING if pdf else Plan.PDFStatus.NONE
        connection = self._write_connection()
        params = [
            _prep("content", plan.content, connection),
            Plan.Status.READY,
            _prep("finished_at", now, connection),
            pdf_status,
            _prep("id", plan.pk, connection),
            Plan.Status.RUNNING,
            plan.attempts,
        ]
        with connection.cursor() as cursor:
            cursor.execute(_FINISH.format(plan=Plan._meta.db_table), params)
            finished = cursor.rowcount == 1
        if finished:
            plan.status, plan.finished_at, plan.pdf_status = Plan.Status.READY, now, pdf_status
        return finished

    def _write_connection(self):
        return connections[self._db or router.db_for_write(self.model)]

    def stuck(self, *, now=None) -> "PlanQuerySet":
        """Plans that may need sending again: queued for longer than a message takes to
        reach the queue (PLAN_SEND_GRACE_SECONDS: the broker was down, or the message was
        lost), or running with a lease that lapsed (the worker died). Some of them are
        only waiting in the queue: the sweeper asks the broker before it sends any."""
        now = now or timezone.now()
        grace = now - timedelta(seconds=settings.PLAN_SEND_GRACE_SECONDS)
        return self.filter(
            Q(status=Plan.Status.QUEUED, enqueued_at__lt=grace)
            | Q(status=Plan.Status.RUNNING, lease_until__lt=now)
        )

    def undelivered(self) -> "PlanQuerySet":
        """Ready plans whose PDF or email is still to come."""
        return self.filter(
            Q(pdf_status=Plan.PDFStatus.PENDING) | Q(emailed_at__isnull=True),
            status=Plan.Status.READY,
        )

    def claim_email(self, plan_id, *, now=None) -> bool:
        """Note that the ready plan's email is being sent, if nobody has: True for the one
        caller that may send it. The fact lives in the row, not in a run, so that a
        second run, a follow-up sent twice or the sweeper never send a second email. It
        is noted before sending: a worker that dies in between loses the email rather
        than sends it twice. Written by hand, like `claim`: every plan runs it."""
        now = now or timezone.now()
        connection = self._write_connection()
        params = [_prep("emailed_at", now, connection), _prep("id", plan_id, connection)]
        params.append(Plan.Status.READY)
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_EMAIL.format(plan=Plan._meta.db_table), params)
            return cursor.rowcount == 1


# The statements every plan runs, written by hand (PlanQuerySet.claim says why).
_CLAIM = """
UPDATE {plan} SET status = %s, started_at = %s, lease_until = %s, delivery = %s,
    attempts = attempts + 1
WHERE id = %s AND (status = %s OR (status = %s AND attempts < %s
    AND (lease_until < %s OR delivery = %s)))
RETURNING {plan_columns},
    (SELECT {answers} FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT {consent_review} FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT {owner} FROM {submission} WHERE id = {plan}.submission_id),
    (SELECT {email} FROM {user} WHERE id =
        (SELECT {owner} FROM {submission} WHERE id = {plan}.submission_id))
"""

_FINISH = """
UPDATE {plan} SET content = %s, status = %s, finished_at = %s, lease_until = NULL,
    pdf_status = %s
WHERE id = %s AND status = %s AND attempts = %s
"""

_CLAIM_EMAIL = """
UPDATE {plan} SET emailed_at = %s WHERE id = %s AND status = %s AND emailed_at IS NULL
"""


@functools.cache
def _claim_sql() -> str:
    def column(model, name: str) -> str:
        return model._meta.get_field(name).column

    return _CLAIM.format(
        plan=Plan._meta.db_table,
        plan_columns=", ".join(f.column for f in Plan._meta.concrete_fields),
        submission=Submission._meta.db_table,
        answers=column(Submission, "answers"),
        consent_review=column(Submission, "consent_review"),
        owner=column(Submission, "owner"),
        user=User._meta.db_table,
        email=column(User, "email"),
    )


def _instance(model, connection, values: dict):
    """A `model` instance from raw column values ({field name: value}), converted as a
    query would convert them. Fields not given are deferred: reading one loads it."""
    loaded = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        col = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            value = convert(value, col, connection)
        loaded[field.attname] = value
    return model.from_db(connection.alias, list(loaded), list(loaded.values()))


def _prep(field_name: str, value, connection):
    """`value` as a plan's field stores it, for a statement's parameters."""
    return Plan._meta.get_field(field_name).get_db_prep_save(value, connection)


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

    class PDFStatus(models.TextChoices):
        """A ready plan's PDF is rendered after it, by a follow-up task."""

        NONE = "", _("No PDF")
        PENDING = "pending", _("Being prepared")
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
    # Started by a counsellor (for the path they chose), not by the member.
    by_counsellor = models.BooleanField(default=False)
    content = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last sent to the workers, or tried to be: the sweeper sends it again
    # if it is still queued a while later (lifecycle.requeue_stuck).
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The current run's lease: it renews it while it lives; once lapsed, the run is
    # taken for dead (PlanQuerySet.claim).
    lease_until = models.DateTimeField(null=True, blank=True)
    # The send (lifecycle.enqueue) whose delivery holds the current run: a second
    # delivery of the same send may take over at once (PlanQuerySet.claim).
    delivery = models.UUIDField(null=True, blank=True)
    pdf_status = models.CharField(max_length=10, choices=PDFStatus, blank=True, default="")
    # When the member was told the plan is ready: set once, before the email goes.
    emailed_at = models.DateTimeField(null=True, blank=True)

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
            ),
            # For the sweeper too: ready plans whose PDF or email is still to come.
            models.Index(
                fields=["finished_at"],
                condition=Q(status="ready") & (Q(pdf_status="pending") | Q(emailed_at=None)),
                name="plan_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.version} of {self.submission_id} ({self.status})"

    def date_of(self, day: int) -> date:
        """The date of the plan's day `day`, counted as the plan counts its days: from the
        end of any rest (a month of it is 30 days), which begins the day the plan was
        written, in the site's time zone; or from that day when the steps do not wait
        for the rest (an offer in hand: `steps_start_months` is 0)."""
        written = timezone.localdate(self.finished_at or timezone.now())
        content = self.content or {}
        # Plans written before `steps_start_months` counted every step from the rest's end.
        months = content.get("steps_start_months", content.get("rest_months")) or 0
        return written + timedelta(days=DAYS_A_MONTH * int(months) + day)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def has_pdf(self) -> bool:
        return hasattr(self, "pdf")

    @property
    def pdf_pending(self) -> bool:
        return self.status == self.Status.READY and self.pdf_status == self.PDFStatus.PENDING

    @property
    def poll_interval(self) -> str:
        """How soon a page waiting for this plan (or, once it is ready, for its PDF) asks
        again, as htmx's `every` reads it: four times a second while the wait is
        usually over, then less and less often, so that a long wait (a backlog, an
        outage) costs the servers little (bench/visible.py measures the first)."""
        since = self.finished_at if self.status == self.Status.READY else self.enqueued_at
        waited = (timezone.now() - since).total_seconds() if since else 0
        for under, every in ((3, "250ms"), (10, "500ms"), (120, "2s")):
            if waited < under:
                return every
        return "5s"


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


class MilestoneProgressQuerySet(models.QuerySet):
    def tally(self) -> dict:
        """{plan id: {"done": n, "skipped": n}} for the plans these rows belong to: one
        query, for My plans."""
        rows = self.values("plan").annotate(
            done=Count("pk", filter=Q(status=MilestoneProgress.Status.DONE)),
            skipped=Count("pk", filter=Q(status=MilestoneProgress.Status.SKIPPED)),
        )
        return {row["plan"]: {"done": row["done"], "skipped": row["skipped"]} for row in rows}


class MilestoneProgress(models.Model):
    """How far a member has got with one milestone of one plan version: done, not yet or
    skipped, with a note of their own. No row means not yet.

    A milestone is named by its key (`catalogue.step_key`, kept in the plan's content),
    which is the same in every version and language of a plan that has the step: so a
    later version takes over the progress of the steps it shares
    (advisor/plans/checklist.py, `carry_over`), and each version keeps its own.
    """

    class Status(models.TextChoices):
        TODO = "todo", _("Not yet")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    NOTE_MAX_LENGTH = 500

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="progress",
        db_index=False,  # one_progress_per_milestone's index starts with it
    )
    key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status, default=Status.TODO)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone progress")
        verbose_name_plural = _("milestone progress")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_progress_per_milestone")
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.plan_id}: {self.status}"
