"""Celery tasks of the counselling app: thin, ids in."""

from celery import shared_task

from advisor.counsel import emails
from advisor.mail import MAIL_ERRORS


@shared_task(
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,  # the mail server was away: try again, later each time
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=6,
)
def tell_member(submission_id: str, kind: str) -> None:
    emails.tell_member(submission_id, kind)
