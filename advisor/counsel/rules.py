"""Counsellor review: the queue's rules and every action a counsellor takes.

Each action records an AuditEvent in the same transaction, so the trail and the data can
never disagree. Views call these functions; they hold no rules of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advisor.advice import catalogue, money
from advisor.advice.answers import Answers
from advisor.counsel import tasks
from advisor.counsel.emails import NOTE, QUESTION, REVIEWED
from advisor.counsel.models import AuditEvent, Message, Note, Review
from advisor.mail import send_later
from advisor.plans import lifecycle
from advisor.plans.models import Plan

Action = AuditEvent.Action


class Refused(Exception):
    """The action is not allowed as asked; the message says why, in plain words."""


def priority_of(answers: Mapping[str, Any]) -> tuple[int, bool]:
    """(priority, high strain): strain first, then a thin runway with people to feed."""
    person = Answers.of(answers)
    priority = 2 * person.strain_is_high + person.fainted_or_ill
    if money.of(person).runway_months <= 3 and person.dependants > 0:
        priority += 1
    return priority, person.strain_is_high


def open_review(submission, *, archetype: str, opened_at=None) -> Review | None:
    """The review of a submission, only if its member consented to one: made at submit,
    or when consent is given later (`opened_at`: now, so that it is not overdue at once)."""
    if not submission.consent_review:
        return None
    priority, high_strain = priority_of(submission.answers)
    opened_at = opened_at or submission.created_at
    return Review.objects.create(
        submission=submission,
        archetype=archetype,
        priority=priority,
        high_strain=high_strain,
        created_at=opened_at,
        clock_from=opened_at,
    )


def close_review(submission) -> None:
    """Consent withdrawn: no counsellor reaches the submission from now on. The review
    and the counsellors' private notes, which existed only for it, are deleted; notes
    shared with the member stay theirs (docs/privacy.md)."""
    Review.objects.filter(submission=submission).delete()
    Note.objects.filter(submission=submission, shared=False).delete()


def record(submission, *, actor, action: str, detail: str = "", assignee=None) -> AuditEvent:
    return AuditEvent.objects.create(
        submission=submission, actor=actor, action=action, detail=detail, assignee=assignee
    )


# One visit: a counsellor who opens a submission again within this time of their last
# event on its review (an opening or an action) is still on the same visit, and no new
# "Opened" is recorded. Every action redirects back to the page, which would otherwise
# record an opening after each one (docs/counselling.md, "The trail").
VISIT = timedelta(hours=1)


def record_opening(review: Review, *, counsellor) -> AuditEvent | None:
    """Record that `counsellor` opened the review's submission, unless they are on a
    visit to this review already: then nothing (None). A visit before consent was
    withdrawn and given again was to another review, and does not count."""
    since = max(timezone.now() - VISIT, review.created_at)
    on_a_visit = AuditEvent.objects.filter(
        submission=review.submission, actor=counsellor, created_at__gte=since
    ).exists()
    if on_a_visit:
        return None
    return record(review.submission, actor=counsellor, action=Action.OPENED)


@transaction.atomic
def claim(review: Review, *, counsellor) -> None:
    """Take an unassigned review. Of two counsellors claiming at once, one wins."""
    taken = Review.objects.filter(pk=review.pk, assignee__isnull=True).update(
        assignee=counsellor, updated_at=timezone.now()
    )
    if not taken:
        holder = Review.objects.select_related("assignee").get(pk=review.pk).assignee
        raise Refused(_("%(who)s has already claimed it.") % {"who": holder})
    review.assignee = counsellor
    record(review.submission, actor=counsellor, action=Action.CLAIMED)


@transaction.atomic
def assign(review: Review, *, by, to) -> None:
    if not to.is_counsellor:
        raise Refused(_("Only a counsellor can be assigned a review."))
    Review.objects.filter(pk=review.pk).update(assignee=to, updated_at=timezone.now())
    review.assignee = to
    record(review.submission, actor=by, action=Action.ASSIGNED, assignee=to)


@transaction.atomic
def add_note(review: Review, *, author, text: str, shared: bool) -> Note:
    note = Note.objects.create(
        submission=review.submission, author=author, text=text, shared=shared
    )
    record(review.submission, actor=author, action=Action.NOTE, detail=note.visibility)
    if shared:
        send_later(tasks.tell_member, str(review.submission_id), NOTE)
    return note


@transaction.atomic
def override(review: Review, *, by, archetype: str, reason: str) -> Plan:
    """Write the member's plan for another archetype: a new plan version, in Celery."""
    if catalogue.by_slug(archetype) is None:
        raise Refused(_("There is no archetype “%(slug)s”.") % {"slug": archetype[:40]})
    if archetype == review.archetype:
        raise Refused(_("The plan already follows that archetype."))
    detail = f"{review.archetype} → {archetype}: {reason}"
    Review.objects.filter(pk=review.pk).update(archetype=archetype, updated_at=timezone.now())
    review.archetype = archetype
    latest = review.submission.plans.newest()
    language = latest.language if latest else settings.LANGUAGE_CODE
    plan = lifecycle.start(
        review.submission, language=language, archetype=archetype, by_counsellor=True
    )
    record(review.submission, actor=by, action=Action.OVERRIDE, detail=detail)
    return plan


@transaction.atomic
def set_status(review: Review, *, by, status: str) -> None:
    """Move the review on. "Awaiting member" comes only with a question (`ask`)."""
    if status == Review.Status.AWAITING_MEMBER:
        raise Refused(_("To wait for the member, ask them a question."))
    _move(review, by=by, status=status)


def _lock(submission_id) -> Review | None:
    """Hold the review's row until the transaction ends (None: there is no review)."""
    return Review.objects.select_for_update().filter(submission_id=submission_id).first()


def _move(review: Review, *, by, status: str) -> Review:
    """Change the status and record it; the caller holds the transaction. The response
    time stops while the review waits for the member: entering that wait notes when,
    leaving it moves the clock's start later by the wait (docs/counselling.md)."""
    current = _lock(review.pk)
    if not current.can_move_to(status):
        raise Refused(
            _("A review cannot go from “%(from)s” to “%(to)s”.")
            % {"from": current.get_status_display(), "to": Review.Status(status).label}
        )
    now = timezone.now()
    changes = {"status": status, "updated_at": now}
    if status == Review.Status.REVIEWED:
        changes["reviewed_at"] = now
    if status == Review.Status.AWAITING_MEMBER:
        changes["awaiting_since"] = now
    elif current.awaiting_since is not None:
        changes["clock_from"] = current.clock_from + (now - current.awaiting_since)
        changes["awaiting_since"] = None
    Review.objects.filter(pk=review.pk).update(**changes)
    for name, value in changes.items():
        setattr(review, name, value)
    record(review.submission, actor=by, action=Action.STATUS, detail=f"{current.status} → {status}")
    if status == Review.Status.REVIEWED:
        send_later(tasks.tell_member, str(review.submission_id), REVIEWED)
    return current


@transaction.atomic
def ask(review: Review, *, by, text: str, token) -> Message:
    """A counsellor's question to the member: the review waits for the member's reply,
    and the member is emailed. The same form sent twice asks once (`token`)."""
    _lock(review.submission_id)  # so that of two identical posts the second finds the first
    if sent := Message.objects.filter(token=token, submission=review.submission).first():
        return sent
    _move(review, by=by, status=Review.Status.AWAITING_MEMBER)
    message = Message.objects.create(
        submission=review.submission, author=by, from_member=False, text=text, token=token
    )
    record(review.submission, actor=by, action=Action.ASKED, detail=f"message {message.pk}")
    send_later(tasks.tell_member, str(review.submission_id), QUESTION)
    return message


@transaction.atomic
def reply(submission, *, member, text: str, token) -> Message:
    """The member's answer to the question asked: the review goes back to "in review"
    and its counsellor is emailed. Only while a question waits for them; the same form
    sent twice replies once (`token`)."""
    review = _lock(submission.pk)
    if sent := Message.objects.filter(token=token, submission=submission).first():
        return sent
    if review is None or review.status != Review.Status.AWAITING_MEMBER:
        raise Refused(_("Your counsellor has no question waiting for you."))
    _move(review, by=member, status=Review.Status.IN_REVIEW)
    message = Message.objects.create(
        submission=submission, author=member, from_member=True, text=text, token=token
    )
    record(submission, actor=member, action=Action.REPLIED, detail=f"message {message.pk}")
    send_later(tasks.tell_counsellor, str(submission.pk))
    return message
