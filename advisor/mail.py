"""Emails to members."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def email_member(member, *, language: str, subject, template: str, context: dict) -> None:
    """One email to `member`, in `language` (`subject` may be lazy). A mail server that is
    down is logged and undoes nothing: what the email announces is done already."""
    with translation.override(language):
        body = render_to_string(template, context)
        try:
            send_mail(str(subject), body, None, [member.email])
        except (smtplib.SMTPException, OSError):
            logger.exception("could not email %s: %s", member.email, subject)
