"""Celery tasks of the profiles app: thin, ids in."""

from celery import shared_task

from advisor.mail import MAIL_ERRORS
from advisor.members import privacy
from profiles import emails


@shared_task
def clear_expired_sessions() -> None:
    """Beat runs this: expired sessions go, and visitors' drafts with them."""
    privacy.clear_expired_sessions()


@shared_task(
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=5,
)
def send_password_reset(user_id: int, language: str) -> None:
    emails.password_reset(user_id, language)
