"""Emails to members, all sent from Celery workers, never inside a web request: a slow
or dead mail server (EMAIL_TIMEOUT) then delays nobody's page.

Web code asks for an email with `send_later(task, *ids)`; the task (thin, ids in) builds
and sends it with `send_to_member`.
"""

import logging
import smtplib

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# A mail server that is down, slow or refusing: worth another try later.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def send_to_member(
    member, *, language: str, subject, template: str, context: dict, headers: dict | None = None
) -> None:
    """One email to `member`, in `language` (`subject` may be lazy), with any extra
    `headers` (List-Unsubscribe, say). Raises MAIL_ERRORS."""
    with translation.override(language):
        body = render_to_string(template, context)
        EmailMessage(str(subject), body, None, [member.email], headers=headers).send()


def email_member(member, *, language: str, subject, template: str, context: dict) -> None:
    """As `send_to_member`, but a mail server that is down is logged and undoes nothing:
    what the email announces is done already."""
    try:
        send_to_member(
            member, language=language, subject=subject, template=template, context=context
        )
    except MAIL_ERRORS:
        logger.exception("could not email member %s: %s", member.pk, subject)


def send_later(task, *args) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""
    transaction.on_commit(lambda: send_now(task, *args))


def send_now(task, *args) -> bool:
    """Send `task(*args)` to the workers. With the broker down this is logged as an error
    and returns False: the caller decides what the person is told."""
    try:
        task.apply_async(args)
    except Exception:  # the broker is down or refused: whatever kombu raises
        logger.error("broker unavailable; %s%r not sent", task.name, args, exc_info=True)
        return False
    return True
