"""Check-ins: at day 30, 60 and 90 of a plan, the member is asked how it is going.

One row per check-in, made ahead of time by the sweep (advisor/checkins/sweep.py); the
database holds the two facts that keep it to one email: a set of answers has one
check-in a day (`one_checkin_per_day`), and a check-in is emailed by whoever first sets
`emailed_at` (`CheckInQuerySet.claim_due`).
"""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DAYS = (30, 60, 90)


class CheckInQuerySet(models.QuerySet):
    def for_member(self, user) -> "CheckInQuerySet":
        return self.filter(member=user)

    def due(self, *, today) -> "CheckInQuerySet":
        """Due and not yet emailed or set aside, for a member who is still here and has
        not asked us to stop."""
        return self.filter(
            due_on__lte=today,
            emailed_at=None,
            skipped="",
            member__is_active=True,
            member__checkin_unsubscribed=None,
        )

    def claim_due(self, *, today, now, limit: int) -> list["CheckIn"]:
        """Take up to `limit` due check-ins for this caller alone, and note them emailed:
        only the caller that sets `emailed_at` sends the email, so however many sweeps
        run at once, on however many workers, none is sent twice.

        The rows are locked as they are read (FOR UPDATE), and rows another sweep holds
        are passed over (SKIP LOCKED): concurrent sweeps share the work instead of
        waiting for each other. The UPDATE repeats the condition on the row itself, so
        even where the database has no row locks (SQLite, which runs one writer at a
        time) a row already taken is not taken again. The claim is committed before the
        email goes: a worker that dies in between loses that email rather than send it
        twice (docs/checkins.md)."""
        with transaction.atomic():
            rows = list(
                self.due(today=today)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("due_on", "created_at")[:limit]
            )
            taken = []
            for row in rows:
                if CheckIn.objects.filter(pk=row.pk, emailed_at=None).update(emailed_at=now):
                    row.emailed_at = now
                    taken.append(row)
        return taken


class CheckIn(models.Model):
    """One check-in of a set of answers (its first submission, `series`), on `day` of the
    plan: the emails, the plans and the member's own edits that follow it all belong to
    the same set, so the days count from its first plan."""

    class Progress(models.TextChoices):
        MOVED = "moved", _("I have made the move my plan is about")
        WORKING = "working", _("I am working on it")
        NOT_YET = "not_yet", _("Not much has happened yet")
        CHANGED = "changed", _("I have changed course")

    class Skipped(models.TextChoices):
        NO = "", _("Not skipped")
        LATE = "late", _("Already long past when check-ins began")
        UNSUBSCRIBED = "unsubscribed", _("The member asked for no check-in emails")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # The first submission of the set of answers (no `previous`): the check-ins' series.
    series = models.ForeignKey(
        "profiles.Submission", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, before the email goes, by the one sweep that claims it.
    emailed_at = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=16, choices=Skipped, blank=True, default="")
    # The answers to the check-in's own questions (forms.CheckInForm), once given.
    answers = models.JSONField(default=dict, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The plan the member checked in on, and the new version the check-in made.
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    # When the milestones' progress was carried over to the new plan (sweep.carry_over).
    carried_at = models.DateTimeField(null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "day"]
        constraints = [
            models.UniqueConstraint(fields=["series", "day"], name="one_checkin_per_day"),
        ]
        indexes = [
            # For the sweep: only the few still to send.
            models.Index(
                fields=["due_on"],
                condition=Q(emailed_at=None, skipped=""),
                name="checkin_to_send",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in day {self.day} of {self.series_id}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def open(self) -> bool:
        """The member may answer it: it has come, and it is not answered yet."""
        return not self.answered and self.due_on <= timezone.localdate()


class Unsubscribed(models.Model):
    """A member who asked for no more check-in emails (by the link in one, no log-in
    needed). Deleting the row starts them again."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="checkin_unsubscribed",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed from check-ins")
        verbose_name_plural = _("unsubscribed from check-ins")

    def __str__(self) -> str:
        return f"No check-ins for {self.member_id}"
