"""Emails about a person's account, written and sent by a worker (profiles/tasks.py)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from profiles.models import User


def password_reset(user_id: int, language: str) -> None:
    """The link to set a new password, as Django's PasswordResetForm writes it, with the
    site's public address (SITE_URL) rather than whatever Host a request named. Nothing
    for an account that is gone or cannot log in with a password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": "Leap",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme,
    }
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.html", context)
    send_mail("".join(subject.splitlines()), body, None, [user.email])
