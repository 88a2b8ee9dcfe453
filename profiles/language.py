"""The language a person reads Leap in: chosen on any page, kept for members."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def known_language(code: str, *, default: str = settings.LANGUAGE_CODE) -> str:
    """A language Leap speaks, or `default` (English): an unknown code is no error."""
    return code if code in dict(settings.LANGUAGES) else default


def remember_language(request: HttpRequest, response: HttpResponse, code: str) -> HttpResponse:
    """Speak `code` from the next page on (a cookie, as Django's own switcher sets), and
    keep it on the member's account so that it follows them to any device."""
    code = known_language(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    user = request.user
    if user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response
