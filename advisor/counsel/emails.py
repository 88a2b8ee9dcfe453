"""What a counsellor's work tells the member by email: a shared note, a finished review.
Sent by the worker (advisor/counsel/tasks.py), in the language of the member's latest plan."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from advisor.mail import send_to_member
from profiles.models import Submission

NOTE = "note"
REVIEWED = "reviewed"
SUBJECTS = {
    NOTE: gettext_lazy("Your counsellor left you a note"),
    REVIEWED: gettext_lazy("Your counsellor has reviewed your plan"),
}


def tell_member(submission_id: str, kind: str) -> None:
    """Email the member with a link to their plan. Nothing if the submission is gone
    (the member deleted their account meanwhile)."""
    submission = Submission.objects.select_related("owner").filter(pk=submission_id).first()
    if submission is None:
        return
    subject = SUBJECTS[kind]
    plan = submission.plans.newest()
    path = reverse("plan", args=[plan.pk]) if plan else reverse("plans")
    send_to_member(
        submission.owner,
        language=plan.language if plan else settings.LANGUAGE_CODE,
        subject=subject,
        template="counsel/member_email.txt",
        context={"subject": subject, "url": settings.SITE_URL + path},
    )
