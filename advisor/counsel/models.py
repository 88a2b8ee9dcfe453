"""Counsellor review: the review of a submission, notes on it, and the audit trail.

The tables kept the names they had in the `advisor` app before these models moved here
(migrations/0001_initial.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisor.advice import catalogue


def _sla_cutoff():
    """Submitted before this and not yet reviewed: overdue (settings.REVIEW_SLA_DAYS)."""
    return timezone.now() - timedelta(days=settings.REVIEW_SLA_DAYS)


class ReviewQuerySet(models.QuerySet):
    def overdue(self) -> "ReviewQuerySet":
        return self.exclude(status=Review.Status.REVIEWED).filter(created_at__lt=_sla_cutoff())

    def queue(
        self,
        *,
        counsellor,
        status: str = "",
        archetype: str = "",
        flag: str = "",
        assigned: str = "",
        overdue: bool = False,
        q: str = "",
    ) -> "ReviewQuerySet":
        """The counsellor's queue, by priority then age, narrowed by the filters given
        (empty means any): one query whatever the page size."""
        reviews = self.select_related("submission__owner", "assignee").order_by(
            "-priority", "created_at", "pk"
        )
        if status:
            reviews = reviews.filter(status=status)
        if archetype:
            reviews = reviews.filter(archetype=archetype)
        if flag == "high_strain":
            reviews = reviews.filter(high_strain=True)
        if assigned == "me":
            reviews = reviews.filter(assignee=counsellor)
        elif assigned == "none":
            reviews = reviews.filter(assignee__isnull=True)
        if overdue:
            reviews = reviews.overdue()
        if q:
            reviews = reviews.filter(submission__owner__email__icontains=q.strip())
        return reviews


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
    # Higher first in the queue; strain raises it (advisor.counsel.rules.priority_of).
    priority = models.PositiveSmallIntegerField(default=0)
    high_strain = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        db_table = "advisor_review"
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
    def opened_after_submit(self) -> bool:
        """Consent to review was given after submit (again, or for the first time): the
        review, and the time it has to be done in, start then, not at submit."""
        return self.created_at > self.submission.created_at

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.REVIEWED and self.created_at < _sla_cutoff()

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def archetype_name(self) -> str:
        return archetype_label(self.archetype)


class NoteQuerySet(models.QuerySet):
    def shared(self) -> "NoteQuerySet":
        """The notes the member sees."""
        return self.filter(shared=True)


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

    objects = NoteQuerySet.as_manager()

    class Meta:
        db_table = "advisor_note"
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.submission_id} by {self.author}"

    @property
    def visibility(self) -> str:
        """Who may read it, as the audit trail records it (a key of NOTE_VISIBILITY)."""
        return "shared with the member" if self.shared else "private"

    @property
    def visibility_label(self) -> str:
        return str(NOTE_VISIBILITY[self.visibility])


class AuditEvent(models.Model):
    """Who did what to which submission, and when: every visit and every action."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        CLAIMED = "claimed", _("Claimed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Wrote a note")
        OVERRIDE = "override", _("Changed the archetype")
        STATUS = "status", _("Changed the status")
        EXPORTED = "exported", _("Exported the queue")
        CONSENT_GIVEN = "consent_given", _("The member allowed counsellor review")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("The member withdrew consent to review")

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
    # The counsellor a review was assigned to. A link, not their email in `detail`, so
    # that deleting an account leaves no row naming them.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Never an email address or other text naming a person: ids only (docs/privacy.md).
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "advisor_auditevent"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.actor} {self.action} {self.submission_id} at {self.created_at:%Y-%m-%d %H:%M}"
        )

    def describe(self) -> str:
        """What happened, in the reader's language, with labels for the keys that
        `detail` stores (`new → in_review`, `influencer_founder → …: the reason`)."""
        action = self.get_action_display()
        detail = self.detail
        if self.assignee_id:
            detail = self.assignee.email
        elif self.action == self.Action.STATUS and " → " in detail:
            before, after = detail.split(" → ", 1)
            detail = f"{_status_label(before)} → {_status_label(after)}"
        elif self.action == self.Action.OVERRIDE and " → " in detail:
            before, rest = detail.split(" → ", 1)
            after, _colon, reason = rest.partition(": ")
            detail = f"{archetype_label(before)} → {archetype_label(after)}"
            if reason:
                detail = gettext("%(change)s: %(reason)s") % {"change": detail, "reason": reason}
        elif self.action == self.Action.NOTE and detail in NOTE_VISIBILITY:
            detail = str(NOTE_VISIBILITY[detail])
        if not detail:
            return action
        return gettext("%(action)s: %(detail)s") % {"action": action, "detail": detail}


# A note's visibility, as its event stores it in `detail` (`Note.visibility`), and as read.
NOTE_VISIBILITY = {
    "shared with the member": _("shared with the member"),
    "private": _("private"),
}


def _status_label(value: str) -> str:
    return str(Review.Status(value).label) if value in Review.Status.values else value


def archetype_label(slug: str) -> str:
    """An archetype's name in the reader's language; the slug of one no longer known."""
    found = catalogue.by_slug(slug)
    return str(found.name) if found else slug
