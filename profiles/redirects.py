"""Where to go after a form: the `next` a page asked for, when it is safe."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` asked for, if it is a path on this site; else `default` (or home).
    Only a path: `next=abc` was once taken for a view's name, and answered 500."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home") if default is None else default
