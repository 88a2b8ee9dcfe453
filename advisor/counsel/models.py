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


def _sla() -> timedelta:
    """The response-time limit: how long a review may wait for a counsellor
    (settings.REVIEW_SLA_DAYS), not counting the time it waits for the member."""
    return timedelta(days=settings.REVIEW_SLA_DAYS)


def _sla_cutoff():
    """A review whose clock started before this and that waits for a counsellor: overdue."""
    return timezone.now() - _sla()


# The queue's orders: the fields of each, the last one unique, so that a page can start
# after a given row (keyset pagination: no OFFSET, no count of every row).
SORTS = {
    "priority": ("-priority", "created_at", "pk"),
    "oldest": ("created_at", "pk"),
    "due": ("clock_from", "pk"),
}


# What a list of reviews shows (the queue, the caseload, the CSV): only these are read,
# not the answers (large) nor the accounts' other columns.
LISTED = (
    "status", "archetype", "priority", "high_strain", "created_at", "clock_from",
    "submission__created_at", "submission__owner__email", "assignee__email",
)  # fmt: skip


class ReviewQuerySet(models.QuerySet):
    def waiting_for_counsellor(self) -> "ReviewQuerySet":
        """The reviews whose clock runs: not reviewed, and not waiting for the member."""
        return self.filter(status__in=[Review.Status.NEW, Review.Status.IN_REVIEW])

    def overdue(self) -> "ReviewQuerySet":
        return self.waiting_for_counsellor().filter(clock_from__lt=_sla_cutoff())

    def caseload(self, counsellor) -> "ReviewQuerySet":
        """The reviews `counsellor` has claimed or was assigned."""
        return self.filter(assignee=counsellor)

    def after(self, sort: str, pk) -> "ReviewQuerySet":
        """The rows that come after the review `pk` in the order `sort` (a key of SORTS):
        the next page. Its values are read in the same query (a subquery each, on the
        primary key); a review gone meanwhile has nothing after it."""
        condition = models.Q()
        equal = models.Q()
        for field in SORTS[sort]:
            name = field.lstrip("-")
            value = models.Subquery(Review.objects.filter(pk=pk).values(name)[:1])
            lookup = "lt" if field.startswith("-") else "gt"
            condition |= equal & models.Q(**{f"{name}__{lookup}": value})
            equal &= models.Q(**{name: value})
        return self.filter(condition)

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
        sort: str = "",
    ) -> "ReviewQuerySet":
        """The counsellor's queue in the order `sort` (by priority, then age, unless
        told), narrowed by the filters given (empty means any): one query whatever the
        page size."""
        reviews = (
            self.select_related("submission__owner", "assignee")
            .only(*LISTED)
            .order_by(*SORTS[sort or "priority"])
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
    # The response-time clock: it starts when the review opens (`created_at`) and stops
    # while the review waits for the member; each wait moves this start later by its
    # length, so the due date is always `clock_from` + the limit (rules.set_status).
    clock_from = models.DateTimeField(default=timezone.now)
    # Since when the review waits for the member (status "awaiting member"), else None.
    awaiting_since = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        db_table = "advisor_review"
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            # The queue's order, and its most used filters. With the submission last, as in
            # SORTS: reviews opened at the same moment (a batch) are read in the index's
            # order, not all read and then sorted.
            models.Index(
                fields=["-priority", "created_at", "submission"], name="review_queue_order"
            ),
            models.Index(
                fields=["status", "-priority", "created_at", "submission"],
                name="review_status_order",
            ),
            models.Index(fields=["assignee", "status"], name="review_assignee"),
            models.Index(fields=["archetype"], name="review_archetype"),
            # "Oldest first" and "due first", the queue's other orders.
            models.Index(fields=["created_at", "submission"], name="review_oldest"),
            models.Index(fields=["clock_from", "submission"], name="review_due"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.submission_id} ({self.status})"

    @property
    def opened_after_submit(self) -> bool:
        """Consent to review was given after submit (again, or for the first time): the
        review, and the time it has to be done in, start then, not at submit."""
        return self.created_at > self.submission.created_at

    @property
    def clock_runs(self) -> bool:
        """The review waits for a counsellor: its response time counts."""
        return self.status in (self.Status.NEW, self.Status.IN_REVIEW)

    @property
    def is_overdue(self) -> bool:
        return self.clock_runs and self.clock_from < _sla_cutoff()

    @property
    def due_at(self):
        """When the review is due, or None while no counsellor is expected to act (it is
        reviewed, or waits for the member: that time does not count)."""
        return self.clock_from + _sla() if self.clock_runs else None

    @property
    def age_days(self) -> int:
        """Whole days since the review was opened."""
        return (timezone.now() - self.created_at).days

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


class MessageQuerySet(models.QuerySet):
    def thread(self, submission) -> "MessageQuerySet":
        """The conversation on a submission, oldest first, with who wrote each."""
        return (
            self.filter(submission=submission).select_related("author").order_by("created_at", "id")
        )


class Message(models.Model):
    """One turn of the conversation between a counsellor and a member about a
    submission: a counsellor's question, or the member's reply."""

    id = models.BigAutoField(primary_key=True)
    submission = models.ForeignKey(
        "profiles.Submission", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_member = models.BooleanField()
    text = models.TextField()
    # The form's one-time key: the same form sent twice (a double click, a resent POST)
    # finds this row instead of writing the message again.
    token = models.UUIDField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["submission", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        who = "member" if self.from_member else "counsellor"
        return f"Message {self.pk} from the {who} on {self.submission_id}"


class SavedReplyQuerySet(models.QuerySet):
    def of(self, counsellor) -> "SavedReplyQuerySet":
        return self.filter(owner=counsellor).order_by("title", "id")


class SavedReply(models.Model):
    """A counsellor's own text to reuse in a question or a note, in English and Chinese:
    the one in the member's language goes into the box."""

    id = models.BigAutoField(primary_key=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField(_("title"), max_length=100)
    text_en = models.TextField(_("in English"), max_length=4000)
    text_zh_hans = models.TextField(_("in Chinese"), max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title

    def text_in(self, language: str) -> str:
        """The text in `language` (a language code): Chinese for zh-*, else English."""
        return self.text_zh_hans if language.lower().startswith("zh") else self.text_en


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
        ASKED = "asked", _("Asked the member a question")
        REPLIED = "replied", _("The member replied")

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
