"""What the conversation tells by email: the member of a shared note, a question or a
finished review; the counsellor of the member's reply. Sent by the worker
(advisor/counsel/tasks.py), each in its reader's language."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from advisor.counsel.models import Message, Review
from advisor.mail import send_to_member
from profiles.models import Submission

NOTE = "note"
QUESTION = "question"
REVIEWED = "reviewed"
SUBJECTS = {
    NOTE: gettext_lazy("Your counsellor left you a note"),
    QUESTION: gettext_lazy("Your counsellor has a question for you"),
    REVIEWED: gettext_lazy("Your counsellor has reviewed your plan"),
}
REPLIED = gettext_lazy("A member replied to your question")


def language_of(submission, plan=None) -> str:
    """The member's language: the one they chose last, else their latest plan's."""
    plan = plan or submission.plans.newest()
    return submission.owner.language or (plan.language if plan else settings.LANGUAGE_CODE)


def tell_member(submission_id: str, kind: str) -> None:
    """Email the member with a link to their plan, in the language they chose last (else
    their latest plan's). Nothing if the submission is gone (the member deleted their
    account meanwhile)."""
    submission = Submission.objects.select_related("owner").filter(pk=submission_id).first()
    if submission is None:
        return
    subject = SUBJECTS[kind]
    plan = submission.plans.newest()
    path = reverse("plan", args=[plan.pk]) if plan else reverse("plans")
    if kind == QUESTION:
        path += "#conversation"
    send_to_member(
        submission.owner,
        language=language_of(submission, plan),
        subject=subject,
        template="counsel/member_email.txt",
        context={"subject": subject, "url": settings.SITE_URL + path},
    )


def tell_counsellor(submission_id: str) -> None:
    """Email the review's counsellor that the member replied: its assignee, else whoever
    asked last. The reply itself stays in Leap (the email carries only the link)."""
    review = Review.objects.select_related("assignee").filter(submission_id=submission_id)
    review = review.first()
    if review is None:  # consent withdrawn, or the account deleted, meanwhile
        return
    counsellor = review.assignee
    if counsellor is None:
        asked = Message.objects.filter(submission_id=submission_id, from_member=False)
        last = asked.select_related("author").order_by("-created_at", "-id").first()
        counsellor = last.author if last else None
    if counsellor is None or not counsellor.is_active:
        return
    path = reverse("counsel_submission", args=[submission_id]) + "#conversation"
    send_to_member(
        counsellor,
        language=counsellor.language or settings.LANGUAGE_CODE,
        subject=REPLIED,
        template="counsel/counsellor_email.txt",
        context={"subject": REPLIED, "url": settings.SITE_URL + path},
    )
