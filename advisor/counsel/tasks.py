"""Celery tasks of the counselling app: thin, ids in."""

from celery import shared_task

from advisor.counsel import emails
from advisor.mail import MAIL_ERRORS

# The mail server was away: try again, later each time.
MAIL_RETRIES = {
    "ignore_result": True,
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**MAIL_RETRIES)
def tell_member(submission_id: str, kind: str) -> None:
    emails.tell_member(submission_id, kind)


@shared_task(**MAIL_RETRIES)
def tell_counsellor(submission_id: str) -> None:
    emails.tell_counsellor(submission_id)
